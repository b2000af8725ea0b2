/**
 * Comment lookups shared with other modules (reactions): a comment only within the viewer's
 * workspace and only if the viewer may read its issue, otherwise 404.
 */
import { and, eq } from 'drizzle-orm';
import { comment, type Executor } from '@exponential/db';
import { notFound } from '../../lib/errors.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { commentReactionSummaries } from '../reactions/reactions.repository.ts';
import { type PresentedComment, presentComment } from './comments.presenter.ts';

type CommentRow = typeof comment.$inferSelect;

/**
 * Finds a comment the viewer may read, with its issue's team.
 * @param field where the id came from, for the 404 (`/params/commentId`, `/body/parentId`)
 * @param lock take a row lock on the comment (FOR UPDATE)
 * @throws AppError 404 when absent, in another workspace, or on an issue the viewer cannot read
 */
export async function getReadableComment(
  ex: Executor,
  viewer: TeamViewer,
  commentId: string,
  field: string,
  lock = false,
): Promise<CommentRow & { teamId: string }> {
  const q = ex.select().from(comment).where(and(eq(comment.id, commentId), eq(comment.workspaceId, viewer.workspaceId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Comment', field, commentId);
  let teamId: string;
  try {
    teamId = (await getReadableIssue(ex, viewer, row.issueId, field)).teamId;
  } catch {
    throw notFound('Comment', field, commentId);
  }
  return { ...row, teamId };
}

/** Presents a comment row with its current reactions. */
export async function presentCommentWithReactions(ex: Executor, row: CommentRow): Promise<PresentedComment> {
  const reactions = await commentReactionSummaries(ex, [row.id]);
  return presentComment(row, reactions.get(row.id) ?? []);
}
