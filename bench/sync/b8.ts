/**
 * B8 (perf-baseline.md §3): catch-up after missing `ops` operations.
 *
 * 1. A real SDK sync client (packages/sdk SyncClient, in-memory persistence) bootstraps and goes
 *    live at version V0, then stops.
 * 2. `ops` single-issue updates are made over REST (the title, and every other time the priority; 4 in flight).
 * 3. Server catch-up: a WebSocket client says `hello {baseVersion: V0}` with the SDK's options
 *    (`patches`, `compression: 'deflate-raw'`); time until `caughtUp`, bytes on the wire and
 *    frames received (median of `runs`). The same with a plain hello (full post-images, text
 *    frames: what every client got before those options), alternating with it, so both are
 *    measured under the same load. Also over HTTP (`GET /api/v1/sync/ops` paging, the SDK's gap
 *    filler, full post-images), for information.
 * 4. Floor: the same SQL as sync/oplog.ts `readLogPage` through postgres.js + JSON.stringify in
 *    the harness (lib/floor.ts), and the one-query variant of perf-baseline.md §2.5.
 *    Gate: WebSocket catch-up ≤ 2× the paged floor.
 * 5. Client apply: the received frames inflated (the SDK's `inflateRawText`), parsed and applied
 *    to an SDK SyncStore holding the V0 bootstrap; and the SDK client resumed from its persisted
 *    copy (start → live).
 * 6. Storm: `storm` clients (distinct users) say hello at V0 at once with the SDK's options; time
 *    until all are caught up. Then the same with plain hellos.
 */
import { inflateRawSync } from 'node:zlib';
import { MemoryPersistence, SyncClient, SyncStore, fetchBootstrap, inflateRawText } from '@exponential/sdk';
import { log, median, quantile, round, sleep } from '../lib/util.ts';
import type { SyncDb } from './lib/fixture.ts';
import { type FloorPass, oplogFloor, oplogFloorSingle } from './lib/floor.ts';
import { startApi, startRawWs } from './lib/procs.ts';
import { openRawPublisher, SDK_HELLO } from './lib/clients.ts';
import { headVersion } from './b7.ts';

const PRIORITIES = ['none', 'urgent', 'high', 'medium', 'low'];

/** B8 figures (ms, bytes). */
export interface CatchUpResult {
  ops: number;
  versions: number;
  makeOpsS: number;
  /**
   * With the SDK's hello (patches, compression). `bytes`: on the wire (compressed frames as
   * sent); `jsonBytes`: the frames' JSON text; `patched`: operations received as patches.
   */
  ws: { ms: number; min: number; max: number; bytes: number; jsonBytes: number; frames: number; binaryFrames: number; opsReceived: number; patched: number };
  /** With a plain hello (full post-images as text), measured alternately with `ws`. */
  plain: { ms: number; min: number; max: number; bytes: number; frames: number };
  http: { ms: number; bytes: number; pages: number };
  floor: { ms: number; min: number; max: number; bytes: number; queries: number };
  floorSingle: { ms: number; bytes: number };
  ratio: number;
  /** `inflateMs`: the SDK's `inflateRawText` over the compressed frames. */
  client: { inflateMs: number; parseMs: number; applyMs: number; sdkResumeMs: number; sdkCatchUpMs: number; sdkLoadMs: number };
  /** `floorMs`: the raw ws server sending the same frames to as many subscribers (no database). */
  storm: { clients: number; allCaughtUpMs: number; p50Ms: number; bytes: number; failures: number; floorMs: number; floorBytes: number };
  /** The storm again with plain hellos (the protocol before patches and compression). */
  stormPlain: { clients: number; allCaughtUpMs: number; p50Ms: number; bytes: number; failures: number };
}

/** A frame as received: its payload and whether it was binary (compressed). */
interface WireFrame {
  data: Buffer;
  binary: boolean;
}

/** The JSON text of a received frame. */
const textOf = (f: WireFrame): string => (f.binary ? inflateRawSync(f.data) : f.data).toString();

/**
 * One WebSocket catch-up from `baseVersion` with `extra` hello options, keeping the `ops` frames
 * as received (bytes, client apply).
 */
async function wsCatchUpFrames(url: string, token: string, index: number, baseVersion: number, extra: Record<string, unknown>): Promise<{ ms: number; frames: WireFrame[] }> {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/sync/ws`);
  const frames: WireFrame[] = [];
  return new Promise((resolve, reject) => {
    let t0 = 0;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('catch-up not done in 120 s'));
    }, 120_000);
    ws.on('open', () => {
      t0 = performance.now();
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, clientId: `b8-${index}`, baseVersion, token, ...extra }));
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on('message', (raw, isBinary) => {
      const data = raw as Buffer;
      if (isBinary) {
        frames.push({ data, binary: true });
        return;
      }
      const text = data.toString();
      if (text.startsWith('{"type":"ops"')) frames.push({ data, binary: false });
      else if (text.startsWith('{"type":"caughtUp"')) {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        ws.terminate();
        resolve({ ms, frames });
      } else if (text.startsWith('{"type":"error"') || text.startsWith('{"type":"reset"')) {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(text));
      }
    });
  });
}

/** Makes `count` single-issue updates over REST, `inFlight` at a time; bounded by `maxMs`. */
async function makeOps(url: string, token: string, keys: string[], count: number, inFlight: number, maxMs: number): Promise<number> {
  let next = 0;
  let done = 0;
  const deadline = performance.now() + maxMs;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const k = next++;
      const key = keys[k % keys.length];
      const body = k % 2 === 0 ? { title: `B8 update ${k}` } : { title: `B8 update ${k}`, priority: PRIORITIES[k % 5] };
      const r = await fetch(`${url}/api/v1/issues/${key}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`PATCH ${key} ${JSON.stringify(body)}: ${r.status} ${text.slice(0, 300)}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done;
}

/** Runs B8 on a fresh API process (PostgreSQL). */
export async function runB8(db: SyncDb, o: { ops: number; runs: number; storm: number }): Promise<CatchUpResult> {
  const fx = db.fixture;
  if (!db.api.databaseUrl) throw new Error('B8 needs PostgreSQL (its floor reads through postgres.js)');
  const api = await startApi(db.api);
  try {
    const url = api.url;
    // 1. A real client bootstraps and goes live, then leaves.
    const persistence = new MemoryPersistence();
    const sdk = new SyncClient({ baseUrl: url, token: db.clientTokens[0], persistence, clientId: 'b8-sdk' });
    await sdk.start();
    const v0 = sdk.store.version;
    sdk.stop();
    const boot = await fetchBootstrap({ baseUrl: url, token: db.clientTokens[0], fetch: globalThis.fetch.bind(globalThis) });
    if (boot.header.version !== v0) throw new Error(`the head moved during setup (${boot.header.version} ≠ ${v0})`);
    log(`B8: client at version ${v0} with ${boot.rows.length} rows; making ${o.ops} operations`);

    // 2. Operations the client misses.
    const keys: string[] = [];
    for (const t of fx.teams) for (let n = 1; n <= Math.min(fx.issuesPerTeam, 200); n++) keys.push(`${t.key}-${n}`);
    const t0 = performance.now();
    const made = await makeOps(url, fx.token, keys, o.ops, 4, 15 * 60_000);
    const makeOpsS = (performance.now() - t0) / 1000;
    const v1 = (await headVersion(url, fx.token)).version;
    log(`B8: ${made} updates in ${makeOpsS.toFixed(1)} s (${Math.round(made / makeOpsS)}/s); head ${v1}`);
    await sleep(1000);

    // 3. Server catch-up over the WebSocket: the SDK's hello and a plain one, alternately.
    const wsRuns: Array<{ ms: number; frames: WireFrame[] }> = [];
    const plainRuns: Array<{ ms: number; frames: WireFrame[] }> = [];
    for (let r = 0; r < o.runs; r++) {
      wsRuns.push(await wsCatchUpFrames(url, db.clientTokens[1 + r] as string, 1 + r, v0, SDK_HELLO));
      await sleep(300);
      plainRuns.push(await wsCatchUpFrames(url, db.clientTokens[1 + r] as string, 1 + r, v0, {}));
      await sleep(300);
    }
    const frames = wsRuns[0]!.frames;
    const bytesOf = (fs: WireFrame[]) => fs.reduce((s, f) => s + f.data.length, 0);
    const wsBytes = bytesOf(frames);
    const texts = frames.map(textOf);
    let opsReceived = 0;
    let patched = 0;
    const parsed = texts.map((f) => JSON.parse(f));
    for (const f of parsed) {
      opsReceived += f.ops.length;
      for (const op of f.ops) if (op.patch) patched++;
    }
    const lastTo = parsed.length ? parsed[parsed.length - 1].toVersion : v0;
    if (lastTo !== v1) throw new Error(`catch-up ended at ${lastTo}, head is ${v1}`);
    const plainFrames = plainRuns[0]!.frames;
    const plainOps = plainFrames.map((f) => JSON.parse(textOf(f)).ops as unknown[]).reduce((n, ops) => n + ops.length, 0);
    if (plainOps !== opsReceived) throw new Error(`plain catch-up gave ${plainOps} operations, the SDK's ${opsReceived}`);
    // Over HTTP.
    const th = performance.now();
    let after = v0;
    let httpBytes = 0;
    let pages = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const r = await fetch(`${url}/api/v1/sync/ops?after=${after}&limit=500`, { headers: { authorization: `Bearer ${db.clientTokens[0]}` } });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`GET /sync/ops: ${r.status} ${text.slice(0, 200)}`);
      httpBytes += Buffer.byteLength(text);
      pages++;
      const page = JSON.parse(text) as { toVersion: number; more: boolean };
      after = page.toVersion;
      if (!page.more) break;
    }
    const httpMs = performance.now() - th;

    // 4. Floors.
    const floors: FloorPass[] = [];
    for (let r = 0; r < o.runs; r++) floors.push(await oplogFloor(db.api.databaseUrl, fx.workspaceId, v0, 500));
    const single = await oplogFloorSingle(db.api.databaseUrl, fx.workspaceId, v0);

    // 5. Client apply: inflate + parse + SyncStore.applyBatch over the frames, from the V0 bootstrap.
    const store = new SyncStore(false);
    store.replace(boot.rows, v0);
    const ti = performance.now();
    const inflated: string[] = [];
    for (const f of frames) inflated.push(f.binary ? await inflateRawText(f.data) : f.data.toString());
    const inflateMs = performance.now() - ti;
    const tp = performance.now();
    const batches = inflated.map((f) => JSON.parse(f));
    const parseMs = performance.now() - tp;
    const ta = performance.now();
    for (const b of batches) store.applyBatch(b);
    const applyMs = performance.now() - ta;
    if (store.version !== v1) throw new Error(`store at ${store.version} after apply, head ${v1}`);
    if (store.missedPatches) throw new Error(`${store.missedPatches} patches found no record in the V0 bootstrap`);
    // The SDK client resumes from its persisted copy.
    const resumed = new SyncClient({ baseUrl: url, token: db.clientTokens[0], persistence, clientId: 'b8-sdk' });
    const marks: Record<string, number> = {};
    resumed.onStatus((s) => {
      marks[s] ??= performance.now();
    });
    const ts = performance.now();
    await resumed.start();
    const sdkResumeMs = performance.now() - ts;
    resumed.stop();
    if (resumed.store.version !== v1) throw new Error(`SDK client at ${resumed.store.version}, head ${v1}`);

    // 6. Storm: many clients at V0 at once, with the SDK's hello, then with plain ones.
    await sleep(1000);
    const tokens = db.clientTokens.slice(10, 10 + o.storm);
    const storm = await runStorm(url, tokens, v0, SDK_HELLO);
    log(`B8 storm: ${tokens.length - storm.failures} of ${tokens.length} clients caught up in ${Math.round(storm.allCaughtUpMs)} ms`);
    await sleep(1000);
    const stormPlain = await runStorm(url, tokens, v0, {});
    log(`B8 storm, plain hellos: ${tokens.length - stormPlain.failures} of ${tokens.length} clients caught up in ${Math.round(stormPlain.allCaughtUpMs)} ms`);
    const stormFloor = await rawStorm(frames, tokens.length);
    log(`B8 storm floor: the same ${frames.length} frames to ${tokens.length} raw ws subscribers in ${Math.round(stormFloor.ms)} ms`);

    const wsMs = wsRuns.map((r) => r.ms);
    const plainMs = plainRuns.map((r) => r.ms);
    const floorMs = floors.map((f) => f.ms);
    return {
      ops: opsReceived,
      versions: v1 - v0,
      makeOpsS: round(makeOpsS, 1),
      ws: {
        ms: round(median(wsMs)),
        min: round(Math.min(...wsMs)),
        max: round(Math.max(...wsMs)),
        bytes: wsBytes,
        jsonBytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
        frames: frames.length,
        binaryFrames: frames.filter((f) => f.binary).length,
        opsReceived,
        patched,
      },
      plain: { ms: round(median(plainMs)), min: round(Math.min(...plainMs)), max: round(Math.max(...plainMs)), bytes: bytesOf(plainFrames), frames: plainFrames.length },
      http: { ms: round(httpMs), bytes: httpBytes, pages },
      floor: { ms: round(median(floorMs)), min: round(Math.min(...floorMs)), max: round(Math.max(...floorMs)), bytes: floors[0]!.bytes, queries: floors[0]!.queries },
      floorSingle: { ms: round(single.ms), bytes: single.bytes },
      ratio: round(median(wsMs) / median(floorMs)),
      client: {
        inflateMs: round(inflateMs),
        parseMs: round(parseMs),
        applyMs: round(applyMs),
        sdkResumeMs: round(sdkResumeMs),
        sdkLoadMs: round((marks.catchingUp ?? ts) - ts),
        sdkCatchUpMs: round((marks.live ?? 0) - (marks.catchingUp ?? 0)),
      },
      storm: { ...storm, floorMs: round(stormFloor.ms), floorBytes: stormFloor.bytes },
      stormPlain,
    };
  } finally {
    await api.stop();
  }
}

/** `tokens.length` clients say hello at `baseVersion` at once; time until all are caught up. */
async function runStorm(url: string, tokens: string[], baseVersion: number, extra: Record<string, unknown>): Promise<CatchUpResult['stormPlain']> {
  const t0 = performance.now();
  const done: number[] = [];
  let failures = 0;
  let bytes = 0;
  await Promise.all(
    tokens.map(async (tok, i) => {
      try {
        const r = await wsCatchUpCounting(url, tok, 10 + i, baseVersion, extra);
        done.push(performance.now() - t0);
        bytes += r.bytes;
      } catch {
        failures++;
      }
    }),
  );
  return { clients: tokens.length, allCaughtUpMs: round(Math.max(...done)), p50Ms: round(quantile(done, 0.5)), bytes, failures };
}

/**
 * A catch-up that only counts bytes (the storm's clients parse nothing but control frames; binary
 * frames are compressed `ops` frames).
 */
async function wsCatchUpCounting(url: string, token: string, index: number, baseVersion: number, extra: Record<string, unknown>): Promise<{ bytes: number }> {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/sync/ws`);
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('storm client not caught up in 120 s'));
    }, 120_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, clientId: `storm-${index}`, baseVersion, token, ...extra })));
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on('message', (data, isBinary) => {
      const raw = data as Buffer;
      bytes += raw.length;
      if (isBinary) return;
      if (raw[9] !== 0x63 /* c */ && raw[9] !== 0x65 /* e */ && raw[9] !== 0x72 /* r */) return; // {"type":"ops"… fast path
      const text = raw.toString();
      if (text.startsWith('{"type":"caughtUp"')) {
        clearTimeout(timer);
        ws.terminate();
        resolve({ bytes });
      } else if (text.startsWith('{"type":"error"') || text.startsWith('{"type":"reset"')) {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(text));
      }
    });
  });
}

/**
 * Floor of the storm: bench/sync/raw-ws-server.ts sends the same `frames` (as captured from the
 * API, binary ones as binary) to `n` subscribers that, like the storm's clients, only count
 * bytes. Time from the first send until every subscriber has every frame.
 */
async function rawStorm(frames: WireFrame[], n: number): Promise<{ ms: number; bytes: number }> {
  const { default: WebSocket } = await import('ws');
  const raw = await startRawWs();
  const subs: InstanceType<typeof WebSocket>[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(`${raw.url.replace(/^http/, 'ws')}/sub`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      subs.push(ws);
    }
    const pub = await openRawPublisher(raw.url);
    let bytes = 0;
    let finished = 0;
    const t0 = performance.now();
    const all = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`storm floor: ${finished} of ${n} done in 120 s`)), 120_000);
      for (const ws of subs) {
        let got = 0;
        ws.on('message', (data) => {
          bytes += (data as Buffer).length;
          if (++got === frames.length && ++finished === n) {
            clearTimeout(timer);
            resolve(performance.now() - t0);
          }
        });
      }
    });
    for (const f of frames) pub.send(f.data, { binary: f.binary });
    const ms = await all;
    pub.terminate();
    return { ms, bytes };
  } finally {
    for (const ws of subs) ws.terminate();
    await raw.stop();
  }
}
