/**
 * Issue lookups shared by every module: an issue by id or identifier (`ENG-123`), only within
 * the viewer's workspace and only if the viewer may read its team (otherwise 404).
 */
import { and, eq } from 'drizzle-orm';
import { issue, type Executor } from '@exponential/db';
import { notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { getReadableTeam, teamIdByKey, type TeamViewer } from '../teams/teams.repository.ts';

type IssueRow = typeof issue.$inferSelect;

/** Parses `KEY-123` into its team key and number, or null. */
export function parseIdentifier(ref: string): { key: string; number: number } | null {
  const m = /^([A-Za-z][A-Za-z0-9]{0,6})-(\d{1,9})$/.exec(ref.trim());
  if (!m) return null;
  return { key: (m[1] as string).toUpperCase(), number: Number(m[2]) };
}

/**
 * Finds an issue the viewer may read by UUID or identifier.
 * @param field where the reference came from, for the 404 (`/params/issueId`, `/body/parentId`)
 * @param lock take a row lock (FOR UPDATE)
 * @throws AppError 404 when absent, in another workspace, or in a team the viewer cannot read
 */
export async function getReadableIssue(
  ex: Executor,
  viewer: TeamViewer,
  ref: string,
  field: string,
  lock = false,
): Promise<IssueRow & { teamKey: string }> {
  let cond;
  if (isUuid(ref)) {
    cond = and(eq(issue.id, ref), eq(issue.workspaceId, viewer.workspaceId));
  } else {
    const parsed = parseIdentifier(ref);
    if (!parsed) throw notFound('Issue', field, ref);
    const teamId = await teamIdByKey(ex, viewer.workspaceId, parsed.key);
    if (!teamId) throw notFound('Issue', field, ref);
    cond = and(eq(issue.teamId, teamId), eq(issue.number, parsed.number));
  }
  const q = ex.select().from(issue).where(cond);
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Issue', field, ref);
  let t;
  try {
    t = await getReadableTeam(ex, viewer, row.teamId, field);
  } catch {
    throw notFound('Issue', field, ref);
  }
  return { ...row, teamKey: t.key };
}
