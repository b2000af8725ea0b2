/**
 * B9 (perf-baseline.md §3): the streamed bootstrap (`GET /api/v1/sync/bootstrap`, NDJSON) of the
 * whole dataset (100k issues in the full run). Per run: time to the first byte and to the last,
 * bytes and lines, and the API process's RSS increase (peak during the download, from
 * `/proc/<pid>/status` VmHWM after resetting it, and sampled every 50 ms) — the reader consumes
 * as fast as it can and keeps nothing. Then, once, the SDK's `fetchBootstrap` (parse every line
 * into rows) for the client's side. The floor: the same SQL through postgres.js + one JSON line
 * per issue in the harness (lib/floor.ts), for information.
 */
import { fetchBootstrap } from '@exponential/sdk';
import { log, median, round, sleep } from '../lib/util.ts';
import type { SyncDb } from './lib/fixture.ts';
import { bootstrapFloor } from './lib/floor.ts';
import { procMemory, resetPeak, sampleRss } from './lib/memory.ts';
import { startApi } from './lib/procs.ts';

/** One download. */
export interface BootstrapRun {
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  lines: number;
  issues: number;
  rssBeforeMB: number;
  /** Peak RSS during the download minus RSS before, MB. */
  rssIncreaseMB: number;
  /** RSS after the download and a full GC minus RSS before, MB (what stays). */
  rssRetainedMB: number;
}

/** B9 figures. */
export interface BootstrapResult {
  runs: BootstrapRun[];
  median: { totalMs: number; rssIncreaseMB: number; bytes: number };
  sdkParseMs: number;
  floor?: { ms: number; bytes: number; rows: number };
}

async function download(url: string, token: string, pid: number, memory: () => Promise<{ rss: number }>): Promise<BootstrapRun> {
  await memory(); // GC first, so the baseline is not garbage from before
  await sleep(200);
  const before = procMemory(pid).rss;
  const peakReset = resetPeak(pid);
  const sampler = sampleRss(pid, 50);
  try {
    return await read(url, token, pid, memory, before, peakReset, sampler);
  } finally {
    sampler.stop();
  }
}

async function read(
  url: string,
  token: string,
  pid: number,
  memory: () => Promise<{ rss: number }>,
  before: number,
  peakReset: boolean,
  sampler: { stop(): number },
): Promise<BootstrapRun> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/sync/bootstrap`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } });
  if (res.status !== 200 || !res.body) throw new Error(`bootstrap: ${res.status} ${await res.text()}`);
  let ttfb = 0;
  let bytes = 0;
  let lines = 0;
  let tail = '';
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    if (!ttfb) ttfb = performance.now() - t0;
    bytes += chunk.byteLength;
    const text = decoder.decode(chunk, { stream: true });
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    tail = (tail + text).slice(-2000);
  }
  const totalMs = performance.now() - t0;
  const sampled = sampler.stop();
  const peak = peakReset ? Math.max(procMemory(pid).peak, sampled) : sampled;
  const trailer = JSON.parse(tail.trimEnd().split('\n').pop() as string) as { complete?: boolean; counts?: Record<string, number> };
  if (!trailer.complete) throw new Error('bootstrap without its trailer');
  const after = (await memory()).rss;
  return {
    ttfbMs: round(ttfb),
    totalMs: round(totalMs),
    bytes,
    lines,
    issues: trailer.counts?.issue ?? 0,
    rssBeforeMB: round(before / 1048576, 1),
    rssIncreaseMB: round((peak - before) / 1048576, 1),
    rssRetainedMB: round((after - before) / 1048576, 1),
  };
}

/** Runs B9 on a fresh API process. */
export async function runB9(db: SyncDb, o: { runs: number }): Promise<BootstrapResult> {
  const api = await startApi(db.api);
  const runs: BootstrapRun[] = [];
  let sdkParseMs = 0;
  try {
    // A small warm-up request, so the first run does not pay for loading code.
    await (await fetch(`${api.url}/api/v1/sync/ops?after=0&limit=1`, { headers: { authorization: `Bearer ${db.fixture.token}` } })).arrayBuffer();
    for (let r = 0; r < o.runs; r++) {
      const run = await download(api.url, db.fixture.token, api.pid, () => api.memory());
      runs.push(run);
      log(`B9 run ${r + 1}: ${run.issues} issues, ${(run.bytes / 1048576).toFixed(1)} MB in ${Math.round(run.totalMs)} ms (first byte ${Math.round(run.ttfbMs)} ms), RSS +${run.rssIncreaseMB} MB peak`);
      await sleep(500);
    }
    const t0 = performance.now();
    const b = await fetchBootstrap({ baseUrl: api.url, token: db.fixture.token, fetch: globalThis.fetch.bind(globalThis) });
    sdkParseMs = performance.now() - t0;
    log(`B9 SDK fetchBootstrap: ${b.rows.length} rows in ${Math.round(sdkParseMs)} ms`);
  } finally {
    await api.stop();
  }
  let floor: BootstrapResult['floor'];
  if (db.api.databaseUrl) {
    const passes = [];
    for (let r = 0; r < o.runs; r++) passes.push(await bootstrapFloor(db.api.databaseUrl, db.fixture.workspaceId, 2000));
    floor = { ms: round(median(passes.map((p) => p.ms))), bytes: passes[0]!.bytes, rows: passes[0]!.rows };
  }
  return {
    runs,
    median: { totalMs: round(median(runs.map((r) => r.totalMs))), rssIncreaseMB: round(median(runs.map((r) => r.rssIncreaseMB)), 1), bytes: runs[0]!.bytes },
    sdkParseMs: round(sdkParseMs),
    floor,
  };
}
