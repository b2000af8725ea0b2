/**
 * TypeBox contracts of the issues API: the presented `Issue`, and the bodies and queries of
 * create, update, list, bulk update and move. Inputs are bounded; `sortOrder` is never accepted
 * from clients (ranks are computed by the server from `afterId`/`beforeId`).
 */
import { type Static, Type } from 'typebox';
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.ts';
import { PRIORITIES } from './issues.presenter.ts';

/** Longest issue title, in Unicode code points (also a CHECK on `issue.title`). */
export const TITLE_MAX = 255;
/** Longest description accepted, in code points (HTML, before sanitizing). */
export const DESCRIPTION_MAX = 100_000;
/** Most labels on one issue. */
export const LABELS_MAX = 50;
/** Most issues in one bulk update. */
export const BULK_MAX = 200;
/** Longest search text accepted; anything longer than a title cannot match a title anyway. */
export const SEARCH_MAX = 5000;

/** Priority as the API names it: `none`, `urgent`, `high`, `medium`, `low` (the order of PRIORITIES). */
export const Priority = Type.Union([
  Type.Literal(PRIORITIES[0]),
  Type.Literal(PRIORITIES[1]),
  Type.Literal(PRIORITIES[2]),
  Type.Literal(PRIORITIES[3]),
  Type.Literal(PRIORITIES[4]),
]);

/** Workflow state categories (literals spelled out so the static type is the union, not `string`). */
const Category = Type.Union([
  Type.Literal('triage'),
  Type.Literal('backlog'),
  Type.Literal('unstarted'),
  Type.Literal('started'),
  Type.Literal('completed'),
  Type.Literal('canceled'),
]);

/** An issue reference: its UUID or its identifier (`ENG-12`, key case-insensitive). */
export const IssueRef = Type.String({ minLength: 1, maxLength: 36 });

/** A calendar date `YYYY-MM-DD` (RFC 3339 full-date; 2025-02-30 is refused). */
export const DateOnly = Type.String({ format: 'date', maxLength: 10 });

/** Estimate in points (the team's scale); 0..1000. */
const Estimate = Type.Number({ minimum: 0, maximum: 1000 });

const LabelIds = Type.Array(Uuid, { maxItems: LABELS_MAX, uniqueItems: true });

/** Fields of an issue before `description` (see presentIssue). */
const IssueHead = {
  id: Uuid,
  identifier: Type.String(),
  number: Type.Integer(),
  teamId: Uuid,
  title: Type.String(),
};

/** Fields of an issue after `description`. */
const IssueTail = {
  stateId: Uuid,
  priority: Priority,
  estimate: Nullable(Type.Number()),
  assigneeId: Nullable(Uuid),
  creatorId: Nullable(Uuid),
  parentId: Nullable(Uuid),
  labelIds: Type.Array(Uuid),
  sortOrder: Type.String(),
  dueDate: Nullable(Type.String()),
  startedAt: Nullable(Timestamp),
  completedAt: Nullable(Timestamp),
  canceledAt: Nullable(Timestamp),
  archivedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** An issue as REST and sync present it (see presentIssue). */
export const IssueSchema = Type.Object({ ...IssueHead, description: Nullable(Type.String()), ...IssueTail }, { $id: 'Issue' });

/**
 * An issue as `GET /issues` lists it (see PresentedIssueListItem): the list columns, every field of
 * `Issue` but `description` (read one issue for it).
 */
export const IssueListItemSchema = Type.Object({ ...IssueHead, ...IssueTail }, { $id: 'IssueListItem' });

/** Position in the team's manual order: directly after `afterId` (null = first), or before `beforeId` (null = last). */
const Position = {
  afterId: Type.Optional(Nullable(IssueRef)),
  beforeId: Type.Optional(Nullable(IssueRef)),
};

/** Body of `POST /issues`. */
export const CreateIssueBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    teamId: Type.String({ minLength: 1, maxLength: 36 }),
    title: Text(TITLE_MAX),
    description: Type.Optional(Nullable(Type.String({ maxLength: DESCRIPTION_MAX }))),
    stateId: Type.Optional(Uuid),
    priority: Type.Optional(Priority),
    estimate: Type.Optional(Nullable(Estimate)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    parentId: Type.Optional(Nullable(IssueRef)),
    labelIds: Type.Optional(LabelIds),
    dueDate: Type.Optional(Nullable(DateOnly)),
    ...Position,
  },
  { additionalProperties: false },
);

/** Fields a PATCH and a bulk update share. */
const SharedUpdate = {
  stateId: Type.Optional(Uuid),
  priority: Type.Optional(Priority),
  estimate: Type.Optional(Nullable(Estimate)),
  assigneeId: Type.Optional(Nullable(Uuid)),
  labelIds: Type.Optional(LabelIds),
  addedLabelIds: Type.Optional(LabelIds),
  removedLabelIds: Type.Optional(LabelIds),
  dueDate: Type.Optional(Nullable(DateOnly)),
};

/** Body of `PATCH /issues/:issueId` (at least one field). */
export const UpdateIssueBody = Type.Object(
  {
    title: Type.Optional(Text(TITLE_MAX)),
    description: Type.Optional(Nullable(Type.String({ maxLength: DESCRIPTION_MAX }))),
    teamId: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
    parentId: Type.Optional(Nullable(IssueRef)),
    ...SharedUpdate,
    ...Position,
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Body of `POST /issues/bulk`. */
export const BulkUpdateBody = Type.Object(
  {
    issueIds: Type.Array(IssueRef, { minItems: 1, maxItems: BULK_MAX }),
    update: Type.Object(
      { ...SharedUpdate, archived: Type.Optional(Type.Boolean()) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

/** Body of `POST /issues/:issueId/move` (at least one of the two). */
export const MoveIssueBody = Type.Object(Position, { additionalProperties: false, minProperties: 1 });

/** Orders of `GET /issues`. */
export const IssueOrder = Type.Union([Type.Literal('createdAt'), Type.Literal('updatedAt'), Type.Literal('priority'), Type.Literal('manual')]);

/** Query of `GET /issues`. */
export const ListIssuesQuery = Type.Object(
  {
    teamId: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
    stateId: Type.Optional(Uuid),
    stateCategory: Type.Optional(Category),
    assigneeId: Type.Optional(Type.Union([Uuid, Type.Literal('me'), Type.Literal('none')])),
    creatorId: Type.Optional(Type.Union([Uuid, Type.Literal('me')])),
    labelId: Type.Optional(Uuid),
    priority: Type.Optional(Priority),
    parentId: Type.Optional(Type.Union([Type.Literal('none'), IssueRef])),
    dueBefore: Type.Optional(DateOnly),
    dueAfter: Type.Optional(DateOnly),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    q: Type.Optional(Type.String({ maxLength: SEARCH_MAX })),
    orderBy: Type.Optional(IssueOrder),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** `:issueId` path parameter: UUID or identifier. */
export const IssueParams = Type.Object({ issueId: IssueRef });

/** Parsed body of a create. */
export type CreateIssueInput = Static<typeof CreateIssueBody>;
/** Parsed body of a PATCH, plus `archived` used by bulk updates and the archive routes. */
export type IssuePatch = Static<typeof UpdateIssueBody> & { archived?: boolean };
/** Parsed query of the list. */
export type ListIssuesInput = Static<typeof ListIssuesQuery>;
/** The list's order names. */
export type IssueOrderName = Static<typeof IssueOrder>;
