/**
 * Fixtures for the issue collaboration tests (comments, relations, reactions, subscriptions,
 * history): workspaces through the real API, extra members and issues inserted directly (so
 * these tests do not depend on the issues endpoints).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { issue, member, syncOperation, team, teamMember, workflowState } from '@exponential/db';
import { newId } from '../src/lib/ids.ts';
import { createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

/** A signed-in user acting in one workspace. */
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

/** Creates a team directly (e.g. a private one) with one backlog state. */
export async function insertTeam(t: TestApp, ws: Ws, key: string, isPrivate: boolean, memberIds: string[] = []): Promise<string> {
  const db = t.database.db;
  const id = newId();
  await db.insert(team).values({ id, workspaceId: ws.wsId, name: `Team ${key}`, key, isPrivate });
  await db.insert(workflowState).values({ workspaceId: ws.wsId, teamId: id, name: 'Backlog', category: 'backlog', color: '#bec2c8', position: 1000, isDefault: true });
  for (const userId of memberIds) await db.insert(teamMember).values({ teamId: id, userId, workspaceId: ws.wsId });
  return id;
}

/** An inserted issue. */
export interface IssueRef {
  id: string;
  identifier: string;
  teamId: string;
  stateId: string;
  title: string;
}

/** Inserts an issue into `teamId` (default: the workspace's first team), numbered like the API does. */
export async function insertIssue(t: TestApp, ws: Ws, title = 'An issue', teamId = ws.teamId): Promise<IssueRef> {
  return t.database.db.transaction(async (tx) => {
    const [tm] = await tx
      .update(team)
      .set({ issueCount: sql`${team.issueCount} + 1` })
      .where(eq(team.id, teamId))
      .returning();
    const [state] = await tx
      .select()
      .from(workflowState)
      .where(eq(workflowState.teamId, teamId))
      .orderBy(asc(workflowState.position))
      .limit(1);
    const n = tm!.issueCount;
    const id = newId();
    await tx.insert(issue).values({
      id,
      workspaceId: ws.wsId,
      teamId,
      number: n,
      title,
      stateId: state!.id,
      creatorId: ws.owner.userId,
      sortOrder: `a${String(n).padStart(6, '0')}`,
    });
    return { id, identifier: `${tm!.key}-${n}`, teamId, stateId: state!.id, title };
  });
}

/** Sync operations recorded for `entity` and `id`, oldest first. */
export async function opsFor(t: TestApp, wsId: string, entity: string, id: string) {
  return t.database.db
    .select()
    .from(syncOperation)
    .where(and(eq(syncOperation.workspaceId, wsId), eq(syncOperation.entity, entity), eq(syncOperation.entityId, id)))
    .orderBy(asc(syncOperation.version), asc(syncOperation.seq));
}
