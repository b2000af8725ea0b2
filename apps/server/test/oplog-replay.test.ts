/**
 * Property: replaying the op log from version 0 rebuilds exactly what the tables hold. fast-check
 * drives random sequences of API mutations (issues, labels, teams, states, members, moves, bulk
 * edits, archives, deletes); afterwards the fold of `sync_operation` (insert/update set the
 * post-image, delete removes) must deep-equal the owner's bootstrap of the same workspace, and the
 * versions must run 1..head without a gap.
 */
import fc from 'fast-check';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { syncOperation } from '@exponential/db';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

type Cmd =
  | { kind: 'createIssue'; title: string; priority: string }
  | { kind: 'updateIssue'; pick: number; title?: string; priority?: string; state?: number }
  | { kind: 'archive'; pick: number }
  | { kind: 'deleteIssue'; pick: number }
  | { kind: 'createLabel'; name: string }
  | { kind: 'labelIssue'; pick: number; label: number }
  | { kind: 'move'; pick: number; after: number }
  | { kind: 'bulkPriority'; picks: number[]; priority: string }
  | { kind: 'createTeam'; name: string }
  | { kind: 'addTeamMember' }
  | { kind: 'createState'; name: string }
  | { kind: 'renameTeam'; name: string };

const priority = fc.constantFrom('none', 'urgent', 'high', 'medium', 'low');
const word = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz '.split('')) }).filter((s) => s.trim().length > 0);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('createIssue' as const), title: word, priority }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('updateIssue' as const), pick: fc.nat(), title: fc.option(word, { nil: undefined }), priority: fc.option(priority, { nil: undefined }), state: fc.option(fc.nat(), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('archive' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteIssue' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('createLabel' as const), name: word }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('labelIssue' as const), pick: fc.nat(), label: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), after: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bulkPriority' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), priority }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('createTeam' as const), name: word }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addTeamMember' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('createState' as const), name: word }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameTeam' as const), name: word }) },
);

async function bootstrap(t: TestApp, who: SignedIn) {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/sync/bootstrap?includeArchived=true', headers: { cookie: `exponential_session=${who.cookie}` } });
  expect(res.statusCode).toBe(200);
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
  const header = lines[0];
  const byEntity = new Map<string, Map<string, unknown>>();
  for (const l of lines.slice(1, -1)) {
    const key = l.entity === 'teamMember' ? `${l.data.teamId}:${l.data.userId}` : l.data.id;
    if (!byEntity.has(l.entity)) byEntity.set(l.entity, new Map());
    byEntity.get(l.entity)!.set(key, l.data);
  }
  return { version: header.version as number, byEntity };
}

async function run(cmds: Cmd[]) {
  const t = await createTestApp();
  try {
    const owner = await signIn(t, 'replay-owner@example.com');
    const ws = await createWorkspace(t, owner, 'Replay', 'RPL');
    const other = await signIn(t, 'replay-member@example.com');
    await createWorkspace(t, other, 'Elsewhere', 'ELS');
    const as = { cookie: owner.cookie, workspace: ws.workspace.id };
    // The second member joins through the API (an invitation), so the op log sees it.
    expect((await api(t.app, 'POST', '/api/v1/invitations', { as, body: { email: other.email, role: 'member' } })).status).toBe(201);
    const invite = [...t.mailer.sent].reverse().find((m) => m.to === other.email)!;
    const token = /\/invite\/([^\s]+)/.exec(invite.text)![1]!;
    expect((await api(t.app, 'POST', '/api/v1/invitations/accept', { as: other, body: { token } })).status).toBe(200);
    const issues: string[] = [];
    const labels: string[] = [];
    const teams = [ws.team.id];
    const pick = <T>(xs: T[], n: number) => (xs.length ? xs[n % xs.length] : undefined);
    for (const c of cmds) {
      switch (c.kind) {
        case 'createIssue': {
          const r = await api(t.app, 'POST', '/api/v1/issues', { as, body: { teamId: ws.team.id, title: c.title, priority: c.priority } });
          expect(r.status).toBe(201);
          issues.push(r.body.id);
          break;
        }
        case 'updateIssue': {
          const id = pick(issues, c.pick);
          if (!id) break;
          const states = (await api(t.app, 'GET', `/api/v1/teams/${ws.team.id}/states`, { as })).body.data;
          const body: Record<string, unknown> = {};
          if (c.title) body.title = c.title;
          if (c.priority) body.priority = c.priority;
          if (c.state !== undefined) body.stateId = pick(states, c.state)!.id;
          if (!Object.keys(body).length) break;
          const r = await api(t.app, 'PATCH', `/api/v1/issues/${id}`, { as, body });
          expect([200, 404]).toContain(r.status);
          break;
        }
        case 'archive': {
          const id = pick(issues, c.pick);
          if (id) await api(t.app, 'POST', `/api/v1/issues/${id}/archive`, { as });
          break;
        }
        case 'deleteIssue': {
          const id = pick(issues, c.pick);
          if (!id) break;
          await api(t.app, 'DELETE', `/api/v1/issues/${id}`, { as });
          issues.splice(issues.indexOf(id), 1);
          break;
        }
        case 'createLabel': {
          const r = await api(t.app, 'POST', '/api/v1/labels', { as, body: { name: `${c.name} ${labels.length}`, color: '#00aa00' } });
          if (r.status === 201) labels.push(r.body.id);
          break;
        }
        case 'labelIssue': {
          const id = pick(issues, c.pick);
          const l = pick(labels, c.label);
          if (id && l) await api(t.app, 'PATCH', `/api/v1/issues/${id}`, { as, body: { labelIds: [l] } });
          break;
        }
        case 'move': {
          const id = pick(issues, c.pick);
          const after = pick(issues, c.after);
          if (id && after && id !== after) await api(t.app, 'POST', `/api/v1/issues/${id}/move`, { as, body: { afterId: after } });
          break;
        }
        case 'bulkPriority': {
          const ids = [...new Set(c.picks.map((p) => pick(issues, p)).filter(Boolean))];
          if (ids.length) await api(t.app, 'POST', '/api/v1/issues/bulk', { as, body: { issueIds: ids, update: { priority: c.priority } } });
          break;
        }
        case 'createTeam': {
          const r = await api(t.app, 'POST', '/api/v1/teams', { as, body: { name: c.name } });
          if (r.status === 201) teams.push(r.body.id);
          break;
        }
        case 'addTeamMember': {
          await api(t.app, 'POST', `/api/v1/teams/${pick(teams, teams.length - 1)}/members`, { as, body: { userId: other.userId } });
          break;
        }
        case 'createState': {
          await api(t.app, 'POST', `/api/v1/teams/${ws.team.id}/states`, { as, body: { name: `${c.name} s`, category: 'started' } });
          break;
        }
        case 'renameTeam': {
          await api(t.app, 'PATCH', `/api/v1/teams/${pick(teams, teams.length - 1)}`, { as, body: { name: c.name } });
          break;
        }
      }
    }
    const ops = await t.database.db
      .select()
      .from(syncOperation)
      .where(eq(syncOperation.workspaceId, ws.workspace.id))
      .orderBy(asc(syncOperation.version), asc(syncOperation.seq));
    const versions = [...new Set(ops.map((o) => o.version))];
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    const snap = await bootstrap(t, owner);
    expect(snap.version).toBe(versions.at(-1));
    const folded = new Map<string, Map<string, unknown>>();
    for (const o of ops) {
      if (!snap.byEntity.has(o.entity) && !['workspace', 'member', 'team', 'teamMember', 'workflowState', 'label', 'issue'].includes(o.entity)) continue;
      const data = o.data as Record<string, unknown> | null;
      const key = o.entity === 'teamMember' && data ? `${data.teamId}:${data.userId}` : o.entityId;
      if (!folded.has(o.entity)) folded.set(o.entity, new Map());
      const table = folded.get(o.entity)!;
      if (o.action === 'delete') table.delete(key);
      else table.set(key, data);
      // A deleted team takes its issues, states, labels and memberships with it (clients cascade).
      if (o.entity === 'team' && o.action === 'delete') {
        for (const e of ['issue', 'workflowState', 'label', 'teamMember']) {
          for (const [k, v] of folded.get(e) ?? []) if ((v as { teamId?: string }).teamId === o.entityId) folded.get(e)!.delete(k);
        }
      }
    }
    for (const entity of ['workspace', 'member', 'team', 'teamMember', 'workflowState', 'label', 'issue']) {
      const fromLog = Object.fromEntries([...(folded.get(entity) ?? new Map())].sort(([a], [b]) => a.localeCompare(b)));
      const fromDb = Object.fromEntries([...(snap.byEntity.get(entity) ?? new Map())].sort(([a], [b]) => a.localeCompare(b)));
      expect(fromLog, `${entity} rebuilt from the op log`).toEqual(fromDb);
    }
  } finally {
    await t.close();
  }
}

describe('op log replay', () => {
  it('rebuilds exactly what the tables hold, with gapless versions', async () => {
    await fc.assert(fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 25 }), run), { numRuns: 6 });
  }, 240_000);
});
