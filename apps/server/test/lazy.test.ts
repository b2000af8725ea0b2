/**
 * Modules loaded on first use (lib/lazy.ts): loaded once, and a load that fails is a logged 500
 * problem for the request that needed it (not a crash), retried by the next one. openid-client and
 * nodemailer are replaced here by modules whose loading throws, as a missing or broken package would.
 */
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { lazyImport } from '../src/lib/lazy.ts';
import { createMailer } from '../src/lib/mailer.ts';
import { createMemoryBus } from '../src/sync/bus.ts';
import { APP_URL, createTestDatabase } from './helpers.ts';

vi.mock('openid-client', () => {
  throw new Error('simulated broken package');
});
vi.mock('nodemailer', () => {
  throw new Error('simulated broken package');
});

describe('lazyImport', () => {
  it('loads on the first call only and hands every caller the same module', async () => {
    let loads = 0;
    const load = lazyImport('thing', async () => {
      loads++;
      return { n: 1 };
    });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('rejects with the name and the cause when loading fails, and loads again on the next call', async () => {
    let loads = 0;
    const cause = new Error('missing');
    const load = lazyImport('thing', async () => {
      loads++;
      if (loads === 1) throw cause;
      return 'ok';
    });
    const err = await load().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('Could not load thing');
    expect((err as Error).cause).toBe(cause);
    expect(await load()).toBe('ok');
    expect(loads).toBe(2);
  });
});

describe('a route whose module fails to load', () => {
  it('answers a logged 500 problem, and the server goes on serving', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const database = await createTestDatabase();
    const config = loadConfig({
      NODE_ENV: 'test',
      EXPONENTIAL_APP_URL: APP_URL,
      EXPONENTIAL_OIDC_ISSUER: 'http://127.0.0.1:9/',
      EXPONENTIAL_OIDC_CLIENT_ID: 'exponential',
      EXPONENTIAL_OIDC_CLIENT_SECRET: 'a-long-enough-client-secret-for-tests',
    });
    const app = await buildApp({ config, database, bus: createMemoryBus(), mailer: createMailer({ from: 'test@localhost' }), logger: { level: 'error', stream } });
    try {
      await app.ready();
      for (let i = 0; i < 2; i++) {
        const r = await app.inject({ method: 'GET', url: '/api/v1/auth/oidc/oidc/start' });
        expect(r.statusCode).toBe(500);
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(r.json()).toMatchObject({ status: 500, code: 'internal_error' });
        expect(r.body).not.toContain('simulated');
      }
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; err?: { message: string } }).filter((l) => l.msg === 'unhandled error');
      expect(logged).toHaveLength(2);
      // pino's error serializer appends the cause's message.
      expect(logged[0]!.err!.message).toMatch(/^Could not load openid-client: .*simulated broken package$/);
      expect((await app.inject({ method: 'GET', url: '/api/healthz' })).statusCode).toBe(200);
      // The providers list needs no library and still answers.
      expect((await app.inject({ method: 'GET', url: '/api/v1/auth/providers' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('mail: the send that needs nodemailer rejects, naming it', async () => {
    const outboxDir = `/tmp/exp-lazy-outbox-${process.pid}`;
    const mailer = createMailer({ from: 'test@localhost', outboxDir });
    await expect(mailer.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow('Could not load nodemailer');
    // Without a transport to build (no SMTP server, no outbox), nothing is loaded and nothing fails.
    await expect(createMailer({ from: 'test@localhost' }).send({ to: 'a@example.com', subject: 's', text: 't' })).resolves.toBeUndefined();
  });
});
