/**
 * Deferred schema compilation (lib/lazy-schemas.ts): compilers run on first use or in the
 * background, validation errors still reach Fastify, and an app built outside test mode (where
 * compilation is deferred) validates and serializes exactly as the eager one does.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { deferredCompilers } from '../src/lib/lazy-schemas.ts';
import { createMailer } from '../src/lib/mailer.ts';
import { createMemoryBus } from '../src/sync/bus.ts';
import { APP_URL, createTestApp, createTestDatabase, createWorkspace, signIn } from './helpers.ts';

describe('deferredCompilers', () => {
  it('compiles a validator on its first call only and passes its errors on', () => {
    const c = deferredCompilers();
    let compiled = 0;
    const ajv = new Ajv();
    const validate = c.validator(() => {
      compiled++;
      return ajv.compile({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });
    });
    expect(compiled).toBe(0);
    expect(c.pending).toBe(1);
    expect(validate({ n: 'x' })).toBe(false);
    expect((validate as unknown as { errors: Array<{ instancePath: string }> }).errors[0]!.instancePath).toBe('/n');
    expect(validate({ n: 1 })).toBe(true);
    expect((validate as unknown as { errors: unknown }).errors).toBeNull();
    expect(compiled).toBe(1);
    expect(c.pending).toBe(0);
  });

  it('compiles everything pending at once, or in the background past a failure', async () => {
    const c = deferredCompilers();
    const seen: string[] = [];
    c.serializer(() => {
      seen.push('a');
      return (p: unknown) => JSON.stringify(p);
    });
    const b = c.serializer(() => {
      seen.push('b');
      return (p: unknown) => `<${String(p)}>`;
    });
    c.compileAll();
    expect(seen).toEqual(['a', 'b']);
    expect(b('x')).toBe('<x>');
    expect(seen).toEqual(['a', 'b']);

    const d = deferredCompilers();
    d.serializer(() => {
      throw new Error('broken schema');
    });
    const ok = d.serializer(() => (p: unknown) => String(p));
    const errors: unknown[] = [];
    await d.compileInBackground((err) => errors.push(err));
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('broken schema');
    expect(d.pending).toBe(0);
    expect(ok(5)).toBe('5');
  });

  it('waits the given delay before compiling in the background', async () => {
    const c = deferredCompilers();
    let compiled = 0;
    c.serializer(() => {
      compiled++;
      return (p: unknown) => String(p);
    });
    const t0 = performance.now();
    const done = c.compileInBackground(() => {}, 60);
    await new Promise((r) => setTimeout(r, 20));
    expect(compiled).toBe(0);
    await done;
    expect(compiled).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });
});

/** Sends the same requests to an app built in `mode`: a bad body, a good one, a serialized answer. */
async function probe(mode: 'local' | 'test') {
  const database = await createTestDatabase();
  const config = { ...loadConfig({ NODE_ENV: 'test', EXPONENTIAL_APP_URL: APP_URL }), mode };
  const app = await buildApp({ config, database, bus: createMemoryBus(), mailer: createMailer({ from: 'test@localhost' }) });
  try {
    await app.ready();
    const headers = { 'content-type': 'application/json', origin: APP_URL };
    const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', headers, payload: { email: 12 } });
    const good = await app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', headers, payload: { email: 'a@example.com' } });
    const health = await app.inject({ method: 'GET', url: '/api/healthz' });
    return {
      bad: { status: bad.statusCode, type: bad.headers['content-type'], body: bad.json() },
      good: good.statusCode,
      health: { status: health.statusCode, body: health.json() },
    };
  } finally {
    await app.close();
    await database.close();
  }
}

describe('an app with deferred compilation', () => {
  it('validates and serializes exactly as one compiled while getting ready', async () => {
    const deferred = await probe('local');
    const eager = await probe('test');
    expect(deferred.bad.status).toBeGreaterThanOrEqual(400);
    expect(deferred.bad.status).toBeLessThan(500);
    expect(deferred.bad.type).toContain('application/problem+json');
    expect(deferred.bad.body.code).toBe('validation_failed');
    expect(JSON.stringify(deferred.bad.body.errors)).toContain('/body/email');
    expect(deferred.good).toBeLessThan(300);
    expect(deferred.health.status).toBe(200);
    const { instance: _a, ...badDeferred } = deferred.bad.body;
    const { instance: _b, ...badEager } = eager.bad.body;
    expect(badDeferred).toEqual(badEager);
    expect(deferred.bad.status).toBe(eager.bad.status);
    expect(deferred.good).toBe(eager.good);
    expect(deferred.health).toEqual(eager.health);
  });
});

describe('validation in plugin contexts', () => {
  it('is the app\'s own in every context: the import route (its own context, created before the last shared schema) refuses an unknown query parameter', async () => {
    const t = await createTestApp();
    try {
      const owner = await signIn(t, 'owner@example.com');
      const ws = await createWorkspace(t, owner);
      const send = (query: string) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/imports?${query}`,
          payload: 'ID,Team,Title\nUPA-1,Up,First\n',
          headers: { 'content-type': 'text/csv', cookie: `exponential_session=${owner.cookie}`, origin: APP_URL, 'x-workspace': ws.workspace.id },
        });
      expect((await send('format=linear-csv&dryRun=true')).statusCode).toBe(200);
      // Fastify's default validator (which that context used to get) removes unknown properties instead.
      const unknown = await send('format=linear-csv&dryRun=true&bogus=1');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json()).toMatchObject({ code: 'validation_failed' });
      expect(JSON.stringify(unknown.json().errors)).toContain('/query');
    } finally {
      await t.close();
    }
  });
});
