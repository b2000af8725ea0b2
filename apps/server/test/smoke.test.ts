/**
 * The production smoke checks (deploy/smoke.sh) pass against a real production-mode start of the
 * built bundle (apps/server/dist/server.mjs, as the container runs it):
 * NODE_ENV=production on PostgreSQL with an https app URL, a session secret and a metrics token.
 * On PGlite, production mode must refuse to start without DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engine, createEmptyPostgresDatabase } from './helpers.ts';
import { type ServerProcess, startServer } from './process.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const servers: ServerProcess[] = [];
let dropDb: (() => Promise<void>) | undefined;
afterAll(async () => {
  for (const s of servers) {
    await s.kill('SIGTERM');
    rmSync(s.dataDir, { recursive: true, force: true });
  }
  await dropDb?.();
});

describe(`production smoke (${engine})`, () => {
  it(engine === 'postgres' ? 'passes deploy/smoke.sh against a production start' : 'refuses a production start without DATABASE_URL', async () => {
    const secrets = { EXPONENTIAL_SESSION_SECRET: randomBytes(32).toString('hex'), EXPONENTIAL_METRICS_TOKEN: randomBytes(24).toString('hex') };
    if (engine === 'pglite') {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: '', EXPONENTIAL_APP_URL: 'https://tracker.example.test', ...secrets },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).toBe(78);
      expect(r.stderr).toContain('DATABASE_URL is required in production');
      return;
    }
    const pg = await createEmptyPostgresDatabase('exp_smoke');
    dropDb = pg.drop;
    const server = await startServer({
      entry: 'bundle',
      env: { NODE_ENV: 'production', DATABASE_URL: pg.url, EXPONENTIAL_APP_URL: 'https://tracker.example.test', ...secrets },
    });
    servers.push(server);
    const webBuilt = existsSync(path.join(root, 'apps/web/dist/index.html'));
    expect(webBuilt, 'the web app must be built before the suite (scripts/test.mjs builds it)').toBe(true);
    const smoke = spawnSync('bash', ['deploy/smoke.sh'], {
      cwd: root,
      env: { ...process.env, BASE_URL: server.url, METRICS_TOKEN: secrets.EXPONENTIAL_METRICS_TOKEN },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(smoke.stderr).toBe('');
    expect(smoke.stdout).toContain('smoke: OK');
    expect(smoke.status).toBe(0);
  }, 90_000);
});
