import { Type } from 'typebox';
import { Color, Nullable, Text, Timestamp, Uuid } from '../../lib/schemas.ts';

/** Team key: 1–7 characters, upper-case letters and digits, starting with a letter (`ENG`). */
export const TeamKey = Type.String({ pattern: '^[A-Z][A-Z0-9]{0,6}$', maxLength: 7 });

/** A team as the API presents it. */
export const TeamSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    key: Type.String(),
    description: Nullable(Type.String()),
    isPrivate: Type.Boolean(),
    triageEnabled: Type.Boolean(),
    issueCount: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    archivedAt: Nullable(Timestamp),
  },
  { $id: 'Team' },
);

/** Workflow state categories. */
export const StateCategory = Type.Union(
  ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'].map((c) => Type.Literal(c)),
);

/** A workflow state as the API presents it. */
export const WorkflowStateSchema = Type.Object(
  {
    id: Uuid,
    teamId: Uuid,
    name: Type.String(),
    category: StateCategory,
    color: Type.String(),
    description: Nullable(Type.String()),
    position: Type.Number(),
    isDefault: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'WorkflowState' },
);

export const CreateTeamBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: Text(100),
    key: Type.Optional(TeamKey),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    isPrivate: Type.Optional(Type.Boolean()),
    triageEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(Text(100)),
    key: Type.Optional(TeamKey),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    isPrivate: Type.Optional(Type.Boolean()),
    triageEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CreateStateBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: Text(50),
    category: StateCategory,
    color: Type.Optional(Color),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateStateBody = Type.Object(
  {
    name: Type.Optional(Text(50)),
    color: Type.Optional(Color),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    isDefault: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The team's states in their new order (every state of the team, once). */
export const ReorderStatesBody = Type.Object({ stateIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }) }, { additionalProperties: false });

/** `:teamId` path parameter: a team id or its key. */
export const TeamParams = Type.Object({ teamId: Type.String({ minLength: 1, maxLength: 36 }) });
