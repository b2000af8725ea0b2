/**
 * 200 concurrent issue creations in one team: on PostgreSQL split across two server processes on
 * one database, on PGlite against one process (PGlite allows one process per data directory).
 * Two of the requests carry the same client-supplied id, so one of them must fail with 409 after
 * its transaction rolled back. Expect: 200 created, distinct numbers, no 5xx, and every
 * `GET /issues/ENG-n` resolves.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { api, createTestApp, createWorkspace, engine, signIn, type TestApp, createEmptyPostgresDatabase } from './helpers.ts';
import { type ServerProcess, sessionFetch, signInOver, startServer } from './process.ts';

const servers: ServerProcess[] = [];
let t: TestApp | undefined;
let dropDb: (() => Promise<void>) | undefined;
afterAll(async () => {
  for (const s of servers) await s.kill('SIGTERM');
  for (const s of servers) rmSync(s.dataDir, { recursive: true, force: true });
  await t?.close();
  await dropDb?.();
});

type Send = (path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: any }>;

async function storm(senders: Send[], teamId: string) {
  const sharedId = randomUUID();
  const requests = Array.from({ length: 201 }, (_, i) => {
    const body: Record<string, unknown> = { teamId, title: `Concurrent ${i}` };
    if (i === 7 || i === 150) body.id = sharedId;
    return senders[i % senders.length]!('/api/v1/issues', { method: 'POST', body });
  });
  const results = await Promise.all(requests);
  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  const created = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status !== 201);
  expect(created).toHaveLength(200);
  expect(refused.map((r) => r.status)).toEqual([409]);
  const numbers = created.map((r) => r.body.number as number);
  expect(new Set(numbers).size).toBe(200);
  for (const [i, r] of created.entries()) {
    const got = await senders[i % senders.length]!(`/api/v1/issues/${r.body.identifier}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(r.body.id);
  }
}

describe(`200 concurrent creations on ${engine}`, () => {
  it('allocates distinct numbers with no 5xx', async () => {
    if (engine === 'pglite') {
      t = await createTestApp();
      const owner = await signIn(t, 'storm@example.com');
      const ws = await createWorkspace(t, owner, 'Storm', 'ENG');
      const send: Send = (path, init = {}) => api(t!.app, init.method ?? 'GET', path, { as: owner, body: init.body });
      await storm([send], ws.team.id);
      return;
    }
    const pg = await createEmptyPostgresDatabase('exp_conc');
    dropDb = pg.drop;
    const env = { DATABASE_URL: pg.url };
    const [one, two] = await Promise.all([startServer({ env }), startServer({ env })]);
    servers.push(one!, two!);
    const cookie = await signInOver(one!, 'storm@example.com');
    const created = await sessionFetch(one!, cookie)('/api/v1/workspaces', { method: 'POST', body: { name: 'Storm', teamKey: 'ENG' } });
    expect(created.status).toBe(201);
    const teamId = ((await created.json()) as { team: { id: string } }).team.id;
    const tok = await sessionFetch(one!, cookie)('/api/v1/tokens', { method: 'POST', body: { name: 'storm', scopes: ['read', 'write'] } });
    const token = ((await tok.json()) as { value: string }).value;
    const via =
      (s: ServerProcess): Send =>
      async (path, init = {}) => {
        const r = await fetch(`${s.url}${path}`, {
          method: init.method ?? 'GET',
          headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
          body: init.body ? JSON.stringify(init.body) : undefined,
        });
        return { status: r.status, body: await r.json() };
      };
    await storm([via(one!), via(two!)], teamId);
  }, 180_000);
});
