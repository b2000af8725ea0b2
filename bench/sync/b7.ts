/**
 * B7 (perf-baseline.md §3): live fan-out. One client changes an issue title over REST (`PATCH
 * /api/v1/issues/:id`) `ops` times at `rate` per second; N authenticated WebSocket clients each
 * receive the operation. Measured per (client, operation): REST send → frame arrival. Reported:
 * p50/p99/max over all pairs, the last client per operation (p50/p99), delivered share and
 * order (per client, operations arrive in send order and every `ops` frame starts at the
 * previous frame's `toVersion`).
 *
 * The floor is re-measured in the same run: bench/sync/raw-ws-server.ts broadcasts the same frame
 * text (captured from the API run's last operation, title replaced) from a publisher socket to N bare subscribers,
 * on one process or on two processes through Redis pub/sub. Gate: API p99 ≤ 1.5× floor p99.
 */
import type WebSocket from 'ws';
import { quantile, round, sleep } from '../lib/util.ts';
import { type BenchSocket, closeAll, connectRawSubscribers, connectSyncClients, openRawPublisher } from './lib/clients.ts';
import { type Child, startApi, startRawWs } from './lib/procs.ts';
import type { SyncDb } from './lib/fixture.ts';
import { log } from '../lib/util.ts';

/** One measured run. */
export interface FanoutRun {
  target: 'api' | 'floor';
  procs: number;
  n: number;
  ops: number;
  /** Share of (client, operation) pairs received, 0–1. */
  delivered: number;
  /** Every client received its operations in send order, in a gapless chain of versions. */
  inOrder: boolean;
  p50: number;
  p99: number;
  max: number;
  /** Per operation, the latest client: p50 and p99 over operations. */
  lastP50: number;
  lastP99: number;
  /** Bytes of one frame as received. */
  frameBytes: number;
  /** REST round trip of the mutating request (API) or 0 (floor), p50 in ms. */
  sendP50: number;
  /** REST round trip p99 in ms (API) or 0 (floor). */
  sendP99?: number;
  /**
   * API only: receipt minus the arrival of the write's REST response, per (client, operation),
   * p50 and p99 in ms: the fan-out's own share after commit (the announcement is published
   * before the response is written, so it may be negative).
   */
  afterResponseP50?: number;
  afterResponseP99?: number;
  problems: string[];
}

/** Options of {@link runB7}. */
export interface B7Options {
  sizes: number[];
  ops: number;
  rate: number;
  runs: number;
  topologies: Array<1 | 2>;
  redisUrl: string;
}

/** Sends `ops` messages at `rate`/s and collects arrivals on every client. */
async function measure(
  clients: BenchSocket[],
  o: { ops: number; rate: number; prefix: string; target: 'api' | 'floor'; procs: number },
  send: (k: number) => Promise<number>,
): Promise<FanoutRun & { sample?: string }> {
  const n = clients.length;
  const recv = clients.map(() => new Float64Array(o.ops).fill(Number.NaN));
  const order = clients.map(() => [] as number[]);
  const sentAt = new Float64Array(o.ops).fill(Number.NaN);
  let sample: string | undefined;
  let frameBytes = 0;
  const rx = new RegExp(`"title":"${o.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)"`, 'g');
  for (const c of clients) {
    c.onFrame = (text, at) => {
      // Parse as a client must, then find the marker.
      const frame = JSON.parse(text) as { type: string; ops?: Array<{ data?: { title?: string } }> };
      if (frame.type !== 'ops') return;
      // A frame may carry several versions (announcements that arrived while a page was read).
      for (const m of text.matchAll(rx)) {
        const k = Number(m[1]);
        if (!Number.isNaN(recv[c.index]![k]!)) continue;
        recv[c.index]![k] = at;
        order[c.index]!.push(k);
        // The last operation's frame: what a client gets once the issue has history (a patch for
        // clients that ask; the first update of a loaded issue carries its whole post-image).
        if (k === o.ops - 1 && !sample && frame.ops?.length === 1) {
          sample = text;
          frameBytes = Buffer.byteLength(text);
        }
      }
    };
  }
  const sendTimes: number[] = [];
  const t0 = performance.now() + 50;
  for (let k = 0; k < o.ops; k++) {
    const due = t0 + (k * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sentAt[k] = performance.now();
    sendTimes.push(await send(k));
  }
  // Wait for stragglers: at most 15 s after the last send.
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (recv.every((r) => r.every((x) => !Number.isNaN(x)))) break;
    await sleep(20);
  }
  for (const c of clients) c.onFrame = () => {};
  const lat: number[] = [];
  const last: number[] = [];
  const afterResponse: number[] = [];
  let got = 0;
  for (let k = 0; k < o.ops; k++) {
    let worst = Number.NaN;
    for (let i = 0; i < n; i++) {
      const at = recv[i]![k]!;
      if (Number.isNaN(at)) continue;
      got++;
      const l = at - sentAt[k]!;
      lat.push(l);
      if (o.target === 'api') afterResponse.push(l - sendTimes[k]!);
      if (!(worst >= l)) worst = l;
    }
    if (!Number.isNaN(worst)) last.push(worst);
  }
  const problems: string[] = [];
  let inOrder = true;
  for (let i = 0; i < n; i++) {
    const seq = order[i]!;
    if (seq.some((k, j) => j > 0 && k < seq[j - 1]!)) {
      inOrder = false;
      problems.push(`client ${i} out of order`);
    }
    const broken = clients[i]!.broken;
    if (broken) {
      inOrder = false;
      problems.push(`client ${i}: ${broken}`);
    }
  }
  if (got < n * o.ops) {
    problems.push(`${n * o.ops - got} of ${n * o.ops} deliveries missing`);
    const byOp = new Map<number, number[]>();
    for (let i = 0; i < n; i++) for (let k = 0; k < o.ops; k++) if (Number.isNaN(recv[i]![k]!)) byOp.set(k, [...(byOp.get(k) ?? []), i]);
    for (const [k, who] of [...byOp].slice(0, 5)) problems.push(`op ${k} missing at ${who.length} clients (first: ${who.slice(0, 8).join(', ')}; client versions ${who.slice(0, 3).map((i) => clients[i]!.version).join(', ')})`);
  }
  return {
    target: o.target,
    procs: o.procs,
    n,
    ops: o.ops,
    delivered: got / (n * o.ops),
    inOrder,
    p50: round(quantile(lat, 0.5)),
    p99: round(quantile(lat, 0.99)),
    max: round(Math.max(...lat)),
    lastP50: round(quantile(last, 0.5)),
    lastP99: round(quantile(last, 0.99)),
    frameBytes,
    sendP50: round(quantile(sendTimes, 0.5)),
    ...(o.target === 'api'
      ? { sendP99: round(quantile(sendTimes, 0.99)), afterResponseP50: round(quantile(afterResponse, 0.5)), afterResponseP99: round(quantile(afterResponse, 0.99)) }
      : {}),
    problems: problems.slice(0, 10),
    sample,
  };
}

/** Runs B7 against the API and the raw floor, for each topology and size. */
export async function runB7(db: SyncDb, o: B7Options): Promise<FanoutRun[]> {
  const out: FanoutRun[] = [];
  const fx = db.fixture;
  const maxN = Math.max(...o.sizes);
  if (db.clientTokens.length < maxN) throw new Error(`the database has ${db.clientTokens.length} client tokens, B7 needs ${maxN}`);
  const issueKeys = fx.teams.map((t) => `${t.key}-1`);
  for (const procs of o.topologies) {
    const redis: Record<string, string> = procs > 1 ? { REDIS_URL: o.redisUrl } : {};
    // API.
    let template: string | undefined;
    const apis: Child[] = [];
    let clients: BenchSocket[] = [];
    try {
      for (let p = 0; p < procs; p++) apis.push(await startApi(db.api, redis));
      const urls = apis.map((a) => a.url);
      for (const n of o.sizes) {
        const head = await headVersion(urls[0] as string, fx.token);
        const t0 = performance.now();
        const more = await connectSyncClients(urls, db.clientTokens.slice(clients.length, n), head.version, { concurrency: 50 });
        more.forEach((c, j) => (c.index = clients.length + j));
        clients = [...clients, ...more];
        log(`B7 api procs=${procs}: ${n} clients ready in ${Math.round(performance.now() - t0)} ms`);
        await sleep(1000);
        for (let r = 1; r <= o.runs; r++) {
          // Each run starts from the version every client holds now.
          const prefix = `B7 api p${procs} n${n} r${r} #`;
          const res = await measure(clients, { ...o, prefix, target: 'api', procs }, async (k) => {
            const t = performance.now();
            const key = issueKeys[k % issueKeys.length];
            const resp = await fetch(`${urls[0]}/api/v1/issues/${key}`, {
              method: 'PATCH',
              headers: { authorization: `Bearer ${fx.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ title: `${prefix}${k}` }),
            });
            await resp.arrayBuffer();
            if (resp.status !== 200) throw new Error(`PATCH ${key}: ${resp.status}`);
            return performance.now() - t;
          });
          template ??= res.sample?.replace(`${prefix}${o.ops - 1}`, '\u0000MARK\u0000');
          delete res.sample;
          out.push(res);
          log(`B7 api procs=${procs} n=${n} run ${r}: p50 ${res.p50} p99 ${res.p99} max ${res.max} ms, delivered ${(res.delivered * 100).toFixed(2)}%, in order ${res.inOrder}`);
          await sleep(500);
        }
      }
    } finally {
      await closeAll(clients);
      for (const a of apis) await a.stop();
    }
    if (!template) throw new Error('no API frame captured for the floor');
    // Floor: the same frame text through the raw ws server(s).
    const raws: Child[] = [];
    let subs: BenchSocket[] = [];
    let pub: WebSocket | undefined;
    try {
      for (let p = 0; p < procs; p++) raws.push(await startRawWs(procs > 1 ? o.redisUrl : undefined));
      const urls = raws.map((a) => a.url);
      pub = await openRawPublisher(urls[0] as string);
      for (const n of o.sizes) {
        const more = await connectRawSubscribers(urls, n - subs.length, { concurrency: 50 });
        more.forEach((c, j) => (c.index = subs.length + j));
        subs = [...subs, ...more];
        await sleep(1000);
        for (let r = 1; r <= o.runs; r++) {
          const prefix = `B7 floor p${procs} n${n} r${r} #`;
          const publisher = pub;
          const res = await measure(subs, { ...o, prefix, target: 'floor', procs }, async (k) => {
            publisher.send((template as string).replace('\u0000MARK\u0000', `${prefix}${k}`));
            return 0;
          });
          delete res.sample;
          out.push(res);
          log(`B7 floor procs=${procs} n=${n} run ${r}: p50 ${res.p50} p99 ${res.p99} max ${res.max} ms, delivered ${(res.delivered * 100).toFixed(2)}%`);
          await sleep(500);
        }
      }
    } finally {
      pub?.terminate();
      await closeAll(subs);
      for (const a of raws) await a.stop();
    }
  }
  return out;
}

/** The workspace's head version, through the op log endpoint. */
export async function headVersion(url: string, token: string): Promise<{ version: number }> {
  const r = await fetch(`${url}/api/v1/sync/ops?after=0&limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json()) as { headVersion?: number };
  if (r.status !== 200 || typeof body.headVersion !== 'number') throw new Error(`GET /sync/ops: ${r.status} ${JSON.stringify(body)}`);
  return { version: body.headVersion };
}
