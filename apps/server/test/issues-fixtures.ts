/**
 * Fixtures for the issues API tests: workspaces through the real API, extra members and labels
 * inserted directly (their own APIs are separate modules), and small request helpers.
 */
import { and, count, eq, max, sum } from 'drizzle-orm';
import { issue, issueHistory, label, member, syncOperation, team, teamMember, workflowState, workspace } from '@exponential/db';
import { newId } from '../src/lib/ids.ts';
import { api, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

/** A signed-in user acting in one workspace (the `X-Workspace` header is sent). */
export interface Actor extends SignedIn {
  workspace: string;
}

/** A workspace with its owner and first team. */
export interface Ws {
  owner: Actor;
  wsId: string;
  teamId: string;
  teamKey: string;
}

/** Signs `email` in and creates a workspace it owns, with a team keyed `key`. */
export async function newWorkspace(t: TestApp, email: string, name: string, key: string): Promise<Ws> {
  const who = await signIn(t, email);
  const ws = await createWorkspace(t, who, name, key);
  return { owner: { ...who, workspace: ws.workspace.id }, wsId: ws.workspace.id, teamId: ws.team.id, teamKey: ws.team.key };
}

/** Signs `email` in and makes it a member of the workspace with `role` (and of `teamIds`). */
export async function addMember(t: TestApp, ws: Ws, email: string, role: 'owner' | 'admin' | 'member' | 'guest', teamIds: string[] = []): Promise<Actor> {
  const who = await signIn(t, email);
  const db = t.database.db;
  await db.insert(member).values({ id: newId(), workspaceId: ws.wsId, userId: who.userId, role });
  for (const teamId of teamIds) await db.insert(teamMember).values({ teamId, userId: who.userId, workspaceId: ws.wsId });
  return { ...who, workspace: ws.wsId };
}

/** Inserts a label (workspace label unless `teamId`). */
export async function addLabel(
  t: TestApp,
  ws: Ws,
  name: string,
  opts: { teamId?: string; parentId?: string; isGroup?: boolean; archived?: boolean } = {},
): Promise<string> {
  const id = newId();
  await t.database.db.insert(label).values({
    id,
    workspaceId: ws.wsId,
    teamId: opts.teamId ?? null,
    parentId: opts.parentId ?? null,
    isGroup: opts.isGroup ?? false,
    name,
    color: '#5e6ad2',
    archivedAt: opts.archived ? new Date() : null,
  });
  return id;
}

/** The team's workflow states by name. */
export async function statesByName(t: TestApp, teamId: string): Promise<Record<string, { id: string; category: string }>> {
  const rows = await t.database.db.select().from(workflowState).where(eq(workflowState.teamId, teamId));
  return Object.fromEntries(rows.map((r) => [r.name, { id: r.id, category: r.category }]));
}

/** Creates an issue through the API and returns it (fails the test on a non-201). */
export async function createIssue(t: TestApp, who: Actor, body: Record<string, unknown>) {
  const res = await api(t.app, 'POST', '/api/v1/issues', { as: who, body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; identifier: string; number: number; title: string; sortOrder: string; teamId: string; stateId: string; [k: string]: unknown };
}

/** Row counts and the latest change of a workspace, to prove that nothing was written. */
export async function footprint(t: TestApp, wsId: string) {
  const db = t.database.db;
  const [[issues], [history], [ops], [ws], [numbers]] = await Promise.all([
    db.select({ n: count(), updated: max(issue.updatedAt) }).from(issue).where(eq(issue.workspaceId, wsId)),
    db.select({ n: count() }).from(issueHistory).where(eq(issueHistory.workspaceId, wsId)),
    db.select({ n: count() }).from(syncOperation).where(eq(syncOperation.workspaceId, wsId)),
    db.select({ version: workspace.version }).from(workspace).where(eq(workspace.id, wsId)),
    db.select({ n: sum(team.issueCount) }).from(team).where(eq(team.workspaceId, wsId)),
  ]);
  return {
    issues: Number(issues?.n),
    lastUpdate: issues?.updated?.toISOString() ?? null,
    history: Number(history?.n),
    ops: Number(ops?.n),
    version: ws?.version,
    numbersHandedOut: Number(numbers?.n),
  };
}

/** History rows of an issue, oldest first. */
export async function historyOf(t: TestApp, issueId: string) {
  const rows = await t.database.db.select().from(issueHistory).where(and(eq(issueHistory.issueId, issueId)));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}
