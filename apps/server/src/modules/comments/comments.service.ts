/**
 * Comments on issues, threaded one level deep as in Linear: a reply to a reply joins the thread
 * of its root. Bodies are HTML written through the one sanitizer. Only the author edits a
 * comment; the author, owners and admins delete it (with its replies). Commenting subscribes the
 * commenter to the issue.
 */
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { comment, reaction } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { conflict, forbidden, invalid, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { authorize, isManager } from '../../lib/policy.ts';
import { sanitizeRichText, stripAllTags } from '../../lib/sanitize.ts';
import { type MutationContext, runMutation } from '../../sync/mutation.ts';
import { afterPosition, createKeyset, toPage, tsText } from '../history/keyset.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import { commentReactionSummaries } from '../reactions/reactions.repository.ts';
import { subscribeIn } from '../subscriptions/subscriptions.repository.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { presentComment } from './comments.presenter.ts';
import { getReadableComment, presentCommentWithReactions } from './comments.repository.ts';

/**
 * Sanitizes a comment body and refuses one with nothing left to show (no text and no image),
 * e.g. `<p> </p>` or `<script>…</script>`.
 * @throws AppError 422 `/body/body` "body must not be empty"
 */
export function cleanCommentBody(html: string): string {
  const body = sanitizeRichText(html);
  const text = stripAllTags(body).replace(/&nbsp;|&#160;/g, ' ');
  if (!text.trim() && !/<img\s/i.test(body)) throw invalid('/body/body', 'body must not be empty');
  return body;
}

/** Creates the comments service. */
export function createCommentService(deps: ModuleDeps) {
  const db = deps.database.db;
  const keyset = createKeyset(deps.config);
  const mutate = async <T>(viewer: TeamViewer, fn: (ctx: MutationContext) => Promise<T>) =>
    (
      await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        await assertStillMember(ctx.tx, viewer);
        return fn(ctx);
      })
    ).value;

  return {
    /**
     * One page of an issue's comments, oldest first; replies carry their thread root's id.
     * @throws AppError 404, 400 `invalid_cursor`
     */
    async list(viewer: TeamViewer, issueRef: string, q: { limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const pos = keyset.decode(q.cursor);
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      const rows = await db
        .select({ c: comment, ts: tsText(comment.createdAt) })
        .from(comment)
        .where(and(eq(comment.issueId, iss.id), pos ? afterPosition(comment.createdAt, comment.id, pos, 'asc') : undefined))
        .orderBy(asc(comment.createdAt), asc(comment.id))
        .limit(limit + 1);
      const reactions = await commentReactionSummaries(db, rows.slice(0, limit).map((r) => r.c.id));
      return toPage(rows, limit, keyset, (r) => ({ ts: r.ts, id: r.c.id }), (r) => presentComment(r.c, reactions.get(r.c.id) ?? []));
    },

    /**
     * Adds a comment (or a reply) and subscribes the author to the issue.
     * @throws AppError 404 (issue, or `/body/parentId`), 409 `id_taken`, 422 empty body
     */
    async create(viewer: TeamViewer, issueRef: string, input: { id?: string; body: string; parentId?: string | null }) {
      authorize(viewer, 'comment.create');
      const body = cleanCommentBody(input.body);
      return mutate(viewer, async (ctx) => {
        const iss = await getReadableIssue(ctx.tx, viewer, issueRef, '/params/issueId');
        let parentId: string | null = null;
        if (input.parentId) {
          const [parent] = await ctx.tx
            .select({ id: comment.id, parentId: comment.parentId })
            .from(comment)
            .where(and(eq(comment.id, input.parentId), eq(comment.issueId, iss.id)));
          if (!parent) throw notFound('Comment', '/body/parentId', input.parentId);
          parentId = parent.parentId ?? parent.id;
        }
        const [row] = await ctx.tx
          .insert(comment)
          .values({
            id: input.id ?? newId(),
            workspaceId: viewer.workspaceId,
            issueId: iss.id,
            userId: viewer.userId,
            parentId,
            body,
            createdAt: ctx.now,
            updatedAt: ctx.now,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) throw conflict('A comment with this id already exists', 'id_taken', '/body/id');
        const presented = presentComment(row, []);
        ctx.emit({ entity: 'comment', id: row.id, action: 'insert', data: presented, teamId: iss.teamId });
        await subscribeIn(ctx, iss, viewer.userId);
        return presented;
      });
    },

    /**
     * Replaces a comment's body (its author only) and marks it edited.
     * @throws AppError 403 "Only the author can edit a comment", 404, 422 empty body
     */
    async update(viewer: TeamViewer, commentId: string, input: { body: string }) {
      return mutate(viewer, async (ctx) => {
        const c = await getReadableComment(ctx.tx, viewer, commentId, '/params/commentId', true);
        if (c.userId !== viewer.userId) throw forbidden('Only the author can edit a comment');
        const body = cleanCommentBody(input.body);
        const [row] = await ctx.tx
          .update(comment)
          .set({ body, editedAt: ctx.now, updatedAt: ctx.now })
          .where(eq(comment.id, c.id))
          .returning();
        const presented = await presentCommentWithReactions(ctx.tx, row!);
        ctx.emit({ entity: 'comment', id: row!.id, action: 'update', data: presented, teamId: c.teamId });
        return presented;
      });
    },

    /**
     * Deletes a comment with its replies and their reactions (the author, owners and admins).
     * @throws AppError 403, 404
     */
    async remove(viewer: TeamViewer, commentId: string) {
      await mutate(viewer, async (ctx) => {
        const c = await getReadableComment(ctx.tx, viewer, commentId, '/params/commentId', true);
        if (c.userId !== viewer.userId && !isManager(viewer.role)) {
          throw forbidden('Only the author or a workspace owner or admin can delete a comment');
        }
        const replies = await ctx.tx.select({ id: comment.id }).from(comment).where(eq(comment.parentId, c.id));
        const ids = [c.id, ...replies.map((r) => r.id)];
        const reactions = await ctx.tx.select({ id: reaction.id }).from(reaction).where(inArray(reaction.commentId, ids));
        await ctx.tx.delete(comment).where(or(eq(comment.id, c.id), eq(comment.parentId, c.id)));
        for (const r of reactions) ctx.emit({ entity: 'reaction', id: r.id, action: 'delete', data: null, teamId: c.teamId });
        for (const r of replies) ctx.emit({ entity: 'comment', id: r.id, action: 'delete', data: null, teamId: c.teamId });
        ctx.emit({ entity: 'comment', id: c.id, action: 'delete', data: null, teamId: c.teamId });
      });
    },
  };
}
