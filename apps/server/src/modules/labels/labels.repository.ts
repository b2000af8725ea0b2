/**
 * Label lookups shared by every module: a label by id within the viewer's workspace, readable
 * when it is a workspace label or belongs to a team the viewer may read (otherwise 404), and the
 * name-uniqueness rule of migration 0002's `label_scope_name_uq` index.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { label, type Executor } from '@exponential/db';
import { conflict, notFound } from '../../lib/errors.ts';
import { getReadableTeam, type TeamViewer } from '../teams/teams.repository.ts';

type LabelRow = typeof label.$inferSelect;

/**
 * Finds a label the viewer may read.
 * @param field where the id came from, for the 404 (`/params/labelId`, `/body/parentId`)
 * @param lock take a row lock (FOR UPDATE)
 * @throws AppError 404 when absent, in another workspace, or in a team the viewer cannot read
 */
export async function getReadableLabel(ex: Executor, viewer: TeamViewer, id: string, field: string, lock = false): Promise<LabelRow> {
  const q = ex.select().from(label).where(and(eq(label.id, id), eq(label.workspaceId, viewer.workspaceId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Label', field, id);
  if (row.teamId) {
    try {
      await getReadableTeam(ex, viewer, row.teamId, field);
    } catch {
      throw notFound('Label', field, id);
    }
  }
  return row;
}

/** Where a label lives: its workspace, its team (null = workspace label) and its group. */
export interface LabelScope {
  workspaceId: string;
  teamId: string | null;
  parentId: string | null;
}

/**
 * Refuses a name already used (case-insensitively) by another live label with the same team and
 * group — the rule the unique index `label_scope_name_uq` enforces.
 * @throws AppError 409 `label_name_taken` naming `/body/name`
 */
export async function assertLabelNameFree(ex: Executor, scope: LabelScope, name: string, exceptId?: string): Promise<void> {
  const [clash] = await ex
    .select({ id: label.id })
    .from(label)
    .where(
      and(
        eq(label.workspaceId, scope.workspaceId),
        scope.teamId ? eq(label.teamId, scope.teamId) : isNull(label.teamId),
        scope.parentId ? eq(label.parentId, scope.parentId) : isNull(label.parentId),
        isNull(label.archivedAt),
        sql`lower(${label.name}) = lower(${name})`,
        exceptId ? ne(label.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (clash) throw labelNameTaken(name);
}

/** The 409 for a label name already in use in its scope. */
export function labelNameTaken(name: string) {
  return conflict(`A label named "${name}" already exists here`, 'label_name_taken', '/body/name');
}

/**
 * True when `err` (as thrown by Drizzle over PGlite or postgres.js) is a PostgreSQL unique
 * violation (SQLSTATE 23505), optionally of the named constraint or index.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const o = e as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (o.code === '23505') return !constraint || o.constraint === constraint || o.constraint_name === constraint;
  }
  return false;
}
