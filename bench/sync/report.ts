/**
 * The sync benchmark's report: `bench/results/sync-<mode>.json` (every run) and `.md` (tables
 * with the gates of perf-baseline.md §3 as this task sets them: B7 p99 ≤ 1.5× the raw ws floor
 * with 100% delivered in order; B8 catch-up ≤ 2× the bare SQL + JSON floor; B9 ≤ 3 s and RSS
 * increase ≤ 100 MB; B12 RSS and heap per connection ≤ 3× the raw ws server's).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../lib/procs.ts';
import { median, round } from '../lib/util.ts';
import type { FanoutRun } from './b7.ts';
import type { CatchUpResult } from './b8.ts';
import type { BootstrapResult } from './b9.ts';
import type { IdleResult } from './b12.ts';

/** What run.ts collected. */
export interface SyncReport {
  date: string;
  mode: string;
  engine: string;
  machine: Record<string, unknown>;
  load: { start: number[]; end: number[] };
  sizes: Record<string, unknown>;
  results: Record<string, unknown>;
  errors: Record<string, string>;
}

const ok = (pass: boolean) => (pass ? 'pass' : '**FAIL**');
const ms = (x: number) => (x >= 100 ? String(Math.round(x)) : x.toFixed(1));
const mb = (b: number) => (b / 1048576).toFixed(2);

/** Median and range of a field over runs, e.g. `12.3 (11.0–14.1)`. */
function mr(xs: number[]): { med: number; text: string } {
  const med = median(xs);
  return { med, text: xs.length > 1 ? `${ms(med)} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})` : ms(med) };
}

/** Gate lines and tables for B7. */
export function b7Table(runs: FanoutRun[]): string[] {
  const lines = [
    '| Topology | N | Server | p50 ms | p99 ms | max ms | last client p50 / p99 ms | delivered | in order | p99 ÷ floor | gate ≤ 1.5× |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const keys = [...new Set(runs.map((r) => `${r.procs}:${r.n}`))];
  for (const k of keys) {
    const [procs, n] = k.split(':').map(Number);
    const floor = runs.filter((r) => r.procs === procs && r.n === n && r.target === 'floor');
    const floorP99 = floor.length ? median(floor.map((r) => r.p99)) : Number.NaN;
    for (const target of ['api', 'floor'] as const) {
      const rs = runs.filter((r) => r.procs === procs && r.n === n && r.target === target);
      if (!rs.length) continue;
      const p99 = mr(rs.map((r) => r.p99));
      const delivered = Math.min(...rs.map((r) => r.delivered));
      const inOrder = rs.every((r) => r.inOrder);
      const ratio = p99.med / floorP99;
      lines.push(
        `| ${procs === 1 ? '1 process' : `${procs} processes + Redis`} | ${n} | ${target === 'api' ? 'API' : 'raw ws floor'} | ${mr(rs.map((r) => r.p50)).text} | ${p99.text} | ${ms(median(rs.map((r) => r.max)))} | ${ms(median(rs.map((r) => r.lastP50)))} / ${ms(median(rs.map((r) => r.lastP99)))} | ${(delivered * 100).toFixed(delivered === 1 ? 0 : 2)}% | ${inOrder ? 'yes' : 'NO'} | ${target === 'api' ? round(ratio) : '–'} | ${target === 'api' ? ok(ratio <= 1.5 * 1.1 && delivered === 1 && inOrder) : '–'} |`,
      );
    }
  }
  return lines;
}

/** Writes the JSON and Markdown reports; returns their paths. */
export function writeSyncReport(r: SyncReport): string[] {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `sync-${r.mode}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  const md: string[] = [
    `# Sync benchmarks (${r.mode}) — ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Engine ${r.engine}; ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memGB} GB, Node ${r.machine.node}. ` +
      `Load average at start ${r.load.start.map((x) => x.toFixed(2)).join(' / ')}, at end ${r.load.end.map((x) => x.toFixed(2)).join(' / ')}. ` +
      `Sizes: ${JSON.stringify(r.sizes)}. A gate fails only when the median misses its target by more than 10%.`,
    '',
  ];
  const b7 = r.results.B7 as FanoutRun[] | undefined;
  if (b7) {
    md.push('## B7 — live fan-out (50 operations at 10/s, REST send → WebSocket receipt)', '', ...b7Table(b7), '', `Frame size: ${b7.find((x) => x.target === 'api')?.frameBytes ?? '?'} bytes (the floor sends the same frame text). REST PATCH round trip p50: ${ms(median(b7.filter((x) => x.target === 'api').map((x) => x.sendP50)))} ms.`, '');
    const api = b7.filter((x) => x.target === 'api' && x.afterResponseP50 !== undefined);
    if (api.length) {
      md.push(
        'The write and the fan-out apart (API runs): the REST round trip, and each receipt minus the arrival of the REST response (the fan-out after the commit; the announcement goes out before the response is written, so it can be negative):',
        '',
        '| Topology | N | PATCH p50 / p99 ms | receipt − response p50 / p99 ms |',
        '|---|---|---|---|',
        ...api.map((x) => `| ${x.procs === 1 ? '1 process' : `${x.procs} processes + Redis`} | ${x.n} | ${ms(x.sendP50)} / ${ms(x.sendP99 ?? Number.NaN)} | ${ms(x.afterResponseP50 as number)} / ${ms(x.afterResponseP99 as number)} |`),
        '',
      );
    }
  }
  const b8 = r.results.B8 as CatchUpResult | undefined;
  if (b8) {
    md.push(
      `## B8 — catch-up after ${b8.versions} missed versions (${b8.ops} operations)`,
      '',
      '| Measure | Result | Floor | Ratio | Gate |',
      '|---|---|---|---|---|',
      `| WebSocket hello → caughtUp (one client, the SDK's hello: patches, deflate-raw) | ${ms(b8.ws.ms)} ms (${ms(b8.ws.min)}–${ms(b8.ws.max)}), ${mb(b8.ws.bytes)} MB on the wire (${mb(b8.ws.jsonBytes)} MB of JSON; ${b8.ws.patched} of ${b8.ws.opsReceived} operations as patches) in ${b8.ws.frames} frames (${b8.ws.binaryFrames} compressed) | same SQL + JSON.stringify, pages of 500: ${ms(b8.floor.ms)} ms (${ms(b8.floor.min)}–${ms(b8.floor.max)}), ${mb(b8.floor.bytes)} MB | ${b8.ratio} | ${ok(b8.ratio <= 2 * 1.1)} (≤ 2×) |`,
      `| Bytes on the wire per operation (perf-baseline: ≤ 1.2 MB compressed per 10,000) | ${Math.round(b8.ws.bytes / b8.ws.opsReceived)} B | – | – | ${b8.versions >= 10_000 ? `≤ 120 B: ${ok(b8.ws.bytes / b8.ws.opsReceived <= 120 * 1.1)}` : 'info (the gate is for 10,000 updates: here few updated issues have an earlier operation to patch from)'} |`,
      `| Same catch-up with a plain hello (full post-images as text, the protocol before patches and compression), alternating with the above | ${ms(b8.plain.ms)} ms (${ms(b8.plain.min)}–${ms(b8.plain.max)}), ${mb(b8.plain.bytes)} MB in ${b8.plain.frames} frames | – | ${round(b8.plain.ms / b8.floor.ms)} | info |`,
      `| One-query floor (perf-baseline §2.5 shape) | – | ${ms(b8.floorSingle.ms)} ms, ${mb(b8.floorSingle.bytes)} MB | ${round(b8.ws.ms / b8.floorSingle.ms)} | info |`,
      `| HTTP \`GET /sync/ops\` paging (limit 500) | ${ms(b8.http.ms)} ms, ${mb(b8.http.bytes)} MB in ${b8.http.pages} pages | – | – | info |`,
      `| Client: inflate (\`inflateRawText\`) / JSON.parse of the frames / SyncStore.applyBatch | ${ms(b8.client.inflateMs)} / ${ms(b8.client.parseMs)} / ${ms(b8.client.applyMs)} ms | – | – | ≤ 1 s: ${ok(b8.client.inflateMs + b8.client.parseMs + b8.client.applyMs <= 1100)} |`,
      `| SDK SyncClient resumed from its persisted copy → live | ${ms(b8.client.sdkResumeMs)} ms (load ${ms(b8.client.sdkLoadMs)}, catch-up ${ms(b8.client.sdkCatchUpMs)}) | – | – | info |`,
      `| Storm: ${b8.storm.clients} clients at once → all caught up (the SDK's hello) | ${ms(b8.storm.allCaughtUpMs)} ms (p50 ${ms(b8.storm.p50Ms)}), ${mb(b8.storm.bytes)} MB, ${b8.storm.failures} failed | ${b8.storm.floorMs !== undefined ? `raw ws server sending the same frames to ${b8.storm.clients} subscribers: ${ms(b8.storm.floorMs)} ms` : '–'} | ${b8.storm.floorMs !== undefined ? round(b8.storm.allCaughtUpMs / b8.storm.floorMs) : '–'} | ≤ 10 s: ${ok(b8.storm.allCaughtUpMs <= 11_000 && b8.storm.failures === 0)} |`,
      b8.stormPlain
        ? `| Storm with plain hellos (as before patches and compression) | ${ms(b8.stormPlain.allCaughtUpMs)} ms (p50 ${ms(b8.stormPlain.p50Ms)}), ${mb(b8.stormPlain.bytes)} MB, ${b8.stormPlain.failures} failed | – | – | info |`
        : '',
      '',
      `Making the ${b8.versions} updates over REST (4 in flight) took ${b8.makeOpsS} s.`,
      '',
    );
  }
  const b9 = r.results.B9 as BootstrapResult | undefined;
  if (b9) {
    const t = mr(b9.runs.map((x) => x.totalMs));
    const rss = mr(b9.runs.map((x) => x.rssIncreaseMB));
    const first = b9.runs[0]!;
    md.push(
      `## B9 — streamed bootstrap (${first.issues} issues, ${first.lines} lines)`,
      '',
      '| Measure | Result | Gate |',
      '|---|---|---|',
      `| Time to last byte | ${t.text} ms (first byte ${ms(median(b9.runs.map((x) => x.ttfbMs)))} ms) | ≤ 3 s: ${ok(t.med <= 3300)} |`,
      `| Bytes | ${mb(first.bytes)} MB | info |`,
      `| Server RSS increase (peak during the download) | ${rss.text} MB (before: ${first.rssBeforeMB} MB; retained after GC: ${median(b9.runs.map((x) => x.rssRetainedMB))} MB) | ≤ 100 MB: ${ok(rss.med <= 110)} |`,
      `| SDK \`fetchBootstrap\` (download + parse every line) | ${ms(b9.sdkParseMs)} ms | info |`,
      b9.floor ? `| Floor: same SQL + one JSON line per issue (postgres.js) | ${ms(b9.floor.ms)} ms, ${mb(b9.floor.bytes)} MB; API ÷ floor ${round(t.med / b9.floor.ms)} | info |` : '',
      '',
    );
  }
  const b12 = r.results.B12 as IdleResult[] | undefined;
  if (b12) {
    const api = b12.find((x) => x.target === 'api');
    const floor = b12.find((x) => x.target === 'floor');
    md.push(
      `## B12 — idle authenticated WebSocket connections (${api?.n ?? floor?.n} clients)`,
      '',
      '| Server | RSS / connection | heap / connection | RSS before → after | heap before → after | idle CPU (% of a core) | connect all |',
      '|---|---|---|---|---|---|---|',
      ...b12.map((x) => `| ${x.target === 'api' ? 'API' : 'raw ws floor'} | ${x.rssPerConnKB} KB | ${x.heapPerConnKB} KB | ${x.rssBeforeMB} → ${x.rssAfterMB} MB | ${x.heapBeforeMB} → ${x.heapAfterMB} MB | ${x.idleCpuPct}% over ${x.idleWindowS} s | ${x.connectMs} ms |`),
      '',
    );
    if (api && floor) {
      const rr = api.rssPerConnKB / floor.rssPerConnKB;
      const hr = api.heapPerConnKB / floor.heapPerConnKB;
      md.push(`Ratios: RSS ${round(rr)}× (gate ≤ 3×: ${ok(rr <= 3.3)}), heap ${round(hr)}× (gate ≤ 3×: ${ok(hr <= 3.3)}); idle CPU gate ≤ 2% of a core: ${ok(api.idleCpuPct <= 2.2)}.`, '');
    }
  }
  for (const [id, e] of Object.entries(r.errors)) md.push(`## ${id} — FAILED`, '', '```', e.slice(0, 3000), '```', '');
  writeFileSync(`${base}.md`, `${md.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n')}\n`);
  return [`${base}.json`, `${base}.md`];
}
