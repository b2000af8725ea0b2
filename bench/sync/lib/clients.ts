/**
 * WebSocket clients of the sync benchmarks, all in the harness process (as the floor of
 * perf-baseline.md §2.6 runs its clients): plain `ws` sockets speaking the sync protocol
 * (apps/server/src/sync/protocol.ts: `hello` with a personal access token, `pong` to `ping`),
 * or bare subscribers of the raw floor server. Every received text frame goes to the client's
 * `onFrame` with its arrival time (`performance.now()`); a binary (compressed) frame is inflated
 * first. API clients say hello with the SDK's options ({@link SDK_HELLO}) unless
 * `BENCH_PLAIN_HELLO=1` (full post-images as text: the protocol before those options).
 */
import { inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import { sleep } from '../../lib/util.ts';

/** The hello options the SDK's SyncClient sends (a client with a store on Node 20.12+ or a browser). */
export const SDK_HELLO: Record<string, unknown> = { patches: true, compression: 'deflate-raw' };

/** Hello options of the benchmark's API clients. */
export const clientHello = (): Record<string, unknown> => (process.env.BENCH_PLAIN_HELLO === '1' ? {} : SDK_HELLO);

/** One connected client. */
export interface BenchSocket {
  index: number;
  ws: WebSocket;
  /** Frames after the connection is ready (API: after `caughtUp`). */
  onFrame: (text: string, at: number) => void;
  /** Version of the client (API clients: `toVersion` of the last `ops` frame). */
  version: number;
  /** Set when an `ops` frame did not start at `version` (a gap or a repeat). */
  broken: string | null;
  close(): void;
}

/** Options of {@link connectMany}. */
export interface ConnectOptions {
  /** Handshakes in flight at once. */
  concurrency?: number;
  /** Time allowed for all clients to be ready. */
  timeoutMs?: number;
}

async function connectMany<T>(n: number, open: (i: number) => Promise<T>, o: ConnectOptions): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const deadline = performance.now() + (o.timeoutMs ?? 120_000);
  const worker = async () => {
    while (next < n) {
      const i = next++;
      if (performance.now() > deadline) throw new Error(`clients not connected in time (${i} of ${n})`);
      out[i] = await open(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, o.concurrency ?? 50) }, worker));
  return out;
}

/**
 * Opens one authenticated sync connection and resolves once the server said `caughtUp`.
 * @throws Error on `error`/`reset` frames, a close, or no `caughtUp` within 60 s
 */
export function openSyncClient(baseUrl: string, token: string, index: number, baseVersion: number): Promise<BenchSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/sync/ws`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`client ${index}: no caughtUp in 60 s`)), 60_000);
    let ready = false;
    const client: BenchSocket = {
      index,
      ws,
      onFrame: () => {},
      version: baseVersion,
      broken: null,
      close: () => ws.terminate(),
    };
    function fail(err: Error) {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    }
    const extra = clientHello();
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, clientId: `bench-${index}`, baseVersion, token, ...extra })));
    ws.on('error', (err) => {
      if (!ready) fail(err);
    });
    ws.on('close', (code) => {
      if (!ready) fail(new Error(`client ${index}: closed ${code} before caughtUp`));
    });
    ws.on('message', (raw, isBinary) => {
      const at = performance.now();
      const text = (isBinary ? inflateRawSync(raw as Buffer) : (raw as Buffer)).toString();
      if (text.startsWith('{"type":"ping"')) {
        const t = JSON.parse(text).t;
        ws.send(JSON.stringify({ type: 'pong', t }));
        return;
      }
      if (text.startsWith('{"type":"ops"')) {
        // Cheap chain check without parsing the operations: `fromVersion` must equal our version.
        const m = /^\{"type":"ops","fromVersion":(\d+),"toVersion":(\d+)/.exec(text);
        if (m) {
          if (Number(m[1]) !== client.version && !client.broken) client.broken = `ops from ${m[1]} at version ${client.version}`;
          client.version = Number(m[2]);
        }
      }
      if (!ready) {
        if (text.startsWith('{"type":"caughtUp"')) {
          ready = true;
          clearTimeout(timer);
          resolve(client);
        } else if (text.startsWith('{"type":"error"') || text.startsWith('{"type":"reset"')) {
          fail(new Error(`client ${index}: ${text}`));
        }
        return;
      }
      client.onFrame(text, at);
    });
  });
}

/** Opens `tokens.length` sync clients, client i on `urls[i % urls.length]`. */
export function connectSyncClients(urls: string[], tokens: string[], baseVersion: number, o: ConnectOptions = {}): Promise<BenchSocket[]> {
  return connectMany(tokens.length, (i) => openSyncClient(urls[i % urls.length] as string, tokens[i] as string, i, baseVersion), o);
}

/** Opens one subscriber of the raw floor server; resolves once open. */
export function openRawSubscriber(baseUrl: string, index: number): Promise<BenchSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sub`);
  return new Promise((resolve, reject) => {
    const client: BenchSocket = { index, ws, onFrame: () => {}, version: 0, broken: null, close: () => ws.terminate() };
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.on('message', (raw) => client.onFrame(raw.toString(), performance.now()));
  });
}

/** Opens `n` raw subscribers, client i on `urls[i % urls.length]`. */
export function connectRawSubscribers(urls: string[], n: number, o: ConnectOptions = {}): Promise<BenchSocket[]> {
  return connectMany(n, (i) => openRawSubscriber(urls[i % urls.length] as string, i), o);
}

/** Opens the floor's publisher socket. */
export async function openRawPublisher(baseUrl: string): Promise<WebSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/pub`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Closes every client and waits a moment for the servers to notice. */
export async function closeAll(clients: BenchSocket[]): Promise<void> {
  for (const c of clients) c.close();
  await sleep(200);
}
