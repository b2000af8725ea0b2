/**
 * Emitting issue post-images into the op log from any module that changes issues indirectly
 * (a deleted workflow state moving its issues, a deleted label, …).
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { issue, issueHistory, issueLabel, team, type Executor } from '@exponential/db';
import { newId } from '../../lib/ids.ts';
import type { MutationContext } from '../../sync/mutation.ts';
import { type PresentedIssue, presentIssue } from './issues.presenter.ts';

/** Loads issues by id (one workspace) and presents them with their team key and label ids. */
export async function loadPresentedIssues(ex: Executor, ids: string[]): Promise<PresentedIssue[]> {
  if (!ids.length) return [];
  const out: PresentedIssue[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const rows = await ex
      .select({ issue, teamKey: team.key })
      .from(issue)
      .innerJoin(team, eq(team.id, issue.teamId))
      .where(inArray(issue.id, chunk));
    const labels = await ex.select().from(issueLabel).where(inArray(issueLabel.issueId, chunk));
    const byIssue = new Map<string, string[]>();
    for (const l of labels) byIssue.set(l.issueId, [...(byIssue.get(l.issueId) ?? []), l.labelId]);
    for (const r of rows) out.push(presentIssue(r.issue, r.teamKey, (byIssue.get(r.issue.id) ?? []).sort()));
  }
  return out;
}

/** Emits an `update` operation with the current post-image of each issue. */
export async function emitIssuePostImages(ctx: MutationContext, ids: string[]): Promise<void> {
  for (const p of await loadPresentedIssues(ctx.tx, ids)) {
    ctx.emit({ entity: 'issue', id: p.id, action: 'update', data: p, teamId: p.teamId });
  }
}

/** A workflow state as {@link moveIssuesToState} needs it. */
export interface StateRef {
  id: string;
  category: 'triage' | 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled';
}

/**
 * Moves every issue in state `from` to state `to` of the same team (a deleted state's
 * replacement), the way a PATCH of `stateId` would: lifecycle timestamps follow the rule of
 * `lifecycleTimestamps` in issues.rules.ts, each issue gets an `updated` history row
 * `{stateId: {from, to}}` with the actor, and its post-image is emitted.
 * @returns the ids of the moved issues
 */
export async function moveIssuesToState(ctx: MutationContext, from: StateRef, to: StateRef): Promise<string[]> {
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  const early = to.category === 'triage' || to.category === 'backlog' || to.category === 'unstarted';
  const lifecycle =
    from.category === to.category
      ? {}
      : {
          ...(early ? { startedAt: null } : to.category === 'started' ? { startedAt: sql`coalesce(${issue.startedAt}, ${now})` } : {}),
          completedAt: to.category === 'completed' ? ctx.now : null,
          canceledAt: to.category === 'canceled' ? ctx.now : null,
        };
  const moved = await ctx.tx
    .update(issue)
    .set({ stateId: to.id, updatedAt: ctx.now, ...lifecycle })
    .where(eq(issue.stateId, from.id))
    .returning({ id: issue.id });
  const ids = moved.map((m) => m.id);
  for (let i = 0; i < ids.length; i += 1000) {
    await ctx.tx.insert(issueHistory).values(
      ids.slice(i, i + 1000).map((issueId) => ({
        id: newId(),
        workspaceId: ctx.workspaceId,
        issueId,
        actorId: ctx.actorId,
        kind: 'updated',
        changes: { stateId: { from: from.id, to: to.id } },
        createdAt: ctx.now,
      })),
    );
  }
  await emitIssuePostImages(ctx, ids);
  return ids;
}
