/**
 * Reading reactions grouped by target, for comment and issue presenters.
 */
import { and, asc, inArray, isNull, eq } from 'drizzle-orm';
import { reaction, type Executor } from '@exponential/db';
import { type ReactionSummary, summarize } from './reactions.presenter.ts';

/** Reaction summaries of each comment in `commentIds` (comments without reactions are absent). */
export async function commentReactionSummaries(ex: Executor, commentIds: string[]): Promise<Map<string, ReactionSummary[]>> {
  const out = new Map<string, ReactionSummary[]>();
  if (!commentIds.length) return out;
  const rows = await ex
    .select({ commentId: reaction.commentId, emoji: reaction.emoji, userId: reaction.userId })
    .from(reaction)
    .where(inArray(reaction.commentId, commentIds))
    .orderBy(asc(reaction.createdAt), asc(reaction.id));
  const grouped = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = grouped.get(r.commentId as string) ?? [];
    list.push(r);
    grouped.set(r.commentId as string, list);
  }
  for (const [id, list] of grouped) out.set(id, summarize(list));
  return out;
}

/** Reaction summary of the issue itself (not of its comments). */
export async function issueReactionSummary(ex: Executor, issueId: string): Promise<ReactionSummary[]> {
  const rows = await ex
    .select({ emoji: reaction.emoji, userId: reaction.userId })
    .from(reaction)
    .where(and(eq(reaction.issueId, issueId), isNull(reaction.commentId)))
    .orderBy(asc(reaction.createdAt), asc(reaction.id));
  return summarize(rows);
}
