import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.ts';
import { IMPORT_FORMATS } from './imports.parse.ts';

/** Largest import upload: 32 MiB (the body limit of this route only; the API's default is 1 MiB). */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;

/** Query of POST /api/v1/imports. */
export const ImportQuery = Type.Object(
  {
    format: Type.Optional(Type.Union(IMPORT_FORMATS.map((f) => Type.Literal(f)))),
    dryRun: Type.Optional(Type.Boolean()),
    mode: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('skip')])),
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
    pullRequests: Type.Optional(Type.Union([Type.Literal('skip'), Type.Literal('keep')])),
    encoding: Type.Optional(Type.Union([Type.Literal('utf-8'), Type.Literal('windows-1252')])),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

const Counts = Type.Object({
  teams: Type.Integer(), states: Type.Integer(), labels: Type.Integer(), users: Type.Integer(), placeholders: Type.Integer(),
  issues: Type.Integer(), comments: Type.Integer(), relations: Type.Integer(), history: Type.Integer(), skipped: Type.Integer(),
});

/** A problem found in the file. */
export const ImportProblemSchema = Type.Object({
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  path: Type.String(),
  message: Type.String(),
  row: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.String()),
});

/** The answer to a dry run. */
export const DryRunSchema = Type.Object(
  {
    format: Type.String(),
    mode: Type.String(),
    valid: Type.Boolean(),
    counts: Counts,
    problems: Type.Array(ImportProblemSchema),
    problemCount: Type.Integer(),
  },
  { $id: 'ImportDryRun' },
);

/** An import job. */
export const ImportJobSchema = Type.Object(
  {
    id: Uuid,
    status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    format: Type.String(),
    mode: Type.String(),
    fileName: Nullable(Type.String()),
    fileBytes: Type.Integer(),
    counts: Counts,
    problems: Type.Array(ImportProblemSchema),
    error: Nullable(Type.String()),
    teamIds: Type.Array(Uuid),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
  },
  { $id: 'ImportJob' },
);

export const ImportParams = Type.Object({ importId: Uuid });
