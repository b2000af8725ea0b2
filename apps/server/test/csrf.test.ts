/**
 * Cross-site request forgery (plugins/auth.ts): cookie-authenticated unsafe requests need an
 * allowed Origin (or, without one, an allowed Referer); `Sec-Fetch-Site: cross-site` and the
 * opaque `Origin: null` are refused; an empty allow-list fails closed (`csrf_unconfigured`);
 * bearer requests are exempt; and no GET route changes state (no sync operation is written).
 */
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, syncOperation, team, workspace } from '@exponential/db';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { manualClock } from '../src/lib/clock.ts';
import { createMailer } from '../src/lib/mailer.ts';
import { createMemoryBus } from '../src/sync/bus.ts';
import { APP_URL, api, createTestApp, createTestDatabase, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';
import { captureStream, insertToken } from './security-fixtures.ts';

let t: TestApp;
let alice: SignedIn;
let pat: { token: string };
let wsId: string;
beforeAll(async () => {
  t = await createTestApp({ EXPONENTIAL_ALLOWED_ORIGINS: 'https://desktop.example.com' });
  alice = await signIn(t, 'alice@example.com');
  wsId = (await createWorkspace(t, alice, 'Acme')).workspace.id;
  pat = { token: (await insertToken(t.database.db, { workspaceId: wsId, userId: alice.userId })).token };
});
afterAll(async () => t?.close());

async function teamCount(): Promise<number> {
  const [{ n }] = (await t.database.db.select({ n: count() }).from(team).where(eq(team.workspaceId, wsId))) as [{ n: number }];
  return Number(n);
}

let keySeq = 0;
/** A cookie request creating a team, with the given headers (no default Origin). */
function createTeam(headers: Record<string, string>) {
  keySeq++;
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/teams',
    headers: { cookie: `exponential_session=${alice.cookie}`, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ name: `Team ${keySeq}`, key: `T${keySeq}` }),
  });
}

describe('cookie-authenticated unsafe requests', () => {
  it('pass from the app’s own origin or another configured origin', async () => {
    expect((await createTeam({ origin: APP_URL })).statusCode).toBe(201);
    expect((await createTeam({ origin: 'https://desktop.example.com' })).statusCode).toBe(201);
    expect((await createTeam({ origin: APP_URL, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
  });

  it('fall back to the Referer when there is no Origin', async () => {
    expect((await createTeam({ referer: `${APP_URL}/acme/team/ENG` })).statusCode).toBe(201);
    const evil = await createTeam({ referer: 'https://evil.example/page' });
    expect(evil.statusCode).toBe(403);
    expect(JSON.parse(evil.body).code).toBe('csrf_origin');
  });

  it('are refused — and write nothing — without an allowed origin', async () => {
    const before = await teamCount();
    const cases: Array<Record<string, string>> = [
      {},
      { origin: 'https://evil.example' },
      { origin: 'http://localhost:7016' },
      { origin: 'HTTP://LOCALHOST:7015.evil.example' },
      { origin: 'null' },
      { origin: 'null', referer: `${APP_URL}/` },
      { origin: APP_URL, 'sec-fetch-site': 'cross-site' },
      { referer: 'not a url' },
    ];
    for (const headers of cases) {
      const res = await createTeam(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      const body = JSON.parse(res.body);
      expect(body.code).toBe('csrf_origin');
      // The detail names what would pass, so a misconfigured deployment is fixable from the error.
      expect(body.detail).toBe(`Cross-site request refused: the Origin is not allowed; allowed: ${APP_URL}, https://desktop.example.com`);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await teamCount()).toBe(before);
  });

  it('apply to PATCH, PUT and DELETE too', async () => {
    const patch = await api(t.app, 'PATCH', '/api/v1/workspaces/current', { as: alice, body: { name: 'Evil' }, headers: { origin: 'https://evil.example' } });
    expect(patch.status).toBe(403);
    const del = await api(t.app, 'DELETE', '/api/v1/teams/ENG', { as: alice, headers: { origin: 'https://evil.example' } });
    expect(del.status).toBe(403);
    const [ws] = await t.database.db.select({ name: workspace.name }).from(workspace).where(eq(workspace.id, wsId));
    expect(ws!.name).toBe('Acme');
    expect((await api(t.app, 'GET', '/api/v1/teams/ENG', { as: alice })).status).toBe(200);
  });

  it('do not apply to safe methods, which a cross-site page may trigger but which change nothing', async () => {
    const res = await api(t.app, 'GET', '/api/v1/teams', { as: alice, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
  });
});

describe('bearer requests', () => {
  it('are exempt: a token is never sent by a browser on its own', async () => {
    const res = await api(t.app, 'POST', '/api/v1/teams', {
      as: pat,
      body: { name: 'From CI', key: 'CI' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(201);
  });
});

describe('sign-in (login CSRF)', () => {
  it('refuses a magic-link request or verification from another site', async () => {
    const req = await api(t.app, 'POST', '/api/v1/auth/magic-link', { body: { email: 'victim@example.com' }, headers: { origin: 'https://evil.example' } });
    expect(req.status).toBe(403);
    expect(req.body.code).toBe('csrf_origin');
    expect(req.body.detail).toBe(`Cross-site sign-in refused: the Origin is not allowed; allowed: ${APP_URL}, https://desktop.example.com`);
    const verify = await api(t.app, 'POST', '/api/v1/auth/magic-link/verify', { body: { token: 'ml_x' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(verify.status).toBe(403);
  });
});

describe('no allowed origin configured', () => {
  it('says so at start, then fails closed with csrf_unconfigured for cookie requests; tokens and reads still work', async () => {
    const log = captureStream();
    const database = await createTestDatabase();
    const base = loadConfig({ NODE_ENV: 'test', EXPONENTIAL_APP_URL: APP_URL });
    const mailer = createMailer({ from: 'test@localhost' });
    const deps = { database, bus: createMemoryBus(), mailer, clock: manualClock(new Date('2026-11-29T10:00:00.000Z')) };
    // First an app with the normal list, to create a user, a workspace and a token through the API.
    const setup = await buildApp({ ...deps, config: base });
    await setup.ready();
    const owner = await signIn({ app: setup, mailer } as unknown as TestApp, 'solo@example.com');
    const ws = await createWorkspace({ app: setup } as unknown as TestApp, owner, 'Solo', 'SOL');
    const { token } = await insertToken(database.db, { workspaceId: ws.workspace.id, userId: owner.userId });
    await setup.close();
    // Then the same data served with an empty allow-list.
    const app = await buildApp({ ...deps, config: { ...base, allowedOrigins: [] }, logger: { level: 'warn', stream: log.stream } });
    await app.ready();
    try {
      expect(log.text()).toContain('csrf_unconfigured');
      for (const headers of [{ origin: APP_URL }, {}, { referer: `${APP_URL}/` }]) {
        const res = await api(app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Nope', key: 'NOPE' }, headers });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('csrf_unconfigured');
      }
      expect((await api(app, 'GET', '/api/v1/teams', { as: owner })).status).toBe(200);
      expect((await api(app, 'POST', '/api/v1/teams', { as: { token }, body: { name: 'Via token', key: 'TOK' } })).status).toBe(201);
    } finally {
      await app.close();
      await database.close();
    }
  }, 90_000); // two apps are built, each compiling every route schema (test mode)

  it('cannot arise from configuration: the app URL is always an allowed origin', () => {
    const prod = loadConfig({
      NODE_ENV: 'production',
      EXPONENTIAL_APP_URL: 'https://tracker.example.com/',
      DATABASE_URL: 'postgres://u@db/exponential',
      EXPONENTIAL_SESSION_SECRET: 's'.repeat(48),
    });
    expect(prod.allowedOrigins).toEqual(['https://tracker.example.com']);
  });
});

describe('GET never changes state', () => {
  it('walks every registered GET route and finds no sync operation written and no version moved', async () => {
    const issue = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Walk me' } });
    expect(issue.status).toBe(201);
    const [tm] = await t.database.db.select({ id: team.id }).from(team).where(eq(team.workspaceId, wsId)).limit(1);
    const values: Record<string, string> = {
      teamId: tm!.id,
      issueId: issue.body.id,
      provider: 'google',
    };
    const ops = async () => {
      const [{ n }] = (await t.database.db.select({ n: count() }).from(syncOperation)) as [{ n: number }];
      const [{ v }] = (await queryRows<{ v: number }>(t.database.db, sql`select coalesce(sum(version), 0)::int as v from workspace`)) as [{ v: number }];
      return { ops: Number(n), versions: Number(v) };
    };
    const before = await ops();
    const routes = t.app.routeManifest.filter((r) => r.method === 'GET');
    expect(routes.length).toBeGreaterThan(20);
    const statuses: string[] = [];
    for (const r of routes) {
      if (r.url === '/api/v1/sync/ws') continue; // WebSocket upgrade: covered by the sync tests
      const url = r.url.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? '0190f6a0-0000-7000-8000-0000000000aa');
      const credentials: Array<Record<string, string>> = [
        { cookie: `exponential_session=${alice.cookie}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        { authorization: `Bearer ${pat.token}` },
        {},
      ];
      for (const headers of credentials) {
        const res = await t.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url}`).toBeLessThan(500);
        statuses.push(`${res.statusCode} ${url}`);
      }
    }
    expect(await ops()).toEqual(before);
    expect(statuses.filter((s) => s.startsWith('200')).length).toBeGreaterThan(20);
  });
});
