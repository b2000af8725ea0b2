/**
 * Reading an issue's history (its activity log), newest first. Events are written by the modules
 * that change issues, through `recordHistory` (history.repository.ts).
 */
import { and, desc, eq } from 'drizzle-orm';
import { issueHistory, user } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { presentHistory } from './history.presenter.ts';
import { afterPosition, createKeyset, toPage, tsText } from './keyset.ts';

/** Creates the history service. */
export function createHistoryService(deps: ModuleDeps) {
  const db = deps.database.db;
  const keyset = createKeyset(deps.config);

  return {
    /**
     * One page of an issue's history, newest first.
     * @throws AppError 404 (issue not readable), 400 `invalid_cursor`
     */
    async list(viewer: TeamViewer, issueRef: string, q: { limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const pos = keyset.decode(q.cursor);
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      const rows = await db
        .select({ h: issueHistory, actorName: user.name, ts: tsText(issueHistory.createdAt) })
        .from(issueHistory)
        .leftJoin(user, eq(user.id, issueHistory.actorId))
        .where(and(eq(issueHistory.issueId, iss.id), pos ? afterPosition(issueHistory.createdAt, issueHistory.id, pos, 'desc') : undefined))
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
