/**
 * Every route declares its auth mode and token scope (registering one without fails at start),
 * and the full route × auth table is pinned in a committed snapshot: adding a route or changing
 * its auth without updating `__snapshots__/route-auth.json` (vitest -u) fails CI.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import authPlugin from '../src/plugins/auth.ts';
import errorsPlugin from '../src/plugins/errors.ts';
import { createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('route auth declarations', () => {
  it('match the committed snapshot', async () => {
    const table = [...t.app.routeManifest]
      .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
      .map((r) => `${r.method.padEnd(7)} ${r.url.padEnd(56)} ${r.auth.padEnd(9)} ${r.scope ?? '-'}`)
      .join('\n');
    await expect(`${table}\n`).toMatchFileSnapshot('./__snapshots__/route-auth.txt');
  });

  it('refuses a route without a declared auth mode', async () => {
    const app = Fastify();
    await app.register(errorsPlugin);
    await app.register(authPlugin, { db: t.database.db, config: t.config, clock: t.clock });
    expect(() => app.get('/undeclared', async () => 'x')).toThrow(/declares no auth mode/);
    await app.close();
  });
});
