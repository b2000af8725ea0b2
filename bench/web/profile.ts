/**
 * B11 diagnosis (not a test, not part of the benchmark's numbers): sets up the same list as
 * `run.ts` (10,000 issues by default), then records Chromium traces (CDP `Tracing`, timeline and
 * V8 sampling-profiler categories) while it scrolls the list and while it clicks a filter chip's
 * is / is not switch, and prints what each long main-thread task did:
 * - the trace events inside it (script, style, layout, paint, GC…) by total time;
 * - the JavaScript functions with the most self time (CPU profile samples inside the task).
 *
 *   node --import tsx bench/web/profile.ts [--issues 10000] [--trials 3] [--threshold 50]
 *                                          [--dist DIR] [--keep DIR]
 *
 * `--dist DIR` serves the app's files from DIR instead of apps/web/dist (e.g. an unminified build:
 * `npx vite build apps/web --outDir DIR --minify false`), so function names are readable and other
 * people rebuilding apps/web/dist do not change what is measured. `--keep DIR` writes the traces
 * there (open them in Chrome DevTools' Performance panel).
 *
 * `--compare A,B[,…]` (build directories) records no trace: it measures the same things as run.ts
 * (20 filter clicks, 300 × 120 px and 400 × 1000 px of scroll) for each build in turn, `--trials`
 * rounds, on one server and data set, so builds are compared under the same machine load.
 * With `--first-clicks K` it measures only the first K filter clicks after a fresh page load
 * (`--settle` ms after the first row, default 1500), per build and round: each click's wall time
 * (click → rows committed) and the thread time of the task that ran it — what code that has not
 * run yet costs the first change (an idle-time warm-up is meant to take it out of the click).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, chromium, type Page } from '@playwright/test';
import { median, PROBES, percentile, scrollList, timeFilterChanges } from './measure.ts';
import { seedWorkspace, signIn, startServer, waitForStoredIssues } from './seed.ts';

const { values } = parseArgs({
  options: {
    issues: { type: 'string', default: '10000' },
    trials: { type: 'string', default: '3' },
    threshold: { type: 'string', default: '50' },
    dist: { type: 'string' },
    compare: { type: 'string' },
    keep: { type: 'string' },
    'by-cpu': { type: 'boolean', default: false },
    'first-clicks': { type: 'string' },
    settle: { type: 'string', default: '1500' },
  },
});
const N = Number(values.issues);
const THRESHOLD_US = Number(values.threshold) * 1000;
const log = (m: string): void => void process.stderr.write(`[b11-profile] ${m}\n`);

/** One trace event (Chrome's JSON trace format; times in µs). */
interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  parent?: number;
}

/** Inclusive sample counts by function name (each function once per sample), of the last `samplesOf` call. */
let inclusive = new Map<string, number>();

/** CPU samples of the trace's V8 profile: [time µs, frame label]. */
function samplesOf(events: TraceEvent[], pid: number, tid: number): Array<[number, string]> {
  const nodes = new Map<number, ProfileNode>();
  const out: Array<[number, string]> = [];
  inclusive = new Map();
  const start = events.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  if (!start) return out;
  let t = (start.args?.data as { startTime?: number } | undefined)?.startTime ?? 0;
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.pid !== pid || e.id !== start.id) continue;
    const data = e.args?.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] };
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const samples = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0;
      const n = nodes.get(samples[i]!);
      if (!n) continue;
      const f = n.callFrame;
      const file = f.url ? f.url.replace(/^.*\//, '') : '';
      out.push([t, `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`]);
      const seen = new Set<string>();
      for (let m: ProfileNode | undefined = n; m; m = m.parent === undefined ? undefined : nodes.get(m.parent)) {
        const name = m.callFrame.functionName;
        if (name && !seen.has(name)) {
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
        }
      }
    }
  }
  return out;
}

/** Prints each main-thread task over the threshold with its breakdown. */
function analyse(label: string, trace: Buffer): void {
  const { traceEvents: events } = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] };
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && (e.args as { name: string }).name === 'CrRendererMain');
  if (!main) {
    log(`${label}: no renderer main thread in the trace`);
    return;
  }
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && (values['by-cpu'] ? ((e as { tdur?: number }).tdur ?? 0) : e.dur!) > THRESHOLD_US);
  const samples = samplesOf(events, main.pid, main.tid);
  const all = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const durs = all.map((e) => e.dur! / 1000).sort((a, b) => b - a);
  // The whole phase: thread time by event name (nested events counted in each), JS self time.
  const phase = new Map<string, number>();
  for (const e of onMain) phase.set(e.name, (phase.get(e.name) ?? 0) + ((e as { tdur?: number }).tdur ?? e.dur!));
  const phaseSelf = new Map<string, number>();
  for (const [, f] of samples) phaseSelf.set(f, (phaseSelf.get(f) ?? 0) + 1);
  const totalCpu = all.reduce((a, e) => a + ((e as { tdur?: number }).tdur ?? 0), 0) / 1000;
  process.stdout.write(
    `\n## ${label}: tasks' thread time ${totalCpu.toFixed(0)} ms in ${all.length} tasks; by event: ${[...phase]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 22)
      .map(([n, d]) => `${n} ${(d / 1000).toFixed(0)}`)
      .join(' · ')}\nJS self samples (${samples.length}): ${[...phaseSelf]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([f, c]) => `${f} ×${c}`)
      .join(' · ')}\nJS inclusive samples: ${[...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 60)
      .map(([f, c]) => `${f} ×${c}`)
      .join(' · ')}\n`,
  );
  process.stdout.write(`\n## ${label}: ${tasks.length} task(s) over ${THRESHOLD_US / 1000} ms; longest tasks ${durs.slice(0, 6).map((d) => d.toFixed(1)).join(', ')} ms\n`);
  for (const task of tasks) {
    const end = task.ts + task.dur!;
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts < end);
    const byName = new Map<string, number>();
    for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur!);
    const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 10);
    process.stdout.write(`\n### task ${(task.dur! / 1000).toFixed(1)} ms (thread time ${(((task as { tdur?: number }).tdur ?? 0) / 1000).toFixed(1)} ms)\nevents (total, nested counted in each): ${top.map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`).join(' · ')}\n`);
    const self = new Map<string, number>();
    let count = 0;
    for (const [t, f] of samples) {
      if (t < task.ts || t >= end) continue;
      count++;
      self.set(f, (self.get(f) ?? 0) + 1);
    }
    const fns = [...self].sort((a, b) => b[1] - a[1]).slice(0, 12);
    process.stdout.write(`samples ${count}; self time by function: ${fns.map(([f, c]) => `${f} ×${c}`).join(' · ')}\n`);
  }
}

/** Thread (CPU) time of the renderer's main-thread tasks in a trace, in ms: every task's, sorted descending. */
function taskCpu(trace: Buffer): { cpu: number[]; wall: number[] } {
  const { traceEvents: events } = JSON.parse(trace.toString('utf8')) as { traceEvents: Array<TraceEvent & { tdur?: number }> };
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && (e.args as { name: string }).name === 'CrRendererMain');
  if (!main) return { cpu: [], wall: [] };
  const tasks = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask');
  return { cpu: tasks.map((e) => (e.tdur ?? 0) / 1000).sort((a, b) => b - a), wall: tasks.map((e) => (e.dur ?? 0) / 1000).sort((a, b) => b - a) };
}

/**
 * Thread time (ms) of each main-thread task that dispatched a `click` event, in time order (the
 * filter clicks of a light trace: `EventDispatch` comes from the devtools.timeline category).
 */
function clickTaskCpu(trace: Buffer): number[] {
  const { traceEvents: events } = JSON.parse(trace.toString('utf8')) as { traceEvents: Array<TraceEvent & { tdur?: number }> };
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && (e.args as { name: string }).name === 'CrRendererMain');
  if (!main) return [];
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
  const clicks = onMain.filter((e) => e.name === 'EventDispatch' && (e.args?.data as { type?: string } | undefined)?.type === 'click');
  const out: number[] = [];
  for (const c of clicks.sort((a, b) => a.ts - b.ts)) {
    const task = tasks.find((t) => t.ts <= c.ts && c.ts < t.ts + (t.dur ?? 0));
    if (task) out.push((task.tdur ?? 0) / 1000);
  }
  return out;
}

/** Light categories (task boundaries only) for CPU-time figures in --compare. */
const LIGHT = ['toplevel', 'devtools.timeline'];

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
  'disabled-by-default-v8.gc',
  'blink.user_timing',
  'toplevel',
];

async function traced<T>(browser: Browser, page: Page, label: string, run: () => Promise<T>): Promise<T> {
  await browser.startTracing(page, { categories: CATEGORIES });
  const result = await run();
  const buf = await browser.stopTracing();
  if (values.keep) {
    mkdirSync(values.keep, { recursive: true });
    writeFileSync(path.join(values.keep, `${label.replace(/\W+/g, '-')}.json`), buf);
  }
  analyse(label, buf);
  return result;
}

async function main() {
  const server = await startServer();
  log(`server on ${server.baseURL}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1280, height: 800 } });
    const variants = values.compare ? values.compare.split(',') : values.dist ? [values.dist] : [];
    let dist = variants[0] ? path.resolve(variants[0]) : '';
    if (dist) {
      await context.route('**/assets/**', (route) => {
        const file = path.join(dist, 'assets', path.basename(new URL(route.request().url()).pathname));
        if (!existsSync(file)) return route.continue(); // a page loaded from the server's own index.html
        const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
        return route.fulfill({ body: readFileSync(file), contentType: type });
      });
      await context.route(
        (url) => !url.pathname.startsWith('/api') && !url.pathname.startsWith('/auth') && !url.pathname.includes('.'),
        (route) => (route.request().resourceType() === 'document' ? route.fulfill({ body: readFileSync(path.join(dist, 'index.html')), contentType: 'text/html' }) : route.continue()),
      );
    }
    await context.addInitScript(PROBES);
    const page = await context.newPage();
    const email = `bench-${Date.now().toString(36)}@example.com`;
    await signIn(page, server.dataDir, email);
    const ws = await seedWorkspace(context, server.baseURL, email, N);
    const listUrl = `/${ws.slug}/team/${ws.key}/all`;
    await page.goto(listUrl);
    await page.getByTestId('issue-row').first().waitFor({ timeout: 120_000 });
    await waitForStoredIssues(page, N);
    log(`seeded ${N}; load ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);

    const filter = encodeURIComponent(JSON.stringify({ and: [{ field: 'priority', op: 'is', value: 'urgent' }] }));
    if (values.compare && values['first-clicks']) {
      const k = Number(values['first-clicks']);
      const stats = new Map<string, { wall: number[][]; cpu: number[][] }>();
      for (let t = 0; t < Number(values.trials); t++) {
        for (const v of variants) {
          dist = path.resolve(v);
          const s = stats.get(v) ?? { wall: [], cpu: [] };
          stats.set(v, s);
          await page.goto(`${listUrl}?filter=${filter}`);
          await page.getByTestId('filter-op').waitFor();
          await page.getByTestId('issue-row').first().waitFor();
          await page.waitForTimeout(Number(values.settle));
          await browser.startTracing(page, { categories: LIGHT });
          const clicks = (await timeFilterChanges(page, k)).map((c) => c.commit);
          const cpu = clickTaskCpu(await browser.stopTracing());
          s.wall.push(clicks);
          s.cpu.push(cpu);
          process.stdout.write(
            `round ${t + 1} ${v} (load ${os.loadavg()[0]!.toFixed(1)}): wall ${clicks.map((x) => x.toFixed(1)).join(' ')} ms; thread ${cpu.map((x) => x.toFixed(1)).join(' ')} ms\n`,
          );
        }
      }
      for (const [v, s] of stats) {
        const col = (xs: number[][], i: number) => xs.map((r) => r[i]).filter((x): x is number => x !== undefined);
        const parts = Array.from({ length: k }, (_, i) => `click ${i + 1}: wall median ${median(col(s.wall, i)).toFixed(1)} (max ${Math.max(...col(s.wall, i)).toFixed(1)}), thread median ${median(col(s.cpu, i)).toFixed(1)} (max ${Math.max(...col(s.cpu, i)).toFixed(1)})`);
        process.stdout.write(`${v} (${s.wall.length} rounds): ${parts.join('; ')}\n`);
      }
      await context.close();
      return;
    }
    if (values.compare) {
      const stats = new Map<string, { commits: number[]; wheel: number[]; fast: number[]; wheelGap: number[]; clickCpu: number[]; wheelCpu: number[]; wheelMaxCpu: number[]; fastCpu: number[]; fastMaxCpu: number[] }>();
      for (let t = 0; t < Number(values.trials); t++) {
        for (const v of variants) {
          dist = path.resolve(v);
          const s = stats.get(v) ?? { commits: [], wheel: [], fast: [], wheelGap: [], clickCpu: [], wheelCpu: [], wheelMaxCpu: [], fastCpu: [], fastMaxCpu: [] };
          stats.set(v, s);
          await page.goto(`${listUrl}?filter=${filter}`);
          await page.getByTestId('filter-op').waitFor();
          await page.getByTestId('issue-row').first().waitFor();
          await page.waitForTimeout(1000);
          const lightly = async <T>(run: () => Promise<T>): Promise<[T, ReturnType<typeof taskCpu>]> => {
            await browser.startTracing(page, { categories: LIGHT });
            const r = await run();
            return [r, taskCpu(await browser.stopTracing())];
          };
          const [clickRes, clickCpu] = await lightly(() => timeFilterChanges(page, 20));
          const clicks = clickRes.map((c) => c.commit);
          s.clickCpu.push(...clickCpu.cpu.slice(0, 20));
          s.commits.push(...clicks);
          await page.goto(listUrl);
          await page.getByTestId('issue-row').first().waitFor();
          await page.waitForTimeout(1500);
          const [wheel, wheelCpu] = await lightly(() => scrollList(page, 300, 120));
          s.wheelCpu.push(wheelCpu.cpu.reduce((a, b) => a + b, 0) / 300);
          s.wheelMaxCpu.push(wheelCpu.cpu[0] ?? 0);
          s.wheel.push(...wheel.longTasks);
          s.wheelGap.push(wheel.p95FrameGap);
          await page.goto(listUrl);
          await page.getByTestId('issue-row').first().waitFor();
          await page.waitForTimeout(1500);
          const [fast, fastCpu] = await lightly(() => scrollList(page, 400, 1000));
          s.fastCpu.push(fastCpu.cpu.reduce((a, b) => a + b, 0) / 400);
          s.fastMaxCpu.push(fastCpu.cpu[0] ?? 0);
          s.fast.push(...fast.longTasks);
          const load = os.loadavg()[0]!.toFixed(1);
          process.stdout.write(
            `round ${t + 1} ${v} (load ${load}): clicks first ${clicks[0]!.toFixed(1)} median ${median(clicks).toFixed(1)} max ${Math.max(...clicks).toFixed(1)} ms; wheel long tasks [${wheel.longTasks.map((x) => x.toFixed(0)).join(' ')}] p95 gap ${wheel.p95FrameGap.toFixed(1)}; fast long tasks ${fast.longTasks.length} max ${Math.max(0, ...fast.longTasks).toFixed(0)}\n` +
              `   CPU (thread time): 20 longest click-phase tasks median ${median(clickCpu.cpu.slice(0, 20)).toFixed(1)} max ${(clickCpu.cpu[0] ?? 0).toFixed(1)}; wheel ${(wheelCpu.cpu.reduce((a, b) => a + b, 0) / 300).toFixed(2)} ms/frame, longest task ${(wheelCpu.cpu[0] ?? 0).toFixed(1)}; fast ${(fastCpu.cpu.reduce((a, b) => a + b, 0) / 400).toFixed(2)} ms/frame, longest ${(fastCpu.cpu[0] ?? 0).toFixed(1)}\n`,
          );
        }
      }
      for (const [v, s] of stats) {
        process.stdout.write(
          `${v}: first clicks ${s.commits.filter((_, i) => i % 20 === 0).map((x) => x.toFixed(1)).join(' ')}; clicks median ${median(s.commits).toFixed(1)} p90 ${percentile(s.commits, 90).toFixed(1)} max ${Math.max(...s.commits).toFixed(1)} (n ${s.commits.length}); wheel long tasks ${s.wheel.length} (max ${Math.max(0, ...s.wheel).toFixed(0)}), median p95 gap ${median(s.wheelGap).toFixed(1)}; fast long tasks ${s.fast.length} (max ${Math.max(0, ...s.fast).toFixed(0)})\n` +
            `   CPU: click-phase tasks median ${median(s.clickCpu).toFixed(1)} max ${Math.max(...s.clickCpu).toFixed(1)}; wheel ${median(s.wheelCpu).toFixed(2)} ms/frame (median of rounds), longest task ${Math.max(...s.wheelMaxCpu).toFixed(1)}; fast ${median(s.fastCpu).toFixed(2)} ms/frame, longest ${Math.max(...s.fastMaxCpu).toFixed(1)}\n`,
        );
      }
      await context.close();
      return;
    }
    for (let t = 0; t < Number(values.trials); t++) {
      await page.goto(`${listUrl}?filter=${filter}`);
      await page.getByTestId('filter-op').waitFor();
      await page.getByTestId('issue-row').first().waitFor();
      await page.waitForTimeout(1000);
      const clicks = await traced(browser, page, `filter clicks, trial ${t + 1}`, () => timeFilterChanges(page, 20));
      process.stdout.write(`commit ms: ${clicks.map((c) => c.commit.toFixed(1)).join(' ')}\n`);

      await page.goto(listUrl);
      await page.getByTestId('issue-row').first().waitFor();
      await page.waitForTimeout(1500);
      // What the DOM does while scrolling: nodes added and removed, by depth under the row container.
      const mutations = await page.evaluate(async () => {
        const inner = document.querySelector('[data-testid="issue-list"]')!.firstElementChild!;
        const counts: Record<string, number> = {};
        const removed = new WeakSet<Node>();
        const depth = (n: Node | null) => {
          let d = 0;
          for (let m = n; m && m !== inner; m = m.parentNode) d++;
          return d;
        };
        const mo = new MutationObserver((list) => {
          for (const r of list) {
            if (r.type !== 'childList') continue;
            const d = depth(r.target);
            for (const n of r.addedNodes) {
              const k = `${removed.has(n) ? 'moved' : '+'}d${d} ${n.nodeName}`;
              counts[k] = (counts[k] ?? 0) + 1;
            }
            for (const n of r.removedNodes) removed.add(n);
            for (const n of r.removedNodes) counts[`-d${d} ${n.nodeName}`] = (counts[`-d${d} ${n.nodeName}`] ?? 0) + 1;
          }
        });
        mo.observe(inner, { childList: true, subtree: true });
        const el = document.querySelector<HTMLElement>('[data-testid="issue-list"]')!;
        for (let i = 0; i < 100; i++) {
          el.scrollTop += 120;
          await new Promise((r) => requestAnimationFrame(r));
        }
        await new Promise((r) => setTimeout(r, 100));
        mo.disconnect();
        el.scrollTop = 0;
        await new Promise((r) => setTimeout(r, 300));
        return counts;
      });
      process.stdout.write(`DOM nodes added/removed in 100 steps of 120 px, by depth under the rows' container: ${JSON.stringify(mutations)}\n`);
      const wheel = await traced(browser, page, `scroll 300 × 120 px, trial ${t + 1}`, () => scrollList(page, 300, 120));
      process.stdout.write(`longtask observer: ${wheel.longTasks.map((x) => x.toFixed(0)).join(', ') || 'none'}; frame gap p95 ${wheel.p95FrameGap.toFixed(1)} max ${wheel.maxFrameGap.toFixed(1)}\n`);
    }
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
