import { Type } from 'typebox';
import { Color, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.ts';

/** A label as the API and sync present it. `teamId` null = a workspace label. */
export const LabelSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    color: Type.String(),
    description: Nullable(Type.String()),
    teamId: Nullable(Uuid),
    parentId: Nullable(Uuid),
    isGroup: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    archivedAt: Nullable(Timestamp),
  },
  { $id: 'Label' },
);

/** A team reference in a body or query: its id or its key. */
const TeamRef = Type.String({ minLength: 1, maxLength: 36 });

/** Body of `POST /labels`. */
export const CreateLabelBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: Text(80),
    color: Color,
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    teamId: Type.Optional(Nullable(TeamRef)),
    parentId: Type.Optional(Nullable(Uuid)),
    isGroup: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Body of `PATCH /labels/:labelId`; the scope (team) of a label never changes. */
export const UpdateLabelBody = Type.Object(
  {
    name: Type.Optional(Text(80)),
    color: Type.Optional(Color),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    parentId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Query of `GET /labels`. */
export const ListLabelsQuery = Type.Object({ ...PageQuery, teamId: Type.Optional(TeamRef) }, { additionalProperties: false });

/** `:labelId` path parameter. */
export const LabelParams = Type.Object({ labelId: Uuid });
