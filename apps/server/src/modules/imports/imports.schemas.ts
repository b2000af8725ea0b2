import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schemas.ts';
import { IMPORT_FORMATS } from './imports.formats.ts';

/**
 * Largest CSV upload: 128 MiB, so a 100,000-issue export of any supported CSV format fits in one
 * file (a Jira "all fields" export of 100,000 issues is about 77 MB). CSV is read as a stream.
 */
export const IMPORT_MAX_BYTES_CSV = 128 * 1024 * 1024;
/**
 * Largest JSON or XML upload: 32 MiB. These are parsed whole (`JSON.parse`, the XML parser), so
 * their size is what bounds the server's memory during an import.
 */
export const IMPORT_MAX_BYTES_DOCUMENT = 32 * 1024 * 1024;
/** The route's body limit: the largest of the per-format limits (the API's default is 1 MiB). */
export const IMPORT_MAX_BYTES = Math.max(IMPORT_MAX_BYTES_CSV, IMPORT_MAX_BYTES_DOCUMENT);

/** Largest upload of `format`, in bytes. */
export function importMaxBytes(format: string): number {
  return format.endsWith('-csv') ? IMPORT_MAX_BYTES_CSV : IMPORT_MAX_BYTES_DOCUMENT;
}

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

/** Path parameters of the import job routes: the job id (UUID). */
export const ImportParams = Type.Object({ importId: Uuid });
