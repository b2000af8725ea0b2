/**
 * A write the API acknowledged survives `kill -9` of the server, on PGlite (data directory) and on
 * PostgreSQL: teams created one by one (each 201 awaited) are all there after a restart, and the
 * stale PGlite lock file left by the killed process is taken over.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { engine, createEmptyPostgresDatabase } from './helpers.ts';
import { type ServerProcess, sessionFetch, signInOver, startServer } from './process.ts';

const started: ServerProcess[] = [];
let dropDb: (() => Promise<void>) | undefined;
afterAll(async () => {
  for (const s of started) await s.kill('SIGKILL');
  for (const s of started) rmSync(s.dataDir, { recursive: true, force: true });
  await dropDb?.();
});

async function serverEnv(): Promise<Record<string, string>> {
  if (engine === 'pglite') return {};
  const pg = await createEmptyPostgresDatabase('exp_dur');
  dropDb = pg.drop;
  return { DATABASE_URL: pg.url };
}

describe(`durability on ${engine}`, () => {
  it('keeps every acknowledged write across kill -9', async () => {
    const env = await serverEnv();
    const first = await startServer({ env });
    started.push(first);
    const cookie = await signInOver(first, 'durable@example.com');
    const call = sessionFetch(first, cookie);
    expect((await call('/api/v1/workspaces', { method: 'POST', body: { name: 'Durable', teamKey: 'DUR' } })).status).toBe(201);
    const acknowledged: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await call('/api/v1/teams', { method: 'POST', body: { name: `Team ${i}`, key: `T${i}` } });
      expect(r.status).toBe(201);
      acknowledged.push(((await r.json()) as { id: string }).id);
    }
    // More writes in flight while the process dies: they may or may not land, but nothing acknowledged is lost.
    const inflight = Array.from({ length: 5 }, (_, i) => call('/api/v1/teams', { method: 'POST', body: { name: `Late ${i}`, key: `L${i}` } }).catch(() => null));
    await first.kill('SIGKILL');
    await Promise.all(inflight);

    const second = await startServer({ env, dataDir: first.dataDir });
    started.push(second);
    const list = await sessionFetch(second, cookie)('/api/v1/teams');
    expect(list.status).toBe(200);
    const ids = new Set(((await list.json()) as { data: Array<{ id: string }> }).data.map((t) => t.id));
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    await second.kill('SIGTERM');
  }, 90_000);
});
