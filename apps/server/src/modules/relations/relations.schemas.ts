import { Type } from 'typebox';
import { Timestamp, Uuid } from '../../lib/schemas.ts';
import { RELATION_TYPES } from './relations.presenter.ts';

/** Relation type as the API names it (from the viewpoint of the issue in the path). */
export const RelationTypeSchema = Type.Enum(RELATION_TYPES);

/** A relation as the API presents it. */
export const IssueRelationSchema = Type.Object(
  {
    id: Uuid,
    type: RelationTypeSchema,
    issueId: Uuid,
    relatedIssueId: Uuid,
    relatedIssue: Type.Object({ id: Uuid, identifier: Type.String(), title: Type.String(), stateId: Uuid }),
    createdAt: Timestamp,
  },
  { $id: 'IssueRelation' },
);

/** Body of `POST /issues/:issueId/relations`: `relatedIssueId` is an id or an identifier. */
export const CreateRelationBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    type: RelationTypeSchema,
    relatedIssueId: Type.String({ minLength: 1, maxLength: 36 }),
  },
  { additionalProperties: false },
);

/** `:relationId` path parameter. */
export const RelationParams = Type.Object({ relationId: Uuid });
