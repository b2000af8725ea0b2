import type { reaction } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type ReactionRow = typeof reaction.$inferSelect;

/** One reaction as REST and sync show it; exactly one of `issueId` and `commentId` is set. */
export function presentReaction(r: ReactionRow) {
  return {
    id: r.id,
    userId: r.userId,
    emoji: r.emoji,
    issueId: r.issueId,
    commentId: r.commentId,
    createdAt: iso(r.createdAt) as string,
  };
}

/** Reactions of one target grouped by emoji: `{emoji, count, userIds}`. */
export interface ReactionSummary {
  emoji: string;
  count: number;
  /** Who reacted, in the order they did. */
  userIds: string[];
}

/**
 * Groups reactions (already ordered by time) by emoji, emojis in order of their first use.
 * @param rows reactions of a single target
 */
export function summarize(rows: Array<Pick<ReactionRow, 'emoji' | 'userId'>>): ReactionSummary[] {
  const byEmoji = new Map<string, ReactionSummary>();
  for (const r of rows) {
    let s = byEmoji.get(r.emoji);
    if (!s) {
      s = { emoji: r.emoji, count: 0, userIds: [] };
      byEmoji.set(r.emoji, s);
    }
    s.count++;
    s.userIds.push(r.userId);
  }
  return [...byEmoji.values()];
}
