/**
 * Fan-out across processes: two server processes on one PostgreSQL database, announcing versions
 * over Redis pub/sub. A client connected to one process receives, in order and without gaps,
 * what is written through the other (and through its own).
 * Needs PostgreSQL (TEST_DATABASE_URL, the default local one otherwise) and Redis at
 * 127.0.0.1:6379; two processes cannot share an embedded database, so this runs on PostgreSQL
 * in both Vitest projects.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase } from './helpers.ts';
import { type ServerProcess, sessionFetch, signInOver, startServer } from './process.ts';
import { type Frame, openSocket, type TestSocket } from './sync-helpers.ts';

const started: ServerProcess[] = [];
const sockets: TestSocket[] = [];
let dropDb: (() => Promise<void>) | undefined;
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  for (const s of started) await s.kill('SIGTERM');
  for (const s of started) rmSync(s.dataDir, { recursive: true, force: true });
  await dropDb?.();
});

async function freshDatabase(): Promise<string> {
  const pg = await createEmptyPostgresDatabase('exp_sync');
  dropDb = pg.drop;
  return pg.url;
}

async function listen(server: ServerProcess, token: string, baseVersion: number): Promise<TestSocket> {
  const s = openSocket(server.url);
  sockets.push(s);
  await s.opened;
  s.send({ type: 'hello', protocol: 1, clientId: `c-${server.port}`, baseVersion, token });
  await s.next((f) => f.type === 'caughtUp', 10_000);
  return s;
}

/** The issue operations a socket received, after checking every batch chains to the previous one. */
function issueOps(frames: Frame[], start: number): Array<{ action: string; title: string; v: number }> {
  let v = start;
  const out: Array<{ action: string; title: string; v: number }> = [];
  for (const b of frames.filter((f) => f.type === 'ops')) {
    expect(b.fromVersion).toBe(v);
    v = b.toVersion;
    for (const o of b.ops) if (o.entity === 'issue') out.push({ action: o.action, title: o.data?.title, v: o.v });
  }
  return out;
}

describe('two server processes with Redis', () => {
  it('deliver to a client on one process, in order, what is written through the other', async () => {
    const env = { DATABASE_URL: await freshDatabase(), REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'warn' };
    const [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
    started.push(a, b);
    const cookie = await signInOver(a, 'cluster@example.com');
    const onA = sessionFetch(a, cookie);
    expect((await onA('/api/v1/workspaces', { method: 'POST', body: { name: 'Cluster', teamKey: 'CLU' } })).status).toBe(201);
    const tok = await onA('/api/v1/tokens', { method: 'POST', body: { name: 'cluster', scopes: ['read', 'write'] } });
    expect(tok.status).toBe(201);
    const token = ((await tok.json()) as { value: string }).value;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ops = await fetch(`${b.url}/api/v1/sync/ops?after=0&limit=1000`, { headers: auth });
    const start = ((await ops.json()) as { toVersion: number }).toVersion;

    const clientOnB = await listen(b, token, start);
    const clientOnA = await listen(a, token, start);
    const titles: string[] = [];
    let last = start;
    for (let i = 0; i < 8; i++) {
      // Alternate the process that takes the write; the clients must not care.
      const via = i % 2 === 0 ? a : b;
      const title = `Issue ${i} via ${via === a ? 'A' : 'B'}`;
      const r = await fetch(`${via.url}/api/v1/issues`, { method: 'POST', headers: auth, body: JSON.stringify({ teamId: 'CLU', title }) });
      expect(r.status).toBe(201);
      last = Number(r.headers.get('x-sync-version'));
      titles.push(title);
    }
    for (const c of [clientOnB, clientOnA]) {
      await c.next((f) => f.type === 'ops' && f.toVersion === last, 10_000);
      const got = issueOps(c.frames, start);
      expect(got.map((o) => o.title)).toEqual(titles);
      expect(got.every((o) => o.action === 'insert')).toBe(true);
      const vs = got.map((o) => o.v);
      expect([...vs].sort((x, y) => x - y)).toEqual(vs);
    }
  });
});
