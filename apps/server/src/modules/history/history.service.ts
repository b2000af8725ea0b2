/**
 * Reading an issue's history (its activity log), newest first. Events are written by the modules
 * that change issues, through `recordHistory` (history.repository.ts).
 */
import { and, count, desc, eq, exists, inArray, not, notInArray, type SQL, sql } from 'drizzle-orm';
import { issue, issueHistory, team, user } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import { readableTeamIds, type TeamViewer } from '../teams/teams.repository.ts';
import { presentHistory } from './history.presenter.ts';
import { afterPosition, createKeyset, toPage, tsText } from './keyset.ts';

/** Creates the history service. */
export function createHistoryService(deps: ModuleDeps) {
  const db = deps.database.db;
  const keyset = createKeyset(deps.config);

  /**
   * The condition leaving out relation events whose other issue is in a team the viewer cannot
   * read (as the relations list leaves out those relations), or undefined when every team is
   * readable. Compared as text, so a malformed `relatedIssueId` never fails the query.
   */
  async function hiddenRelationEvents(viewer: TeamViewer): Promise<SQL | undefined> {
    const [readable, [all]] = await Promise.all([
      readableTeamIds(db, viewer),
      db.select({ n: count() }).from(team).where(eq(team.workspaceId, viewer.workspaceId)),
    ]);
    if (readable.length >= Number(all?.n ?? 0)) return undefined;
    const unreadable = db
      .select({ one: sql`1` })
      .from(issue)
      .where(and(sql`${issue.id}::text = ${issueHistory.changes} ->> 'relatedIssueId'`, readable.length ? notInArray(issue.teamId, readable) : undefined));
    return not(and(inArray(issueHistory.kind, ['relation_added', 'relation_removed']), exists(unreadable))!);
  }

  return {
    /**
     * One page of an issue's history, newest first. Relation events naming an issue of a team
     * the viewer cannot read are left out.
     * @throws AppError 404 (issue not readable), 400 `invalid_cursor`
     */
    async list(viewer: TeamViewer, issueRef: string, q: { limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const pos = keyset.decode(q.cursor);
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      const hidden = await hiddenRelationEvents(viewer);
      const rows = await db
        .select({ h: issueHistory, actorName: user.name, ts: tsText(issueHistory.createdAt) })
        .from(issueHistory)
        .leftJoin(user, eq(user.id, issueHistory.actorId))
        .where(and(eq(issueHistory.issueId, iss.id), hidden, pos ? afterPosition(issueHistory.createdAt, issueHistory.id, pos, 'desc') : undefined))
        .orderBy(desc(issueHistory.createdAt), desc(issueHistory.id))
        .limit(limit + 1);
      return toPage(
        rows,
        limit,
        keyset,
        (r) => ({ ts: r.ts, id: r.h.id }),
        (r) => presentHistory(r.h, r.h.actorId && r.actorName !== null ? { id: r.h.actorId, name: r.actorName } : null),
      );
    },
  };
}
