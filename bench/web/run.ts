/**
 * B11 of perf-baseline.md §3 for the web app — NOT a test, never part of vitest or Playwright runs.
 *
 *   node --import tsx bench/web/run.ts [--issues 10000] [--reloads 5] [--filter-changes 20]
 *                                      [--no-build] [--out bench/results/web-b11.json]
 *
 * Builds the web app, starts a server on localhost (PGlite, fresh data directory), signs a user
 * in through the magic-link flow in headless Chromium, imports N issues into one team, and
 * measures (budgets from the brief of the web app):
 *   1. initial JS of the issue list, gzip (budget < 200 KB);
 *   2. reload → interactive list of N issues served from IndexedDB (budget < 1 s), and a cold
 *      load (empty IndexedDB: bootstrap over the network) for comparison;
 *   3. time per filter change over N issues: in Node on the same code (budget < 16 ms), and
 *      end to end in the page (click → list changed → next frame);
 *   4. long tasks while scrolling the virtualized list (budget: none over 50 ms);
 *   5. the filter changes and both scrolls once more under a light Chromium trace: each
 *      main-thread task's thread (CPU) time next to its wall time (see `phaseCpu`).
 * Prints a table and writes JSON. Numbers depend on the machine: this one is 2 shared cores.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { filterMicro } from './filter-micro.ts';
import { measureJs, median, PROBES, phaseCpu, scrollList, timeFilterChanges, timeReload } from './measure.ts';
import { buildWeb, repoRoot, seedWorkspace, signIn, startServer, waitForStoredIssues } from './seed.ts';

const { values } = parseArgs({
  options: {
    issues: { type: 'string', default: '10000' },
    reloads: { type: 'string', default: '5' },
    'filter-changes': { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/web-b11.json' },
  },
});
const N = Number(values.issues);
const log = (m: string) => process.stderr.write(`[b11] ${m}\n`);
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  if (!values['no-build']) {
    log('building the web app');
    buildWeb();
  }
  const server = await startServer();
  log(`server on ${server.baseURL}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1280, height: 800 } });
    await context.addInitScript(PROBES);
    const page = await context.newPage();
    const email = `bench-${Date.now().toString(36)}@example.com`;
    await signIn(page, server.dataDir, email);
    log(`importing ${N} issues`);
    const t0 = Date.now();
    const ws = await seedWorkspace(context, server.baseURL, email, N);
    log(`imported in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const listUrl = `/${ws.slug}/team/${ws.key}/all`;

    // Cold: empty IndexedDB, the bootstrap streams N issues.
    await page.goto('about:blank');
    const cold = await (async () => {
      await page.goto(listUrl);
      await page.waitForFunction(() => (window as unknown as { __b11: { interactive?: number } }).__b11.interactive !== undefined, null, { timeout: 120_000 });
      return page.evaluate(() => (window as unknown as { __b11: { row: number; interactive: number } }).__b11);
    })();
    log(`cold load: first row ${ms(cold.row)}, interactive ${ms(cold.interactive)}`);
    // Wait until the copy in IndexedDB holds every issue.
    await waitForStoredIssues(page, N);

    const js = await measureJs(page, listUrl);
    log(`JS: initial ${kb(js.initialGzip)} gzip, later ${kb(js.laterGzip)}`);

    const reloads = [];
    for (let i = 0; i < Number(values.reloads); i++) reloads.push(await timeReload(page));
    log(`reloads: ${reloads.map((r) => `${ms(r.interactive)} (bootstraps ${r.bootstraps})`).join(', ')}`);

    // Filter changes in the page: priority is urgent ↔ is not urgent.
    const filter = encodeURIComponent(JSON.stringify({ and: [{ field: 'priority', op: 'is', value: 'urgent' }] }));
    await page.goto(`${listUrl}?filter=${filter}`);
    await page.getByTestId('filter-op').waitFor();
    await page.getByTestId('issue-row').first().waitFor();
    await page.waitForTimeout(1000);
    const pageFilter = await timeFilterChanges(page, Number(values['filter-changes']));
    const commits = pageFilter.map((x) => x.commit);
    const frames = pageFilter.map((x) => x.frame);
    log(`filter changes in the page: commit median ${ms(median(commits))}, next frame median ${ms(median(frames))}`);

    // Scrolling the whole list: 1 000 px per frame, then 120 px per frame (wheel-like).
    await page.goto(listUrl);
    await page.getByTestId('issue-row').first().waitFor();
    await page.waitForTimeout(1500);
    const fast = await scrollList(page, 400, 1000);
    await page.goto(listUrl);
    await page.getByTestId('issue-row').first().waitFor();
    await page.waitForTimeout(1500);
    const wheel = await scrollList(page, 300, 120);
    log(`scroll: fast ${fast.longTasks.length} long tasks (max ${ms(Math.max(0, ...fast.longTasks))}), wheel ${wheel.longTasks.length}`);

    // The same three phases again under a light trace: the main thread's thread (CPU) time per
    // task, to tell the app's own work from time spent waiting for a CPU on a shared machine.
    await page.goto(`${listUrl}?filter=${filter}`);
    await page.getByTestId('filter-op').waitFor();
    await page.getByTestId('issue-row').first().waitFor();
    await page.waitForTimeout(1000);
    const [, filterCpu] = await phaseCpu(browser, page, () => timeFilterChanges(page, Number(values['filter-changes'])));
    await page.goto(listUrl);
    await page.getByTestId('issue-row').first().waitFor();
    await page.waitForTimeout(1500);
    const [, wheelCpu] = await phaseCpu(browser, page, () => scrollList(page, 300, 120));
    await page.goto(listUrl);
    await page.getByTestId('issue-row').first().waitFor();
    await page.waitForTimeout(1500);
    const [, fastCpu] = await phaseCpu(browser, page, () => scrollList(page, 400, 1000));
    log(`thread time: filter longest ${ms(filterCpu.longest.cpuMs)}, wheel longest ${ms(wheelCpu.longest.cpuMs)}, fast longest ${ms(fastCpu.longest.cpuMs)}`);

    const micro = filterMicro(N);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadAverage: os.loadavg(), node: process.version, chromium: browser.version() },
      issues: N,
      js,
      cold,
      reloads,
      reloadMedian: { row: median(reloads.map((r) => r.row)), interactive: median(reloads.map((r) => r.interactive)) },
      pageFilter: { samples: pageFilter, commitMedian: median(commits), commitMax: Math.max(...commits), frameMedian: median(frames), frameMax: Math.max(...frames) },
      micro,
      scroll: { fast, wheel },
      threadTime: { filter: filterCpu, wheel: wheelCpu, fast: fastCpu },
    };
    const out = path.resolve(repoRoot, values.out!);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

    const rows: Array<[string, string, string]> = [
      ['Initial JS of the issue list (gzip -6)', kb(js.initialGzip), '< 200 KB'],
      ['JS loaded after the first paint (board/dnd chunks)', kb(js.laterGzip), '—'],
      [`Reload → first row, ${N} issues from IndexedDB (median of ${reloads.length})`, ms(result.reloadMedian.row), '—'],
      [`Reload → interactive list (median of ${reloads.length})`, ms(result.reloadMedian.interactive), '< 1 s'],
      ['Bootstrap requests during those reloads', String(reloads.reduce((a, r) => a + r.bootstraps, 0)), '0'],
      [`Cold load (empty IndexedDB, bootstrap of ${N}) → interactive`, ms(cold.interactive), '—'],
      ...micro.results.map((r): [string, string, string] => [`Filter change in Node: ${r.name} (${r.shown} shown), median / p95`, `${ms(r.medianMs)} / ${ms(r.p95Ms)}`, '< 16 ms']),
      ['Re-sort of the scope after a table change (Node, median)', ms(micro.resortMedianMs), '—'],
      ['Filter change in the page, click → new rows committed, median / max', `${ms(median(commits))} / ${ms(Math.max(...commits))}`, '< 16 ms'],
      ['  … → the next frame after it, median / max', `${ms(median(frames))} / ${ms(Math.max(...frames))}`, '—'],
      ['Scroll 400 frames × 1000 px: long tasks (> 50 ms), longest', `${fast.longTasks.length}, ${ms(Math.max(0, ...fast.longTasks))}`, 'none'],
      ['  frame gap p95 / max', `${ms(fast.p95FrameGap)} / ${ms(fast.maxFrameGap)}`, '—'],
      ['Scroll 300 frames × 120 px: long tasks, longest', `${wheel.longTasks.length}, ${ms(Math.max(0, ...wheel.longTasks))}`, 'none'],
      ['  frame gap p95 / max', `${ms(wheel.p95FrameGap)} / ${ms(wheel.maxFrameGap)}`, '—'],
      ...(
        [
          ['filter changes', filterCpu, Number(values['filter-changes'])],
          ['scroll × 120 px', wheelCpu, 300],
          ['scroll × 1000 px', fastCpu, 400],
        ] as const
      ).map(([name, c, n]): [string, string, string] => [
        `Traced pass, ${name}: longest task's thread time (its wall time); tasks over 50 ms wall / thread; the phase's whole main-thread time per ${name.startsWith('filter') ? 'change' : 'frame'}`,
        `${ms(c.longest.cpuMs)} (${ms(c.longest.wallMs)}); ${c.over50Wall} / ${c.over50Cpu}; ${ms(c.totalMs / n)}`,
        '—',
      ]),
    ];
    const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
    process.stdout.write(`\n${os.cpus().length} CPUs, load average (1/5/15 min) ${load}\n\n| B11 measure | result | budget |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n\nJSON: ${path.relative(repoRoot, out)}\n`);
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
