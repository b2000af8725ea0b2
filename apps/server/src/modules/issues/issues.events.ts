/**
 * Emitting issue post-images into the op log from any module that changes issues indirectly
 * (a deleted workflow state moving its issues, a deleted label, …).
 */
import { eq, inArray } from 'drizzle-orm';
import { issue, issueLabel, team, type Executor } from '@exponential/db';
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
