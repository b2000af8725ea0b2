/**
 * Helpers for the sync tests: listening on a loopback port, a recording WebSocket client, and a
 * bootstrap reader.
 */
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import { APP_URL, type TestApp, type Who } from './helpers.ts';

/** Makes `t.app` listen on an ephemeral loopback port; returns its http base URL. */
export async function listen(t: TestApp): Promise<string> {
  if (!t.app.server.listening) await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** A server frame as the tests see it. */
export type Frame = { type: string } & Record<string, any>;

/** A WebSocket client that records every frame. */
export interface TestSocket {
  ws: WebSocket;
  frames: Frame[];
  /** Per frame of `frames`: its size on the wire and whether it came compressed (binary). */
  wire: Array<{ bytes: number; binary: boolean }>;
  /** Resolves with the first recorded frame (from `from` on) matching `pred`. */
  next(pred: (f: Frame) => boolean, timeoutMs?: number, from?: number): Promise<Frame>;
  send(msg: unknown): void;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Rejects when the upgrade was refused, with the HTTP status. */
  opened: Promise<void>;
  close(): void;
}

/** Opens `base`/api/v1/sync/ws with optional cookie and Origin (the app's by default for cookies). */
export function openSocket(base: string, opts: { cookie?: string; origin?: string | null; query?: string } = {}): TestSocket {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = `exponential_session=${opts.cookie}`;
  const origin = opts.origin === undefined ? (opts.cookie ? APP_URL : undefined) : opts.origin ?? undefined;
  if (origin) headers.origin = origin;
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/sync/ws${opts.query ?? ''}`, { headers });
  const frames: Frame[] = [];
  const wire: TestSocket['wire'] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (raw, isBinary) => {
    const bytes = raw as Buffer;
    // A binary frame is a compressed `ops` frame (hello `compression: 'deflate-raw'`).
    const f = JSON.parse((isBinary ? inflateRawSync(bytes) : bytes).toString()) as Frame;
    wire.push({ bytes: bytes.length, binary: isBinary });
    if (f.type === 'ping') ws.send(JSON.stringify({ type: 'pong', t: f.t }));
    frames.push(f);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of waiters) w();
    });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
  opened.catch(() => {});
  return {
    ws,
    frames,
    wire,
    closed,
    opened,
    send: (msg) => ws.send(JSON.stringify(msg)),
    close: () => ws.close(),
    next(pred, timeoutMs = 5000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = frames.slice(from).find(pred);
          if (hit) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(hit);
          } else if (ws.readyState === WebSocket.CLOSED) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`socket closed; frames: ${JSON.stringify(frames).slice(0, 2000)}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 2000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Connects and says hello (with the optional capabilities `patches` and `compression`); resolves after `welcome`. */
export async function connect(
  base: string,
  hello: { token?: string; cookie?: string; baseVersion: number; clientId?: string; workspace?: string; patches?: unknown; compression?: unknown },
): Promise<TestSocket> {
  const s = openSocket(base, { cookie: hello.cookie });
  await s.opened;
  s.send({
    type: 'hello',
    protocol: 1,
    clientId: hello.clientId ?? 'test-client',
    baseVersion: hello.baseVersion,
    ...(hello.token ? { token: hello.token } : {}),
    ...(hello.workspace ? { workspace: hello.workspace } : {}),
    ...(hello.patches !== undefined ? { patches: hello.patches } : {}),
    ...(hello.compression !== undefined ? { compression: hello.compression } : {}),
  });
  await s.next((f) => f.type === 'welcome' || f.type === 'error' || f.type === 'reset');
  return s;
}

/** The parsed NDJSON lines of a bootstrap. */
export interface Bootstrap {
  status: number;
  header: Record<string, any>;
  entities: Array<{ entity: string; data: Record<string, any> }>;
  trailer: Record<string, any>;
  body: any;
  contentType: string;
}

/** Reads a bootstrap through `inject`. */
export async function bootstrap(t: TestApp, who: Who, query = ''): Promise<Bootstrap> {
  const headers: Record<string, string> = {};
  if (who && 'cookie' in who) headers.cookie = `exponential_session=${who.cookie}`;
  if (who && 'token' in who) headers.authorization = `Bearer ${who.token}`;
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/sync/bootstrap${query}`, headers });
  const contentType = String(res.headers['content-type'] ?? '');
  if (res.statusCode !== 200) return { status: res.statusCode, header: {}, entities: [], trailer: {}, body: res.json(), contentType };
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
  return { status: 200, header: lines[0], entities: lines.slice(1, -1), trailer: lines[lines.length - 1], body: null, contentType };
}

/** Ids of the bootstrap's `entity` lines. */
export function idsOf(b: Bootstrap, entity: string): string[] {
  return b.entities.filter((e) => e.entity === entity).map((e) => e.data.id as string);
}
