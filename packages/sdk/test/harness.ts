/**
 * Test harness for the SDK against a real in-process server: a per-client simulated network
 * that can be cut and restored (WebSocket and fetch), responses that can be lost after the server
 * handled the request, and helpers to wait for quiet and compare with a fresh bootstrap.
 */
import { expect } from 'vitest';
import WebSocket from 'ws';
import { fetchBootstrap, type HttpConfig } from '../src/sync/http.ts';
import type { SocketFactory, SocketLike } from '../src/sync/socket.ts';
import { SyncClient, type SyncClientOptions } from '../src/sync/client.ts';
import { SyncStore } from '../src/sync/store.ts';

/** A client's network: cut it and every socket dies and every request fails until restored. */
export class Net {
  online = true;
  /** Number of upcoming responses to drop after the server handled the request. */
  loseResponses = 0;
  /** Binary (compressed) frames received by this network's sockets. */
  binaryFrames = 0;
  private readonly sockets = new Set<WebSocket>();

  readonly socketFactory: SocketFactory = (url) => {
    // A refused connection (nothing listens on port 9 of loopback) when offline.
    const s = new WebSocket(this.online ? url : 'ws://127.0.0.1:9/');
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('message', (_data, isBinary) => {
      if (isBinary) this.binaryFrames += 1;
    });
    return s as unknown as SocketLike;
  };

  readonly fetch: typeof fetch = async (input, init) => {
    if (!this.online) throw new TypeError('fetch failed: offline');
    const res = await fetch(input, init);
    if (this.loseResponses > 0 && init?.method && init.method !== 'GET') {
      this.loseResponses -= 1;
      await res.arrayBuffer();
      throw new TypeError('fetch failed: connection reset');
    }
    return res;
  };

  cut() {
    this.online = false;
    for (const s of this.sockets) s.terminate();
  }

  restore() {
    this.online = true;
  }
}

/** Starts a sync client on its own network with fast reconnects, recording every applied op. */
export async function startClient(baseUrl: string, token: string, extra: Partial<SyncClientOptions> = {}) {
  const net = new Net();
  const client = new SyncClient({
    baseUrl,
    token,
    fetch: net.fetch,
    socketFactory: net.socketFactory,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    ...extra,
  });
  const applied: string[] = [];
  client.onOps((ops) => {
    for (const o of ops) applied.push(`${o.v}.${o.seq}`);
  });
  await client.start();
  return { client, net, applied };
}

/** The head version as `token`'s user sees it (from a bootstrap header: valid whatever the retention). */
export async function headOf(baseUrl: string, token: string): Promise<number> {
  return (await fetchBootstrap({ baseUrl, token, fetch }, {})).header.version;
}

/** Waits until every client is live at the head. */
export async function quiesce(baseUrl: string, token: string, clients: SyncClient[], timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await headOf(baseUrl, token);
    if (clients.every((c) => c.status === 'live' && c.store.version === head)) return head;
    if (Date.now() > deadline) {
      throw new Error(`not quiet: head ${head}, clients ${clients.map((c) => `${c.status}@${c.store.version}`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A fresh bootstrap for `token`'s user, normalized like a client store. */
export async function freshSnapshot(baseUrl: string, token: string, includeArchived = false) {
  const cfg: HttpConfig = { baseUrl, token, fetch };
  const b = await fetchBootstrap(cfg, { includeArchived });
  const s = new SyncStore(includeArchived);
  s.replace(b.rows, b.header.version);
  return s.snapshot();
}

/** Asserts a client's store deep-equals a fresh bootstrap and that it applied no operation twice. */
export async function expectConverged(baseUrl: string, token: string, c: { client: SyncClient; applied: string[] }) {
  const mine = c.client.store.snapshot();
  const fresh = await freshSnapshot(baseUrl, token, c.client.store.includeArchived);
  expect(describeDiff(mine, fresh), `client ${c.client.clientId}`).toEqual([]);
  expect(mine).toEqual(fresh);
  expect(new Set(c.applied).size).toBe(c.applied.length);
}

/** Differences between two store snapshots, one line each (empty when equal). */
export function describeDiff(a: ReturnType<SyncStore['snapshot']>, b: ReturnType<SyncStore['snapshot']>): string[] {
  const out: string[] = [];
  if (a.version !== b.version) out.push(`version ${a.version} vs ${b.version}`);
  for (const entity of new Set([...Object.keys(a.entities), ...Object.keys(b.entities)])) {
    const key = (r: Record<string, unknown>) => String(r.id ?? `${r.teamId}:${r.userId}`);
    const text = (r: Record<string, unknown>) => JSON.stringify(r, Object.keys(r).sort());
    const left = new Map((a.entities[entity] ?? []).map((r) => [key(r), text(r)]));
    const right = new Map((b.entities[entity] ?? []).map((r) => [key(r), text(r)]));
    for (const [k, v] of left) if (right.get(k) !== v) out.push(`${entity} ${k}: client ${v} / server ${right.get(k) ?? 'absent'}`);
    for (const [k, v] of right) if (!left.has(k)) out.push(`${entity} ${k}: client absent / server ${v}`);
  }
  return out;
}
