/**
 * B12 (perf-baseline.md §3): memory per idle authenticated WebSocket connection. A fresh API
 * process is measured after GC (RSS and V8 heap, through its IPC channel), then `n` clients
 * connect (each its own user and token, `hello` → `caughtUp`) and stay idle; after a settling
 * pause it is measured again, and its CPU time is read over an idle window that spans at least
 * two heartbeats (every connection re-checks its credentials and scope at each heartbeat).
 * The floor: the raw ws server with the same number of idle subscribers, measured the same way.
 * Gate: RSS and heap per connection ≤ 3× the floor's.
 */
import { log, round, sleep } from '../lib/util.ts';
import { type BenchSocket, closeAll, connectRawSubscribers, connectSyncClients } from './lib/clients.ts';
import type { SyncDb } from './lib/fixture.ts';
import { type MemorySnapshot, procCpuMs } from './lib/memory.ts';
import { type Child, startApi, startRawWs } from './lib/procs.ts';
import { headVersion } from './b7.ts';

/** Idle cost of one kind of server. */
export interface IdleResult {
  target: 'api' | 'floor';
  n: number;
  rssPerConnKB: number;
  heapPerConnKB: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  /** CPU of the server while idle with n clients, in % of one core. */
  idleCpuPct: number;
  idleWindowS: number;
  connectMs: number;
}

/** Memory after GC, repeated until RSS stops falling (no garbage of earlier work counted). */
async function settled(server: Child): Promise<MemorySnapshot> {
  let m = await server.memory();
  for (let i = 0; i < 5; i++) {
    await sleep(500);
    const again = await server.memory();
    const stable = again.rss >= m.rss - 256 * 1024;
    m = again;
    if (stable) break;
  }
  return m;
}

/**
 * Waits until the server uses under 5% of a core over half a second (at most 30 s): the API
 * compiles the route schemas no request has used in the background a few seconds after it
 * listens (lib/lazy-schemas.ts), and that heap must not be counted as the connections'.
 */
async function quiet(server: Child): Promise<void> {
  // The background compilation starts 2 s after listening (SCHEMA_BACKGROUND_DELAY_MS).
  await sleep(2500);
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const cpu0 = procCpuMs(server.pid);
    await sleep(500);
    if (procCpuMs(server.pid) - cpu0 < 25) return;
  }
}

async function idleOf(target: 'api' | 'floor', server: Child, n: number, connect: (count: number) => Promise<BenchSocket[]>, idleWindowS: number): Promise<IdleResult> {
  await quiet(server);
  // Warm-up: a few connections come and go first, so code loaded on first use is not counted.
  await closeAll(await connect(Math.min(10, n)));
  const before = await settled(server);
  const t0 = performance.now();
  const clients = await connect(n);
  const connectMs = performance.now() - t0;
  try {
    await sleep(3000);
    const after = await settled(server);
    const cpu0 = procCpuMs(server.pid);
    await sleep(idleWindowS * 1000);
    const cpu1 = procCpuMs(server.pid);
    return {
      target,
      n,
      rssPerConnKB: round((after.rss - before.rss) / n / 1024, 1),
      heapPerConnKB: round((after.heapUsed - before.heapUsed) / n / 1024, 1),
      rssBeforeMB: round(before.rss / 1048576, 1),
      rssAfterMB: round(after.rss / 1048576, 1),
      heapBeforeMB: round(before.heapUsed / 1048576, 1),
      heapAfterMB: round(after.heapUsed / 1048576, 1),
      idleCpuPct: round(((cpu1 - cpu0) / (idleWindowS * 1000)) * 100, 2),
      idleWindowS,
      connectMs: Math.round(connectMs),
    };
  } finally {
    await closeAll(clients);
  }
}

/** Runs B12 on a fresh API process and a fresh raw ws server. */
export async function runB12(db: SyncDb, n: number, idleWindowS: number): Promise<IdleResult[]> {
  const out: IdleResult[] = [];
  const api = await startApi(db.api);
  try {
    const head = await headVersion(api.url, db.fixture.token);
    const r = await idleOf('api', api, n, (k) => connectSyncClients([api.url], db.clientTokens.slice(0, k), head.version, { concurrency: 50 }), idleWindowS);
    log(`B12 api n=${n}: ${r.rssPerConnKB} KB RSS, ${r.heapPerConnKB} KB heap per connection; idle CPU ${r.idleCpuPct}%`);
    out.push(r);
  } finally {
    await api.stop();
  }
  const raw = await startRawWs();
  try {
    const r = await idleOf('floor', raw, n, (k) => connectRawSubscribers([raw.url], k, { concurrency: 50 }), idleWindowS);
    log(`B12 floor n=${n}: ${r.rssPerConnKB} KB RSS, ${r.heapPerConnKB} KB heap per connection; idle CPU ${r.idleCpuPct}%`);
    out.push(r);
  } finally {
    await raw.stop();
  }
  return out;
}
