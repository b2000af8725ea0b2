/**
 * A subscribed sync client survives its server being paused for 5 s (SIGSTOP/SIGCONT) and being
 * killed with SIGKILL and restarted: meanwhile another client creates an issue, edits a second and
 * deletes a third; within seconds of the server answering again the client's store equals a fresh
 * bootstrap, with no operation applied twice. On PostgreSQL the writes go through a second server
 * process (Redis fan-out) while the first is down; on PGlite (one process per data directory)
 * they go through the same server once it answers.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectConverged, quiesce, startClient } from '../../../packages/sdk/test/harness.ts';
import { engine, createEmptyPostgresDatabase } from './helpers.ts';
import { type ServerProcess, sessionFetch, signInOver, startServer } from './process.ts';

const servers: ServerProcess[] = [];
const stops: Array<() => void> = [];
let dropDb: (() => Promise<void>) | undefined;
afterAll(async () => {
  for (const s of stops) s();
  for (const s of servers) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGCONT');
    await s.kill('SIGKILL');
  }
  for (const s of servers) rmSync(s.dataDir, { recursive: true, force: true });
  await dropDb?.();
});

async function env(): Promise<Record<string, string>> {
  if (engine === 'pglite') return {};
  const pg = await createEmptyPostgresDatabase('exp_faults');
  dropDb = pg.drop;
  return { DATABASE_URL: pg.url, REDIS_URL: 'redis://127.0.0.1:6379' };
}

const bearer = (url: string, token: string) => async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
};

describe(`sync through server faults (${engine})`, () => {
  it('converges after a 5 s pause and after SIGKILL and restart', async () => {
    const e = await env();
    const main = await startServer({ env: e });
    servers.push(main);
    const other = engine === 'postgres' ? await startServer({ env: e }) : null;
    if (other) servers.push(other);
    const cookie = await signInOver(main, 'faults@example.com');
    expect((await sessionFetch(main, cookie)('/api/v1/workspaces', { method: 'POST', body: { name: 'Faults', teamKey: 'ENG' } })).status).toBe(201);
    const tok = await sessionFetch(main, cookie)('/api/v1/tokens', { method: 'POST', body: { name: 'faults', scopes: ['read', 'write'] } });
    const token = ((await tok.json()) as { value: string }).value;
    const viaMain = bearer(main.url, token);
    const seed = async () => ({
      edit: (await viaMain('POST', '/api/v1/issues', { teamId: 'ENG', title: 'To edit' })).body.id as string,
      doomed: (await viaMain('POST', '/api/v1/issues', { teamId: 'ENG', title: 'To delete' })).body.id as string,
    });

    const c = await startClient(main.url, token, { backoffBaseMs: 50, backoffMaxMs: 500 });
    stops.push(() => c.client.stop());

    // 1. The server stops answering for 5 s while another client writes.
    let ids = await seed();
    await quiesce(main.url, token, [c.client]);
    main.child.kill('SIGSTOP');
    const writer = bearer(other?.url ?? main.url, token);
    const writes = Promise.all([
      writer('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Made during the pause' }),
      writer('PATCH', `/api/v1/issues/${ids.edit}`, { title: 'Edited during the pause' }),
      writer('DELETE', `/api/v1/issues/${ids.doomed}`),
    ]);
    await new Promise((r) => setTimeout(r, 5000));
    main.child.kill('SIGCONT');
    const [made, edited, deleted] = await writes;
    expect([made.status, edited.status, deleted.status]).toEqual([201, 200, 204]);
    await quiesce(main.url, token, [c.client], 20_000);
    expect(c.client.store.get('issue', made.body.id)?.title).toBe('Made during the pause');
    expect(c.client.store.get('issue', ids.edit)?.title).toBe('Edited during the pause');
    expect(c.client.store.get('issue', ids.doomed)).toBeUndefined();
    await expectConverged(main.url, token, c);

    // 2. The server is killed (SIGKILL) and started again on the same address.
    ids = await seed();
    await quiesce(main.url, token, [c.client]);
    await main.kill('SIGKILL');
    if (other) {
      const w = bearer(other.url, token);
      expect((await w('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Made while down' })).status).toBe(201);
      expect((await w('PATCH', `/api/v1/issues/${ids.edit}`, { title: 'Edited while down' })).status).toBe(200);
      expect((await w('DELETE', `/api/v1/issues/${ids.doomed}`)).status).toBe(204);
    }
    const again = await startServer({ env: e, dataDir: main.dataDir, port: main.port });
    servers.push(again);
    if (!other) {
      const w = bearer(again.url, token);
      expect((await w('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Made while down' })).status).toBe(201);
      expect((await w('PATCH', `/api/v1/issues/${ids.edit}`, { title: 'Edited while down' })).status).toBe(200);
      expect((await w('DELETE', `/api/v1/issues/${ids.doomed}`)).status).toBe(204);
    }
    await quiesce(again.url, token, [c.client], 20_000);
    const titles = c.client.store.all('issue').map((i) => i.title);
    expect(titles).toContain('Made while down');
    expect(c.client.store.get('issue', ids.edit)?.title).toBe('Edited while down');
    expect(c.client.store.get('issue', ids.doomed)).toBeUndefined();
    await expectConverged(again.url, token, c);
  }, 120_000);
});
