import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.ts';

/** Longest comment body accepted, in Unicode code points of the HTML sent. */
export const COMMENT_MAX = 50_000;

/** Reactions of one target grouped by emoji. */
export const ReactionSummarySchema = Type.Object({ emoji: Type.String(), count: Type.Integer(), userIds: Type.Array(Uuid) });

/** A comment as the API presents it. */
export const CommentSchema = Type.Object(
  {
    id: Uuid,
    issueId: Uuid,
    userId: Nullable(Uuid),
    parentId: Nullable(Uuid),
    body: Type.String(),
    editedAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    reactions: Type.Array(ReactionSummarySchema),
  },
  { $id: 'Comment' },
);

/** Body of `POST /issues/:issueId/comments`. `parentId` may be any comment of the thread. */
export const CreateCommentBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    body: Type.String({ minLength: 1, maxLength: COMMENT_MAX }),
    parentId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);

/** Body of `PATCH /comments/:commentId`. */
export const UpdateCommentBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: COMMENT_MAX }) },
  { additionalProperties: false },
);

/** `:commentId` path parameter. */
export const CommentParams = Type.Object({ commentId: Uuid });
