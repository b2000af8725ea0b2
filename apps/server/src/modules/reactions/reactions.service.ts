/**
 * Emoji reactions on issues and on comments: at most one per (target, user, emoji), and at most
 * {@link REACTIONS_PER_USER_MAX} per (target, user). Adding one that exists returns it (the call is
 * idempotent); only its author removes a reaction.
 * Uniqueness holds because `runMutation` serializes every write of a workspace (it locks the
 * workspace's version row first), so the check and the insert cannot interleave.
 * A comment's post-image lists its reactions, so a change to them also emits the comment's
 * `update` (with the new summary), keeping the op log's comment images current.
 */
import { and, count, eq, isNull } from 'drizzle-orm';
import { comment, reaction } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { conflict, forbidden, invalid, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { type MutationContext, runMutation } from '../../sync/mutation.ts';
import { getReadableComment, presentCommentWithReactions } from '../comments/comments.repository.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { presentReaction } from './reactions.presenter.ts';
import { issueReactionSummary } from './reactions.repository.ts';

/**
 * Emoji only: each one as Unicode lists it (RGI: flags, keycaps, skin tones, ZWJ sequences,
 * UTS #51) or a pictograph without its presentation selector (`❤` as well as `❤️`).
 */
const EMOJI = new RegExp('^(?:\\p{RGI_Emoji}|\\p{Extended_Pictographic}\\uFE0F?)+$', 'v');
/** A custom emoji's shortcode, `:shipit:`. */
const SHORTCODE = /^:[A-Za-z0-9_+-]{1,30}:$/;

/** Most distinct reactions one person may leave on one issue or comment. */
export const REACTIONS_PER_USER_MAX = 20;

/**
 * Checks an emoji beyond its length: no whitespace or control characters anywhere, and emoji
 * characters only (RGI sequences, pictographs) or a `:shortcode:` — not free text, which would let
 * a reaction carry a message or markup.
 * @throws AppError 422 `/body/emoji`
 */
export function checkEmoji(emoji: string): string {
  if (/[\s\p{Cc}]/u.test(emoji)) throw invalid('/body/emoji', 'emoji must not contain whitespace or control characters');
  if (!EMOJI.test(emoji) && !SHORTCODE.test(emoji)) throw invalid('/body/emoji', 'emoji must be emoji characters or a :shortcode:');
  return emoji;
}

/** Result of adding a reaction: `created` is false when it already existed. */
export interface AddedReaction {
  created: boolean;
  reaction: ReturnType<typeof presentReaction>;
}

/** Creates the reactions service. */
export function createReactionService(deps: ModuleDeps) {
  const db = deps.database.db;

  /** Emits the comment's current post-image (its reactions changed). */
  async function emitCommentImage(ctx: MutationContext, commentId: string, teamId: string) {
    const [row] = await ctx.tx.select().from(comment).where(eq(comment.id, commentId));
    if (row) ctx.emit({ entity: 'comment', id: row.id, action: 'update', data: await presentCommentWithReactions(ctx.tx, row), teamId });
  }

  /** Returns the viewer's existing reaction on the target, or inserts and emits a new one. */
  async function add(
    ctx: MutationContext,
    viewer: TeamViewer,
    target: { issueId: string | null; commentId: string | null; teamId: string },
    input: { id?: string; emoji: string },
  ): Promise<AddedReaction> {
    const [existing] = await ctx.tx
      .select()
      .from(reaction)
      .where(
        and(
          target.commentId ? eq(reaction.commentId, target.commentId) : and(eq(reaction.issueId, target.issueId!), isNull(reaction.commentId)),
          eq(reaction.userId, viewer.userId),
          eq(reaction.emoji, input.emoji),
        ),
      );
    if (existing) return { created: false, reaction: presentReaction(existing) };
    // Each reaction re-emits the comment's image with every reaction: bound what one person adds.
    const [mine] = await ctx.tx
      .select({ n: count() })
      .from(reaction)
      .where(
        and(
          target.commentId ? eq(reaction.commentId, target.commentId) : and(eq(reaction.issueId, target.issueId!), isNull(reaction.commentId)),
          eq(reaction.userId, viewer.userId),
        ),
      );
    if (Number(mine?.n ?? 0) >= REACTIONS_PER_USER_MAX) {
      throw invalid('/body/emoji', `You already left ${REACTIONS_PER_USER_MAX} reactions here; remove one first`, 'too_many_reactions');
    }
    const [row] = await ctx.tx
      .insert(reaction)
      .values({
        id: input.id ?? newId(),
        workspaceId: viewer.workspaceId,
        userId: viewer.userId,
        issueId: target.issueId,
        commentId: target.commentId,
        emoji: input.emoji,
        createdAt: ctx.now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('A reaction with this id already exists', 'id_taken', '/body/id');
    const presented = presentReaction(row);
    ctx.emit({ entity: 'reaction', id: row.id, action: 'insert', data: presented, teamId: target.teamId });
    if (target.commentId) await emitCommentImage(ctx, target.commentId, target.teamId);
    return { created: true, reaction: presented };
  }

  const mutate = async <T>(viewer: TeamViewer, fn: (ctx: MutationContext) => Promise<T>) =>
    (
      await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        await assertStillMember(ctx.tx, viewer);
        return fn(ctx);
      })
    ).value;

  return {
    /** Reacts to an issue. @throws AppError 404, 409 `id_taken`, 422 */
    async addToIssue(viewer: TeamViewer, issueRef: string, input: { id?: string; emoji: string }) {
      checkEmoji(input.emoji);
      return mutate(viewer, async (ctx) => {
        const iss = await getReadableIssue(ctx.tx, viewer, issueRef, '/params/issueId');
        return add(ctx, viewer, { issueId: iss.id, commentId: null, teamId: iss.teamId }, input);
      });
    },

    /** Reacts to a comment. @throws AppError 404, 409 `id_taken`, 422 */
    async addToComment(viewer: TeamViewer, commentId: string, input: { id?: string; emoji: string }) {
      checkEmoji(input.emoji);
      return mutate(viewer, async (ctx) => {
        const c = await getReadableComment(ctx.tx, viewer, commentId, '/params/commentId');
        return add(ctx, viewer, { issueId: null, commentId: c.id, teamId: c.teamId }, input);
      });
    },

    /** Removes one of the viewer's own reactions. @throws AppError 403, 404 */
    async remove(viewer: TeamViewer, reactionId: string) {
      await mutate(viewer, async (ctx) => {
        const [r] = await ctx.tx
          .select()
          .from(reaction)
          .where(and(eq(reaction.id, reactionId), eq(reaction.workspaceId, viewer.workspaceId)));
        if (!r) throw notFound('Reaction', '/params/reactionId', reactionId);
        let teamId: string;
        try {
          teamId = r.commentId
            ? (await getReadableComment(ctx.tx, viewer, r.commentId, '/params/reactionId')).teamId
            : (await getReadableIssue(ctx.tx, viewer, r.issueId!, '/params/reactionId')).teamId;
        } catch {
          throw notFound('Reaction', '/params/reactionId', reactionId);
        }
        if (r.userId !== viewer.userId) throw forbidden('You can only remove your own reactions');
        await ctx.tx.delete(reaction).where(eq(reaction.id, r.id));
        // The delete carries the reaction's last image (its target, emoji and user), so a client
        // showing summed issue reactions knows which count to lower without reloading them.
        ctx.emit({ entity: 'reaction', id: r.id, action: 'delete', data: presentReaction(r), teamId });
        if (r.commentId) await emitCommentImage(ctx, r.commentId, teamId);
      });
    },

    /** The issue's own reactions grouped by emoji. @throws AppError 404 */
    async issueSummary(viewer: TeamViewer, issueRef: string) {
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      return issueReactionSummary(db, iss.id);
    },
  };
}
