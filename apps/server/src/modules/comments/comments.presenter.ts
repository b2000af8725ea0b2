import type { comment } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';
import type { ReactionSummary } from '../reactions/reactions.presenter.ts';

type CommentRow = typeof comment.$inferSelect;

/**
 * A comment as REST and sync show it. `parentId` is the thread root (null for a root), `editedAt`
 * is set once the author edits the body.
 */
export function presentComment(c: CommentRow, reactions: ReactionSummary[]) {
  return {
    id: c.id,
    issueId: c.issueId,
    userId: c.userId,
    parentId: c.parentId,
    body: c.body,
    editedAt: iso(c.editedAt),
    createdAt: iso(c.createdAt) as string,
    updatedAt: iso(c.updatedAt) as string,
    reactions,
  };
}

/** The presented comment's type. */
export type PresentedComment = ReturnType<typeof presentComment>;
