/**
 * Sync API: the NDJSON bootstrap, the op log over HTTP, and exactly-once REST writes with
 * `X-Client-Id` / `X-Client-Mutation-Id`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, joinAs } from './access-fixtures.ts';
import { streamBootstrap } from '../src/sync/bootstrap.ts';
import { loadScope } from '../src/sync/scope.ts';
import { api, createTestApp, createWorkspace, engine, signIn, type SignedIn, type TestApp } from './helpers.ts';
import { bootstrap, idsOf } from './sync-helpers.ts';

let t: TestApp;
let alice: SignedIn;
let bob: SignedIn;
let gina: SignedIn;
let eng: string;
let sec: string;
let engIssue: any;
let secIssue: any;
let opsWorkspace: string;

beforeAll(async () => {
  t = await createTestApp();
  alice = await signIn(t, 'alice@example.com');
  const ws = await createWorkspace(t, alice, 'Acme', 'ENG');
  eng = ws.team.id;
  bob = await joinAs(t, alice, 'bob@example.com', 'member');
  gina = await joinAs(t, alice, 'gina@example.com', 'guest');
  const s = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Security', key: 'SEC', isPrivate: true } });
  expect(s.status).toBe(201);
  sec = s.body.id;
  engIssue = (await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Public work' } })).body;
  secIssue = (await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'SEC', title: 'Secret work' } })).body;
  expect(secIssue.identifier).toBe('SEC-1');
  opsWorkspace = ws.workspace.id;
});
afterAll(async () => t?.close());

/** The workspace's current version, as the bootstrap header reports it. */
async function head(): Promise<number> {
  return (await bootstrap(t, alice)).header.version as number;
}

describe('GET /api/v1/sync/bootstrap', () => {
  it('refuses anonymous requests with 401', async () => {
    const r = await api(t.app, 'GET', '/api/v1/sync/bootstrap');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthenticated');
  });

  it('refuses a malformed clientId with 400 naming it', async () => {
    const r = await api(t.app, 'GET', '/api/v1/sync/bootstrap?clientId=has%20space', { as: alice });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toEqual({ field: '/query/clientId', message: 'clientId has an invalid format' });
  });

  it('streams NDJSON: header, every readable entity as REST presents it, trailer with counts', async () => {
    const b = await bootstrap(t, alice);
    expect(b.status).toBe(200);
    expect(b.contentType).toContain('application/x-ndjson');
    expect(b.header).toMatchObject({ protocol: 1, includeArchived: false });
    expect(b.header.version).toBeGreaterThan(0);
    expect(b.trailer.complete).toBe(true);
    const counts: Record<string, number> = {};
    for (const e of b.entities) counts[e.entity] = (counts[e.entity] ?? 0) + 1;
    expect(b.trailer.counts).toEqual(counts);
    expect(counts).toMatchObject({ workspace: 1, member: 3, team: 2, issue: 2, workflowState: 14 });
    expect(idsOf(b, 'team').sort()).toEqual([eng, sec].sort());
    // Same presenters as REST.
    const restIssue = await api(t.app, 'GET', `/api/v1/issues/${secIssue.id}`, { as: alice });
    expect(b.entities.find((e) => e.entity === 'issue' && e.data.id === secIssue.id)?.data).toEqual(restIssue.body);
    const restTeam = await api(t.app, 'GET', '/api/v1/teams/ENG', { as: alice });
    expect(b.entities.find((e) => e.entity === 'team' && e.data.id === eng)?.data).toEqual(restTeam.body);
    // Members carry public profiles: no e-mail addresses.
    for (const m of b.entities.filter((e) => e.entity === 'member')) expect(m.data).not.toHaveProperty('email');
  });

  it('leaves out private teams the member does not belong to, with their states, memberships and issues', async () => {
    const b = await bootstrap(t, bob);
    expect(idsOf(b, 'team')).toEqual([eng]);
    expect(idsOf(b, 'issue')).toEqual([engIssue.id]);
    expect(b.entities.filter((e) => e.entity === 'workflowState').every((e) => e.data.teamId === eng)).toBe(true);
    expect(b.entities.filter((e) => e.entity === 'teamMember').every((e) => e.data.teamId === eng)).toBe(true);
    expect(JSON.stringify(b.entities)).not.toContain('Secret work');
  });

  it('gives a guest only the teams they belong to', async () => {
    const rest = await api(t.app, 'GET', '/api/v1/teams', { as: gina });
    const hers = rest.body.data.map((x: { id: string }) => x.id).sort();
    expect(hers).not.toContain(sec);
    const b = await bootstrap(t, gina);
    expect(idsOf(b, 'team').sort()).toEqual(hers);
    expect(b.entities.filter((e) => e.data.teamId !== undefined && e.data.teamId !== null).every((e) => hers.includes(e.data.teamId))).toBe(true);
    expect(idsOf(b, 'member')).toHaveLength(3);
  });

  it('answers a token as it answers the session, and reports the client’s last mutation id', async () => {
    const token = await createToken(t, bob, { scopes: ['read'] });
    const b = await bootstrap(t, { token }, '?clientId=tab-1');
    expect(b.status).toBe(200);
    expect(idsOf(b, 'team')).toEqual([eng]);
    expect(b.header.lastMutationId).toBe(0);
  });

  it('omits archived issues unless includeArchived=true', async () => {
    const created = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Old news' } });
    expect((await api(t.app, 'POST', `/api/v1/issues/${created.body.id}/archive`, { as: alice })).status).toBe(200);
    expect(idsOf(await bootstrap(t, alice), 'issue')).not.toContain(created.body.id);
    const all = await bootstrap(t, alice, '?includeArchived=true');
    expect(all.header.includeArchived).toBe(true);
    expect(idsOf(all, 'issue')).toContain(created.body.id);
  });
});

describe('GET /api/v1/sync/ops', () => {
  it('refuses anonymous requests with 401', async () => {
    expect((await api(t.app, 'GET', '/api/v1/sync/ops?after=0')).status).toBe(401);
  });

  it('refuses a negative version with 400', async () => {
    const r = await api(t.app, 'GET', '/api/v1/sync/ops?after=-1', { as: alice });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toEqual({ field: '/query/after', message: 'after must be >= 0' });
  });

  it('answers 410 reset_required for a version ahead of the head', async () => {
    const r = await api(t.app, 'GET', '/api/v1/sync/ops?after=999999', { as: alice });
    expect(r.status).toBe(410);
    expect(r.body.code).toBe('reset_required');
  });

  it('pages whole versions from 0 to the head, gapless in version coverage', async () => {
    const h = await head();
    let after = 0;
    const versions: number[] = [];
    for (;;) {
      const r = await api(t.app, 'GET', `/api/v1/sync/ops?after=${after}&limit=3`, { as: alice });
      expect(r.status).toBe(200);
      expect(r.body.fromVersion).toBe(after);
      for (const op of r.body.ops) {
        expect(op.v).toBeGreaterThan(after);
        expect(op.v).toBeLessThanOrEqual(r.body.toVersion);
        versions.push(op.v);
      }
      after = r.body.toVersion;
      if (!r.body.more) break;
    }
    expect(after).toBe(h);
    // The owner reads everything: every version 1..head appears.
    expect([...new Set(versions)]).toEqual(Array.from({ length: h }, (_, i) => i + 1));
  });

  it('omits operations of private teams the caller cannot read, but still advances toVersion', async () => {
    const all = await api(t.app, 'GET', '/api/v1/sync/ops?after=0&limit=1000', { as: alice });
    const bobs = await api(t.app, 'GET', '/api/v1/sync/ops?after=0&limit=1000', { as: bob });
    expect(bobs.body.toVersion).toBe(all.body.toVersion);
    expect(all.body.ops.some((o: any) => o.id === secIssue.id)).toBe(true);
    expect(bobs.body.ops.some((o: any) => o.id === secIssue.id || o.id === sec)).toBe(false);
    expect(bobs.body.ops.every((o: any) => o.data === null || o.data.teamId === undefined || o.data.teamId === eng)).toBe(true);
    expect(bobs.body.teamIds).toEqual([eng]);
  });
});

describe('issue activity in the op log', () => {
  it('delivers comments, reactions (add and remove) and relation history of an issue to its readers only', async () => {
    const before = await head();
    const comment = await api(t.app, 'POST', `/api/v1/issues/${engIssue.id}/comments`, { as: alice, body: { body: '<p>Live</p>' } });
    expect(comment.status).toBe(201);
    const reaction = await api(t.app, 'POST', `/api/v1/issues/${engIssue.id}/reactions`, { as: alice, body: { emoji: '🎉' } });
    expect(reaction.status).toBe(201);
    expect((await api(t.app, 'DELETE', `/api/v1/reactions/${reaction.body.id}`, { as: alice })).status).toBe(204);
    // History events written through recordHistory (relations) travel as issueHistory operations.
    const other = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Related work' } });
    expect((await api(t.app, 'POST', `/api/v1/issues/${engIssue.id}/relations`, { as: alice, body: { type: 'related', relatedIssueId: other.body.id } })).status).toBe(201);
    const secret = await api(t.app, 'POST', `/api/v1/issues/${secIssue.id}/comments`, { as: alice, body: { body: '<p>Hidden</p>' } });
    expect(secret.status).toBe(201);

    const ops = (await api(t.app, 'GET', `/api/v1/sync/ops?after=${before}&limit=1000`, { as: bob })).body.ops as any[];
    const of = (entity: string) => ops.filter((o) => o.entity === entity).map((o) => [o.action, o.id]);
    expect(of('comment')).toEqual([['insert', comment.body.id]]);
    expect(ops.find((o) => o.entity === 'comment').data).toMatchObject({ id: comment.body.id, issueId: engIssue.id, body: '<p>Live</p>' });
    expect(of('reaction')).toEqual([['insert', reaction.body.id], ['delete', reaction.body.id]]);
    // The delete names its issue and emoji, for the summed counts a client shows.
    expect(ops.filter((o) => o.entity === 'reaction')[1].data).toMatchObject({ issueId: engIssue.id, emoji: '🎉', userId: reaction.body.userId });
    const history = ops.filter((o) => o.entity === 'issueHistory');
    expect(history.length).toBeGreaterThan(0);
    expect(history.map((o) => [o.action, o.data.kind, o.data.issueId]).sort()).toEqual(
      [['insert', 'relation_added', engIssue.id], ['insert', 'relation_added', other.body.id]].sort(),
    );
    // The private team's comment reaches its members only.
    expect(ops.some((o) => o.id === secret.body.id)).toBe(false);
    const mine = (await api(t.app, 'GET', `/api/v1/sync/ops?after=${before}&limit=1000`, { as: alice })).body.ops as any[];
    expect(mine.some((o) => o.entity === 'comment' && o.id === secret.body.id)).toBe(true);
  });
});

describe('exactly-once REST writes (X-Client-Id, X-Client-Mutation-Id)', () => {
  const headers = (id: number | string, extra: Record<string, string> = {}) => ({ 'x-client-id': 'cli-A', 'x-client-mutation-id': String(id), ...extra });

  it('refuses a malformed mutation id with 400 naming the header', async () => {
    const r = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'x' }, headers: headers('0') });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('invalid_client_mutation');
    expect(r.body.errors[0]).toEqual({ field: '/headers/x-client-mutation-id', message: 'X-Client-Mutation-Id must be a positive integer' });
    const lone = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'x' }, headers: { 'x-client-mutation-id': '1' } });
    expect(lone.status).toBe(400);
    expect(lone.body.errors[0].field).toBe('/headers/x-client-id');
  });

  it('applies a mutation once: a resend is refused (409) or, with its Idempotency-Key, replayed', async () => {
    const before = await head();
    const first = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Once' }, headers: headers(1, { 'idempotency-key': 'cli-A:1' }) });
    expect(first.status).toBe(201);
    expect(Number(first.headers['x-sync-version'])).toBe(before + 1);
    const replay = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Once' }, headers: headers(1, { 'idempotency-key': 'cli-A:1' }) });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const resend = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Once' }, headers: headers(1) });
    expect(resend.status).toBe(409);
    expect(resend.body.code).toBe('mutation_already_applied');
    expect(await head()).toBe(before + 1);
    const list = await api(t.app, 'GET', '/api/v1/issues?q=Once', { as: alice });
    expect(list.body.data.filter((i: any) => i.title === 'Once')).toHaveLength(1);
    // The op names the client mutation for its author only.
    const mine = await api(t.app, 'GET', `/api/v1/sync/ops?after=${before}`, { as: alice });
    expect(mine.body.ops.length).toBeGreaterThan(0);
    for (const op of mine.body.ops) expect(op.cm).toEqual({ clientId: 'cli-A', mutationId: 1 });
    const theirs = await api(t.app, 'GET', `/api/v1/sync/ops?after=${before}`, { as: bob });
    expect(theirs.body.ops.some((o: any) => o.entity === 'issue' && o.id === first.body.id)).toBe(true);
    for (const op of theirs.body.ops) expect(op).not.toHaveProperty('cm');
    expect((await bootstrap(t, alice, '?clientId=cli-A')).header.lastMutationId).toBe(1);
  });

  it('records a permanently rejected mutation, so its resend is a duplicate, not a second attempt', async () => {
    const r = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'NOPE', title: 'Lost' }, headers: headers(2) });
    expect(r.status).toBe(404);
    expect((await bootstrap(t, alice, '?clientId=cli-A')).header.lastMutationId).toBe(2);
    const again = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Lost' }, headers: headers(2) });
    expect(again.status).toBe(409);
    const next = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Third' }, headers: headers(3) });
    expect(next.status).toBe(201);
  });

  it('keeps counters per user: another user may use the same client id', async () => {
    const r = await api(t.app, 'POST', '/api/v1/issues', { as: bob, body: { teamId: 'ENG', title: 'Bob once' }, headers: headers(1) });
    expect(r.status).toBe(201);
  });
});

describe('bootstrap consistency', () => {
  it(`reflects its header version even while writes commit during the stream (${engine})`, async () => {
    const ops = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Operations', key: 'OPS' } });
    const opsTeam = ops.body.id as string;
    for (let i = 0; i < 9; i++) await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'OPS', title: `Snap ${i}` } });
    const last = (await api(t.app, 'GET', '/api/v1/issues/OPS-9', { as: alice })).body;
    const scope = (await loadScope(t.database.db, alice.userId, opsWorkspace))!;
    const chunks: string[] = [];
    let wrote = false;
    await streamBootstrap(t.database, scope, { includeArchived: false, pageSize: 2, chunkBytes: 1 }, {
      async write(chunk) {
        chunks.push(chunk);
        if (!wrote && chunk.includes('"entity":"issue"')) {
          // Commit while the snapshot is being read: an edit of an issue not sent yet, and a new issue.
          wrote = true;
          expect((await api(t.app, 'PATCH', `/api/v1/issues/${last.id}`, { as: alice, body: { title: 'Edited meanwhile' } })).status).toBe(200);
          expect((await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'OPS', title: 'Created meanwhile' } })).status).toBe(201);
        }
      },
    });
    expect(wrote).toBe(true);
    const lines = chunks.join('').trim().split('\n').map((l) => JSON.parse(l));
    const header = lines[0];
    const issues = new Map(lines.filter((l) => l.entity === 'issue' && l.data.teamId === opsTeam).map((l) => [l.data.id, l.data]));
    const after = await api(t.app, 'GET', `/api/v1/sync/ops?after=${header.version}`, { as: alice });
    expect(after.body.toVersion).toBe(header.version + 2);
    if (engine === 'postgres') {
      // One REPEATABLE READ snapshot: exactly the state at `version`.
      expect(issues.get(last.id)?.title).toBe('Snap 8');
      expect([...issues.values()].some((i) => i.title === 'Created meanwhile')).toBe(false);
    }
    // Either way, applying the operations after `version` gives exactly the current state.
    for (const op of after.body.ops) if (op.entity === 'issue' && op.data.teamId === opsTeam) issues.set(op.id, op.data);
    const fresh = await bootstrap(t, alice);
    expect(fresh.entities.filter((e) => e.entity === 'issue' && e.data.teamId === opsTeam).map((e) => e.data).sort((a, b) => a.number - b.number))
      .toEqual([...issues.values()].sort((a, b) => a.number - b.number));
  });
});
