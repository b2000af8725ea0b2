import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { addLabel, addMember, type Actor, createIssue, footprint, newWorkspace, statesByName, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let B: Ws;
let eve: Actor;
const a: { issue: string; ident: string; state: string; label: string; user: string; teamLabel: string } = {} as never;
let bIssue: { id: string; identifier: string };
let bOther: { id: string; identifier: string };

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@acme.test', 'Acme', 'ENG');
  B = await newWorkspace(t, 'bob@beta.test', 'Beta', 'OPS');
  // Eve is a member of workspace B only; everything below she sends comes from workspace A.
  eve = await addMember(t, B, 'eve@beta.test', 'member', [B.teamId]);
  const issue = await createIssue(t, A.owner, { teamId: 'ENG', title: 'A secret' });
  a.issue = issue.id;
  a.ident = issue.identifier;
  a.state = (await statesByName(t, A.teamId)).Todo!.id;
  a.label = await addLabel(t, A, 'A label');
  a.teamLabel = await addLabel(t, A, 'A team label', { teamId: A.teamId });
  a.user = A.owner.userId;
  bIssue = await createIssue(t, eve, { teamId: 'OPS', title: 'B issue' });
  bOther = await createIssue(t, eve, { teamId: 'OPS', title: 'B other' });
});
afterAll(async () => {
  await t?.close();
});

type Case = [method: string, url: string, body: object | undefined, status: number, field: string];

describe('ids from another workspace', () => {
  it('are 404 (or 422) naming the id, in paths and bodies, and nothing changes in either workspace', async () => {
    const beforeA = await footprint(t, A.wsId);
    const beforeB = await footprint(t, B.wsId);
    const issue = `/api/v1/issues/${bIssue.id}`;
    const cases: Case[] = [
      ['GET', `/api/v1/issues/${a.issue}`, undefined, 404, '/params/issueId'],
      ['PATCH', `/api/v1/issues/${a.issue}`, { title: 'pwned' }, 404, '/params/issueId'],
      ['PATCH', `/api/v1/issues/${a.ident}`, { title: 'pwned' }, 404, '/params/issueId'],
      ['DELETE', `/api/v1/issues/${a.issue}`, undefined, 404, '/params/issueId'],
      ['POST', `/api/v1/issues/${a.issue}/archive`, undefined, 404, '/params/issueId'],
      ['POST', `/api/v1/issues/${a.issue}/unarchive`, undefined, 404, '/params/issueId'],
      ['POST', `/api/v1/issues/${a.issue}/move`, { afterId: null }, 404, '/params/issueId'],
      ['POST', '/api/v1/issues', { teamId: A.teamId, title: 'x' }, 404, '/body/teamId'],
      ['POST', '/api/v1/issues', { teamId: 'ENG', title: 'x' }, 404, '/body/teamId'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', stateId: a.state }, 404, '/body/stateId'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', labelIds: [a.label] }, 404, '/body/labelIds/0'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', labelIds: [a.teamLabel] }, 404, '/body/labelIds/0'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', assigneeId: a.user }, 404, '/body/assigneeId'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', parentId: a.issue }, 404, '/body/parentId'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', parentId: a.ident }, 404, '/body/parentId'],
      ['POST', '/api/v1/issues', { teamId: 'OPS', title: 'x', afterId: a.issue }, 404, '/body/afterId'],
      ['PATCH', issue, { stateId: a.state }, 404, '/body/stateId'],
      ['PATCH', issue, { labelIds: [a.label] }, 404, '/body/labelIds/0'],
      ['PATCH', issue, { addedLabelIds: [a.teamLabel] }, 404, '/body/addedLabelIds/0'],
      ['PATCH', issue, { assigneeId: a.user }, 404, '/body/assigneeId'],
      ['PATCH', issue, { parentId: a.issue }, 404, '/body/parentId'],
      ['PATCH', issue, { teamId: A.teamId }, 404, '/body/teamId'],
      ['PATCH', issue, { title: 'ok', beforeId: a.issue }, 404, '/body/beforeId'],
      ['POST', `${issue}/move`, { afterId: a.issue }, 404, '/body/afterId'],
      ['POST', '/api/v1/issues/bulk', { issueIds: [bIssue.id, a.issue], update: { priority: 'low' } }, 404, '/body/issueIds/1'],
      ['POST', '/api/v1/issues/bulk', { issueIds: [bIssue.identifier, a.ident], update: { priority: 'low' } }, 404, '/body/issueIds/1'],
      ['POST', '/api/v1/issues/bulk', { issueIds: [bIssue.id, bOther.id], update: { stateId: a.state } }, 404, '/body/update/stateId'],
      ['POST', '/api/v1/issues/bulk', { issueIds: [bIssue.id, bOther.id], update: { labelIds: [a.label] } }, 404, '/body/update/labelIds/0'],
      ['POST', '/api/v1/issues/bulk', { issueIds: [bIssue.id, bOther.id], update: { assigneeId: a.user } }, 404, '/body/update/assigneeId'],
      ['GET', `/api/v1/issues?teamId=${A.teamId}`, undefined, 404, '/query/teamId'],
      ['GET', `/api/v1/issues?parentId=${a.issue}`, undefined, 404, '/query/parentId'],
    ];
    for (const [method, url, body, status, field] of cases) {
      const res = await api(t.app, method, url, { as: eve, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(status);
      expect(res.body.errors?.[0]?.field, `${method} ${url} ${JSON.stringify(body)}`).toBe(field);
      expect(JSON.stringify(res.body)).not.toContain('A secret');
    }
    expect(await footprint(t, A.wsId)).toEqual(beforeA);
    expect(await footprint(t, B.wsId)).toEqual(beforeB);
    const still = await api(t.app, 'GET', `/api/v1/issues/${a.issue}`, { as: A.owner });
    expect(still.body.title).toBe('A secret');
  });

  it('list filters with foreign ids leak nothing', async () => {
    for (const q of [`assigneeId=${a.user}`, `creatorId=${a.user}`, `labelId=${a.label}`, `stateId=${a.state}`, `q=${a.ident}`, 'q=secret']) {
      const res = await api(t.app, 'GET', `/api/v1/issues?${q}`, { as: eve });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
    }
  });
});
