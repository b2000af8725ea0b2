/**
 * Imports: dry runs and import jobs (owners and admins only, lib/policy.ts `workspace.import`).
 *
 * Both parse and validate the upload first, ONCE, before anything is written (in slices that let
 * the event loop run, imports.slicer.ts): an unreadable file is a 400, an invalid one a 422 listing
 * every problem (all-or-nothing mode). A dry run then runs the
 * real writer inside a transaction that is always rolled back, so its counts are exactly what the
 * import would create. A real import stores an `import_job` row, answers 202, and writes the
 * parsed document in the background in ONE mutation; the job's status, progress and result survive in the table. A job
 * left `queued` or `running` by a process that stopped is reported `failed` when read after
 * {@link STALE_AFTER_MS} without progress.
 */
import { and, eq } from 'drizzle-orm';
import { importJob } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { authorize } from '../../lib/policy.ts';
import { iso } from '../../lib/schemas.ts';
import { runMutation, type MutationContext } from '../../sync/mutation.ts';
import { getReadableTeam, type TeamViewer } from '../teams/teams.repository.ts';
import { MAX_LISTED_PROBLEMS, problemErrors } from './imports.errors.ts';
import { type ImportCounts, type Problem, zeroCounts } from './imports.model.ts';
import { type ImportFormat, type ParsedUpload, type ParseOptions, parseUpload } from './imports.parse.ts';
import { writeImport } from './imports.writer.ts';

/** A job not updated for this long while queued or running belonged to a stopped process. */
export const STALE_AFTER_MS = 30 * 60 * 1000;

/** An upload and how to read it. */
export interface ImportInput extends ParseOptions {
  bytes: Uint8Array;
  /** Frees `bytes` (called once the upload is parsed: only the parsed form is kept). */
  release?: () => void;
  fileName?: string | null;
  /** Team id or key to put every issue in. */
  team?: string | null;
}

type JobRow = typeof importJob.$inferSelect;

class DryRunRollback extends Error {
  constructor(readonly counts: ImportCounts, readonly problems: Problem[]) {
    super('dry run');
  }
}

/** A job as the API shows it. */
export function presentJob(j: JobRow, live?: number) {
  const counts = { ...zeroCounts(), ...(j.counts as Partial<ImportCounts>) };
  return {
    id: j.id,
    status: j.status as 'queued' | 'running' | 'succeeded' | 'failed',
    progress: Math.max(j.progress, live ?? 0),
    format: j.format,
    mode: j.mode,
    fileName: j.fileName,
    fileBytes: j.fileBytes,
    counts,
    problems: (j.problems as Problem[]) ?? [],
    error: j.error,
    teamIds: ((j.result as { teamIds?: string[] }).teamIds ?? []),
    createdAt: iso(j.createdAt) as string,
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
  };
}

/** Where the service reports an import that failed for a reason other than the file. */
export interface ImportLog {
  error(obj: object, msg: string): void;
}

/**
 * Creates the imports service.
 * @param log receives unexpected failures of import jobs (the job itself says only that it failed)
 */
export function createImportService(deps: ModuleDeps, log?: ImportLog) {
  const db = deps.database.db;
  const live = new Map<string, number>();
  const running = new Set<Promise<void>>();

  /** Parses an upload, then frees its bytes (whatever the outcome). */
  async function parse(input: ImportInput) {
    try {
      return await parseUpload(input.bytes, input);
    } finally {
      input.release?.();
    }
  }

  async function parseOrReject(input: ImportInput) {
    const { doc, validation } = await parse(input);
    if (validation.errors.length) {
      const first = validation.errors[0]!;
      throw new AppError(
        422,
        'import_invalid',
        `The file has ${validation.errors.length} problem${validation.errors.length === 1 ? '' : 's'}; nothing was imported. First: ${first.path}: ${first.message}`,
        problemErrors(validation.errors),
      );
    }
    return { doc, validation };
  }

  async function targetTeam(viewer: TeamViewer, ref: string | null | undefined): Promise<string | null> {
    if (!ref) return null;
    return (await getReadableTeam(db, viewer, ref, '/query/team')).id;
  }

  /** Writes an upload already parsed and validated by `start` (the file is parsed once). */
  async function run(jobId: string, viewer: TeamViewer, parsed: ParsedUpload, teamId: string | null) {
    const update = (set: Partial<JobRow>) => db.update(importJob).set({ ...set, updatedAt: deps.clock.now() }).where(eq(importJob.id, jobId));
    const { doc, validation } = parsed;
    try {
      await update({ status: 'running', progress: 20, startedAt: deps.clock.now() });
      const { value } = await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        await assertStillMember(ctx.tx, viewer);
        return writeImport(ctx, doc, { importId: jobId, targetTeamId: teamId, onProgress: (f) => live.set(jobId, 20 + Math.floor(f * 79)) });
      });
      const problems = [...doc.doc.problems, ...value.problems].slice(0, MAX_LISTED_PROBLEMS);
      await update({
        status: 'succeeded', progress: 100, finishedAt: deps.clock.now(), counts: { ...value.counts, skipped: validation.skipped }, problems,
        result: { teamIds: value.teamIds, placeholders: value.placeholders },
      });
    } catch (err) {
      if (!(err instanceof AppError)) log?.error({ err, importId: jobId }, 'import job failed');
      const message = err instanceof AppError ? err.detail : 'The import failed unexpectedly; nothing was written';
      const problems = err instanceof AppError ? (err.errors ?? []).map((e) => ({ severity: 'error', path: e.field, message: e.message })) : [];
      await update({ status: 'failed', finishedAt: deps.clock.now(), error: message, problems }).catch(() => {});
    } finally {
      live.delete(jobId);
    }
  }

  /**
   * Runs the job on a later turn of the event loop. A function of its own, so that the job's
   * closure holds only its arguments: a closure made inside `start` would share `start`'s scope,
   * which holds the upload (`input.bytes`, up to 128 MiB) until the job ends (seen in a heap
   * snapshot of the 100,000-issue benchmark: 75 MB kept through the whole write). The job keeps
   * the validated batches (compressed, for CSV), not the upload's bytes.
   */
  function schedule(id: string, viewer: TeamViewer, parsed: ParsedUpload, teamId: string | null): void {
    const p = new Promise<void>((resolve) => setImmediate(() => run(id, viewer, parsed, teamId).finally(resolve)));
    running.add(p);
    void p.finally(() => running.delete(p));
  }

  return {
    /**
     * Parses, validates and simulates an import; nothing is kept.
     * @throws AppError 400, 403, 404 (team), 422
     */
    async dryRun(viewer: TeamViewer, input: ImportInput) {
      authorize(viewer, 'workspace.import', 'Only workspace owners and admins can import');
      const teamId = await targetTeam(viewer, input.team);
      const { doc, validation } = await parse(input);
      let counts = zeroCounts();
      let problems = [...doc.doc.problems];
      if (!validation.errors.length) {
        try {
          await db.transaction(async (tx) => {
            const running: Array<Promise<unknown>> = [];
            const later = (w: Promise<unknown>) => {
              w.catch(() => {});
              running.push(w);
            };
            const ctx: MutationContext = { tx, workspaceId: viewer.workspaceId, actorId: viewer.userId, now: deps.clock.now(), emit: () => {}, afterCommit: () => {}, later };
            const r = await writeImport(ctx, doc, { importId: newId(), targetTeamId: teamId });
            for (const w of running) await w;
            throw new DryRunRollback({ ...r.counts, skipped: validation.skipped }, r.problems);
          });
        } catch (err) {
          if (!(err instanceof DryRunRollback)) throw err;
          counts = err.counts;
          problems = [...problems, ...err.problems];
        }
      }
      return {
        format: input.format, mode: input.mode, valid: validation.errors.length === 0, counts,
        problems: problems.slice(0, MAX_LISTED_PROBLEMS), problemCount: problems.length,
      };
    },

    /**
     * Validates the upload and starts the import job.
     * @returns the queued job (202)
     * @throws AppError 400, 403, 404 (team), 422 — nothing is written then
     */
    async start(viewer: TeamViewer, input: ImportInput) {
      authorize(viewer, 'workspace.import', 'Only workspace owners and admins can import');
      const teamId = await targetTeam(viewer, input.team);
      const fileBytes = input.bytes.byteLength;
      const parsed = await parseOrReject(input);
      const { validation } = parsed;
      const id = newId();
      const { value: job } = await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        const [row] = await ctx.tx.insert(importJob).values({
          id, workspaceId: viewer.workspaceId, actorId: viewer.userId, format: input.format satisfies ImportFormat, mode: input.mode, status: 'queued',
          fileName: input.fileName ?? null, fileBytes, counts: { ...zeroCounts(), skipped: validation.skipped },
          createdAt: ctx.now, updatedAt: ctx.now,
        }).returning();
        return row!;
      });
      schedule(id, viewer, parsed, teamId);
      return presentJob(job);
    },

    /** One job of the workspace. @throws AppError 403, 404 */
    async get(viewer: TeamViewer, id: string) {
      authorize(viewer, 'workspace.import', 'Only workspace owners and admins can see imports');
      const [j] = await db.select().from(importJob).where(and(eq(importJob.id, id), eq(importJob.workspaceId, viewer.workspaceId)));
      if (!j) throw notFound('Import', '/params/importId', id);
      if ((j.status === 'queued' || j.status === 'running') && !live.has(j.id) && deps.clock.now().getTime() - j.updatedAt.getTime() > STALE_AFTER_MS) {
        const [f] = await db.update(importJob).set({ status: 'failed', error: 'The server stopped during the import; nothing was written', updatedAt: deps.clock.now() }).where(eq(importJob.id, j.id)).returning();
        return presentJob(f!);
      }
      return presentJob(j, live.get(j.id));
    },

    /** Resolves when every import started by this process has finished (tests, shutdown). */
    async idle() {
      await Promise.all([...running]);
    },
  };
}
