import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, createWorkspace, signIn, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('health', () => {
  it('answers healthz and readyz', async () => {
    expect((await api(t.app, 'GET', '/api/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api(t.app, 'GET', '/api/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });
});

describe('workspaces and teams', () => {
  it('creates a workspace with an owner and a first team with default states', async () => {
    const alice = await signIn(t, 'alice@example.com');
    const ws = await createWorkspace(t, alice, 'Acme Corp');
    expect(ws.workspace.urlSlug).toBe('acme-corp');
    expect(ws.team.key).toBe('ENG');
    const me = await api(t.app, 'GET', '/api/v1/me', { as: alice });
    expect(me.body.role).toBe('owner');
    const states = await api(t.app, 'GET', `/api/v1/teams/${ws.team.key}/states`, { as: alice });
    expect(states.status).toBe(200);
    expect(states.body.data.map((s: { name: string }) => s.name)).toEqual([
      'Backlog', 'Todo', 'In Progress', 'In Review', 'Done', 'Canceled', 'Duplicate',
    ]);
    const defaults = states.body.data.filter((s: { isDefault: boolean }) => s.isDefault).map((s: { category: string }) => s.category);
    expect(defaults.sort()).toEqual(['backlog', 'canceled', 'completed', 'started', 'unstarted']);
  });

  it('rejects unauthenticated requests with problem+json', async () => {
    const res = await api(t.app, 'GET', '/api/v1/teams');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('unauthenticated');
  });

  it('names the field at fault on bad input', async () => {
    const bob = await signIn(t, 'bob@example.com');
    await createWorkspace(t, bob, 'Bobs');
    const res = await api(t.app, 'POST', '/api/v1/teams', { as: bob, body: { name: 'x'.repeat(101) } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toEqual({ field: '/body/name', message: 'name must be at most 100 characters (Unicode code points)' });
    const nul = await api(t.app, 'POST', '/api/v1/teams', { as: bob, body: { name: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0].field).toBe('/body/name');
  });
});
