import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.ts';

/** One issue history event as the API presents it. */
export const IssueHistorySchema = Type.Object(
  {
    id: Uuid,
    issueId: Uuid,
    kind: Type.String(),
    actor: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
    changes: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { $id: 'IssueHistoryEvent' },
);

/** `:issueId` path parameter: an issue id or its identifier (`ENG-123`). */
export const IssueRefParams = Type.Object({ issueId: Type.String({ minLength: 1, maxLength: 36 }) });
