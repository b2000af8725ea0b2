/**
 * Test helpers: a fresh database per test file (PGlite from the run's template, or a PostgreSQL
 * database cloned from the run's template database and dropped afterwards), an app built on it,
 * an `api()` request helper, and factories that go through the real API (sign-in by magic link,
 * workspaces, teams, tokens).
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Database } from '@exponential/db';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { manualClock, type Clock } from '../src/lib/clock.ts';
import { createMailer, type Mailer } from '../src/lib/mailer.ts';
import { createMemoryBus, type Bus } from '../src/sync/bus.ts';
import { withDatabase } from './global-setup.ts';

/** Which engine this test run uses (`TEST_DB`, set per Vitest project). */
export const engine: 'pglite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** The app's origin in tests; cookie requests send it as Origin. */
export const APP_URL = 'http://localhost:7015';

/** A fresh, migrated database for one test file. Close it with `close()` (drops it on PostgreSQL). */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (engine === 'pglite') {
    const tar = readFileSync(inject('pgliteTemplate'));
    return openDatabase({ memory: true, loadDataDir: new Blob([tar]) });
  }
  const adminUrl = inject('pgAdminUrl');
  const name = `exp_t_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ url: adminUrl, max: 1 });
  await admin.postgres!.unsafe(`create database "${name}" template "${inject('pgTemplate')}"`);
  await admin.close();
  const url = withDatabase(adminUrl, name);
  const db = await openDatabase({ url, max: 8 });
  const close = db.close.bind(db);
  return Object.assign(db, {
    url,
    async close() {
      await close();
      const a = await openDatabase({ url: adminUrl, max: 1 });
      await a.postgres!.unsafe(`drop database if exists "${name}" with (force)`);
      await a.close();
    },
  });
}

/** What `createTestApp` returns. */
export interface TestApp {
  app: App;
  database: Database;
  mailer: Mailer;
  bus: Bus;
  clock: Clock & { advance(ms: number): void; set(d: Date): void };
  config: Config;
  close(): Promise<void>;
}

/** Builds the app on a fresh test database with a manual clock and an in-memory mailer. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', EXPONENTIAL_APP_URL: APP_URL, ...env });
  const mailer = createMailer({ from: 'test@localhost' });
  const bus = createMemoryBus();
  const clock = manualClock(new Date('2026-11-29T10:00:00.000Z'));
  const app = await buildApp({ config, database, bus, mailer, clock });
  await app.ready();
  return {
    app,
    database,
    mailer,
    bus,
    clock,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Credentials for `api()`: a session cookie or a bearer token. */
export type Who = { cookie: string; workspace?: string } | { token: string } | null;

/** Options of `api()`. */
export interface ApiOptions {
  as?: Who;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends a request through `app.inject`. Session requests carry the app's Origin (as a browser
 * would), so CSRF checks pass unless a test overrides `headers.origin`.
 * @returns status, parsed JSON body (or text), and headers
 */
export async function api(app: App, method: string, url: string, opts: ApiOptions = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const who = opts.as;
  if (who && 'cookie' in who) {
    headers.cookie = `exponential_session=${who.cookie}`;
    if (who.workspace) headers['x-workspace'] = who.workspace;
    if (!('origin' in headers)) headers.origin = APP_URL;
  } else if (who && 'token' in who) {
    headers.authorization = `Bearer ${who.token}`;
  }
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
  });
  let body: any = res.body;
  if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body) body = JSON.parse(res.body);
  return { status: res.statusCode, body, headers: res.headers };
}

let addressCounter = 0;
/** A distinct private IPv4 address per call (10.200.x.y), for requests that should not share per-IP limits. */
export function uniqueAddress(): string {
  addressCounter++;
  return `10.200.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

/** A signed-in user. */
export interface SignedIn {
  cookie: string;
  userId: string;
  email: string;
}

/** Signs `email` in through the real magic-link flow and returns the session cookie. */
export async function signIn(t: TestApp, email: string): Promise<SignedIn> {
  // Each sign-in comes from its own address so per-IP limits on public routes do not trip.
  const remoteAddress = uniqueAddress();
  const req = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', payload: { email }, remoteAddress });
  if (req.statusCode !== 202) throw new Error(`magic link request failed: ${req.statusCode} ${req.body}`);
  const msg = [...t.mailer.sent].reverse().find((m) => m.to === email.toLowerCase());
  const token = /token=([^\s&]+)/.exec(msg?.text ?? '')?.[1];
  if (!token) throw new Error('no magic link sent');
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token: decodeURIComponent(token) }, remoteAddress });
  if (res.statusCode !== 200) throw new Error(`verify failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'exponential_session');
  return { cookie: cookie!.value, userId: JSON.parse(res.body).userId, email: email.toLowerCase() };
}

/** Creates a workspace (and its first team) as `who`. */
export async function createWorkspace(t: TestApp, who: SignedIn, name = 'Acme', teamKey = 'ENG') {
  const res = await api(t.app, 'POST', '/api/v1/workspaces', { as: who, body: { name, teamName: 'Engineering', teamKey } });
  if (res.status !== 201) throw new Error(`workspace failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { workspace: { id: string; urlSlug: string }; team: { id: string; key: string } };
}

/**
 * An empty PostgreSQL database for server processes a test starts itself (they migrate it), with
 * the `DATABASE_URL` to give them and a `drop` to call afterwards.
 * @param prefix readable part of the database name
 */
export async function createEmptyPostgresDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const a = await openDatabase({ url: admin, max: 1 });
  await a.postgres!.unsafe(`create database "${name}"`);
  await a.close();
  return {
    url: withDatabase(admin, name),
    async drop() {
      const b = await openDatabase({ url: admin, max: 1 });
      await b.postgres!.unsafe(`drop database if exists "${name}" with (force)`);
      await b.close();
    },
  };
}
