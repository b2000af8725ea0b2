/**
 * B11 measurements in the page (headless Chromium, localhost):
 * - JS: every script response of a list load, gzip-compressed here (level 6, `gzip -6`), split
 *   into the initial set (entry and modulepreloads of index.html) and what loads later;
 * - reload → interactive list: the time from navigation start until the first issue row is in the
 *   DOM ("row") and until the main thread is next free after it ("interactive": a rAF plus a
 *   zero-delay task both ran), with the bootstrap endpoint counted (0 = served from IndexedDB);
 * - filter change: a click on the chip's is / is not switch until the list's DOM has changed
 *   (React committed), and until the next animation frame after that (which adds the wait for the
 *   display's next frame, 0–16.7 ms);
 * - scrolling: long tasks (PerformanceObserver `longtask`, > 50 ms) and frame gaps while the list
 *   is scrolled by rAF-driven steps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { repoRoot } from './seed.ts';

/** Installs the in-page probes (before any app script runs). */
export const PROBES = `
(() => {
  const w = window;
  // tsx (esbuild keepNames) wraps named functions of page.evaluate callbacks in __name().
  w.__name = w.__name || ((f) => f);
  w.__b11 = { row: null, longTasks: [] };
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__b11.longTasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  const mo = new MutationObserver(() => {
    if (w.__b11.row === null && document.querySelector('[data-testid="issue-row"]')) {
      w.__b11.row = performance.now();
      mo.disconnect();
      requestAnimationFrame(() => setTimeout(() => { w.__b11.interactive = performance.now(); }, 0));
    }
  });
  document.addEventListener('DOMContentLoaded', () => mo.observe(document.body, { childList: true, subtree: true }));
})();
`;

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (nearest rank). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** JS of one list load, in bytes. */
export interface JsSizes {
  initialRaw: number;
  initialGzip: number;
  laterGzip: number;
  files: Array<{ file: string; raw: number; gzip: number; initial: boolean }>;
}

/** Scripts named by the built index.html (entry and modulepreloads). */
function initialScripts(): Set<string> {
  const html = readFileSync(path.join(repoRoot, 'apps/web/dist/index.html'), 'utf8');
  const out = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)) out.add(m[1]!);
  return out;
}

/** Loads `url` and sums the JavaScript the page fetched (after `settleMs` for lazy chunks). */
export async function measureJs(page: Page, url: string, settleMs = 1500): Promise<JsSizes> {
  const initial = initialScripts();
  const bodies = new Map<string, Promise<Buffer>>();
  const onResponse = (r: import('@playwright/test').Response) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('.js')) bodies.set(u.pathname, r.body());
  };
  page.on('response', onResponse);
  await page.goto(url);
  await page.getByTestId('issue-row').first().waitFor();
  await page.waitForTimeout(settleMs);
  page.off('response', onResponse);
  const files: JsSizes['files'] = [];
  for (const [file, body] of bodies) {
    const b = await body;
    files.push({ file, raw: b.length, gzip: gzipSync(b, { level: 6 }).length, initial: initial.has(file) });
  }
  const sum = (xs: typeof files, k: 'raw' | 'gzip') => xs.reduce((a, f) => a + f[k], 0);
  return {
    initialRaw: sum(files.filter((f) => f.initial), 'raw'),
    initialGzip: sum(files.filter((f) => f.initial), 'gzip'),
    laterGzip: sum(files.filter((f) => !f.initial), 'gzip'),
    files,
  };
}

/** One reload. */
export interface LoadTiming {
  row: number;
  interactive: number;
  bootstraps: number;
  longestTask: number;
}

/** Reloads and times the first row and the next free main thread; counts bootstrap requests. */
export async function timeReload(page: Page): Promise<LoadTiming> {
  let bootstraps = 0;
  const onRequest = (r: import('@playwright/test').Request) => {
    if (r.url().includes('/api/v1/sync/bootstrap')) bootstraps++;
  };
  page.on('request', onRequest);
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { __b11: { interactive?: number } }).__b11.interactive !== undefined, null, { timeout: 60_000 });
  page.off('request', onRequest);
  const r = await page.evaluate(() => (window as unknown as { __b11: { row: number; interactive: number; longTasks: Array<{ duration: number }> } }).__b11);
  return { row: r.row, interactive: r.interactive, bootstraps, longestTask: Math.max(0, ...r.longTasks.map((t) => t.duration)) };
}

/** One filter change in the page: until the list's DOM changed, and until the next frame after. */
export interface FilterChange {
  commit: number;
  frame: number;
}

/**
 * Clicks the first filter chip's operator switch `n` times (is ↔ is not), timing each click until
 * the list's DOM changed (React committed the new rows) and until the frame after that.
 */
export async function timeFilterChanges(page: Page, n: number): Promise<FilterChange[]> {
  const out: FilterChange[] = [];
  for (let i = 0; i < n; i++) {
    const t = await page.evaluate(
      () =>
        new Promise<FilterChange>((resolve) => {
          const list = document.querySelector('[data-testid="issue-list"]')!;
          const button = document.querySelector<HTMLButtonElement>('[data-testid="filter-op"]')!;
          const t0 = performance.now();
          const mo = new MutationObserver(() => {
            mo.disconnect();
            const commit = performance.now() - t0;
            requestAnimationFrame(() => resolve({ commit, frame: performance.now() - t0 }));
          });
          mo.observe(list, { childList: true, subtree: true, characterData: true });
          button.click();
        }),
    );
    out.push(t);
    await page.waitForTimeout(50);
  }
  return out;
}

/** Scrolling results. */
export interface ScrollResult {
  frames: number;
  pixels: number;
  longTasks: number[];
  maxFrameGap: number;
  p95FrameGap: number;
}

/** Scrolls the list by `step` px per frame for `frames` frames, observing long tasks and frame gaps. */
export async function scrollList(page: Page, frames: number, step: number): Promise<ScrollResult> {
  return page.evaluate(
    ({ frames, step }) =>
      new Promise<ScrollResult>((resolve) => {
        const el = document.querySelector<HTMLElement>('[data-testid="issue-list"]')!;
        const longTasks: number[] = [];
        const po = new PerformanceObserver((l) => {
          for (const e of l.getEntries()) longTasks.push(e.duration);
        });
        po.observe({ type: 'longtask' });
        const gaps: number[] = [];
        let last = performance.now();
        let i = 0;
        const start = el.scrollTop;
        const tick = (t: number) => {
          gaps.push(t - last);
          last = t;
          if (i++ >= frames) {
            // Let the observer deliver the last entries.
            setTimeout(() => {
              po.disconnect();
              const sorted = [...gaps.slice(1)].sort((a, b) => a - b);
              resolve({ frames, pixels: el.scrollTop - start, longTasks, maxFrameGap: sorted[sorted.length - 1] ?? 0, p95FrameGap: sorted[Math.floor(sorted.length * 0.95)] ?? 0 });
            }, 200);
            return;
          }
          el.scrollTop += step;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame((t) => {
          last = t;
          requestAnimationFrame(tick);
        });
      }),
    { frames, step },
  );
}

/** Main-thread work of one phase, from a Chromium trace: thread (CPU) time, not wall time. */
export interface PhaseCpu {
  /** Main-thread tasks of the renderer in the phase. */
  tasks: number;
  /** Sum of their thread time, ms. */
  totalMs: number;
  /** The task with the longest thread time: its thread time and its wall duration, ms. */
  longest: { cpuMs: number; wallMs: number };
  /** Tasks whose wall duration exceeded 50 ms, and how many of them also used over 50 ms of thread time. */
  over50Wall: number;
  over50Cpu: number;
}

/**
 * Runs `run` while Chromium records a light trace (task boundaries only: categories `toplevel`
 * and `devtools.timeline`) and sums the renderer main thread's tasks by their thread time
 * (`tdur`, the CPU the thread actually got) next to their wall duration (`dur`). On a machine
 * whose CPUs are shared, a task's wall time includes the time the thread waited for a CPU; the
 * thread time is the app's own work. Tracing costs a little, so timed figures are taken in a
 * separate, untraced pass.
 */
export async function phaseCpu<T>(browser: import('@playwright/test').Browser, page: Page, run: () => Promise<T>): Promise<[T, PhaseCpu]> {
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline'] });
  const result = await run();
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: Array<{ name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }>;
  };
  const ev = trace.traceEvents;
  const main = ev.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasks = main ? ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask') : [];
  let longest = { cpuMs: 0, wallMs: 0 };
  let totalMs = 0;
  let over50Wall = 0;
  let over50Cpu = 0;
  for (const t of tasks) {
    const cpu = (t.tdur ?? 0) / 1000;
    const wall = (t.dur ?? 0) / 1000;
    totalMs += cpu;
    if (cpu > longest.cpuMs) longest = { cpuMs: cpu, wallMs: wall };
    if (wall > 50) over50Wall++;
    if (cpu > 50) over50Cpu++;
  }
  return [result, { tasks: tasks.length, totalMs, longest, over50Wall, over50Cpu }];
}
