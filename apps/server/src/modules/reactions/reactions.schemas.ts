import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.ts';

/** A reaction as the API presents it. */
export const ReactionSchema = Type.Object(
  {
    id: Uuid,
    userId: Uuid,
    emoji: Type.String(),
    issueId: Nullable(Uuid),
    commentId: Nullable(Uuid),
    createdAt: Timestamp,
  },
  { $id: 'Reaction' },
);

/**
 * Body of the reaction endpoints: an emoji character or sequence, or a custom emoji's name
 * (`:shipit:`); 1..32 Unicode code points (a family emoji with skin tones is about 11).
 */
export const AddReactionBody = Type.Object(
  { id: Type.Optional(Uuid), emoji: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);

/** `:reactionId` path parameter. */
export const ReactionParams = Type.Object({ reactionId: Uuid });
