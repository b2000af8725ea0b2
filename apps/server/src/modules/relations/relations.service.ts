/**
 * Relations between issues of one workspace: blocks / blocked by, related, duplicate /
 * duplicated by (Linear's set). Each is stored once (see relations.presenter.ts), so adding the
 * same relation from the other issue (`blocked_by` for an existing `blocks`) is a 409, and so is
 * its reverse (B blocks A while A blocks B; B duplicates A while A duplicates B). Adding or
 * removing one writes a history event on both issues.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { issue, issueRelation, team } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { conflict, invalid, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { authorize } from '../../lib/policy.ts';
import { type MutationContext, runMutation } from '../../sync/mutation.ts';
import { recordHistory } from '../history/history.repository.ts';
import { afterPosition, createKeyset, toPage, tsText } from '../history/keyset.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import { readableTeamIds, type TeamViewer } from '../teams/teams.repository.ts';
import { fromViewpoint, presentRelation, presentStoredRelation, type RelationType, toStored } from './relations.presenter.ts';

/** The acting user, with the name history shows. */
export interface RelationActor extends TeamViewer {
  name: string;
}

type ReadableIssue = Awaited<ReturnType<typeof getReadableIssue>>;
type RelationRow = typeof issueRelation.$inferSelect;

const identifierOf = (i: ReadableIssue) => `${i.teamKey}-${i.number}`;
const summaryOf = (i: ReadableIssue) => ({ id: i.id, identifier: identifierOf(i), title: i.title, stateId: i.stateId });

/** Creates the relations service. */
export function createRelationService(deps: ModuleDeps) {
  const db = deps.database.db;
  const keyset = createKeyset(deps.config);
  const mutate = async <T>(viewer: TeamViewer, fn: (ctx: MutationContext) => Promise<T>) =>
    (
      await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        await assertStillMember(ctx.tx, viewer);
        return fn(ctx);
      })
    ).value;

  /** Emits the relation's operation once per team involved, so readers of either issue get it. */
  function emitRelation(ctx: MutationContext, row: RelationRow, action: 'insert' | 'delete', teams: string[]) {
    for (const teamId of new Set(teams)) {
      ctx.emit({ entity: 'issueRelation', id: row.id, action, data: action === 'delete' ? null : presentStoredRelation(row), teamId });
    }
  }

  /**
   * Writes `kind` on both issues, each naming the other and the relation from its viewpoint. The
   * other issue's identifier is recorded only when both are in the same team: an event is read by
   * everyone who reads its issue (REST and sync), and the other team may be private to them.
   */
  async function historyOnBoth(ctx: MutationContext, actor: RelationActor, kind: string, row: RelationRow, a: ReadableIssue, b: ReadableIssue) {
    const event = (self: ReadableIssue, other: ReadableIssue) => ({
      issueId: self.id,
      teamId: self.teamId,
      kind,
      changes: {
        relationId: row.id,
        type: fromViewpoint(row, self.id).type,
        relatedIssueId: other.id,
        ...(other.teamId === self.teamId ? { relatedIssueIdentifier: identifierOf(other) } : {}),
      },
    });
    await recordHistory(ctx, { id: actor.userId, name: actor.name }, [event(a, b), event(b, a)]);
  }

  return {
    /**
     * One page of an issue's relations in both directions, oldest first, leaving out those whose
     * other issue the viewer cannot read.
     * @throws AppError 404, 400 `invalid_cursor`
     */
    async list(viewer: TeamViewer, issueRef: string, q: { limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const pos = keyset.decode(q.cursor);
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      const readable = await readableTeamIds(db, viewer);
      const other = alias(issue, 'other_issue');
      const rows = await db
        .select({
          r: issueRelation,
          o: { id: other.id, number: other.number, title: other.title, stateId: other.stateId },
          teamKey: team.key,
          ts: tsText(issueRelation.createdAt),
        })
        .from(issueRelation)
        .innerJoin(
          other,
          sql`${other.id} = case when ${issueRelation.issueId} = ${iss.id} then ${issueRelation.relatedIssueId} else ${issueRelation.issueId} end`,
        )
        .innerJoin(team, eq(team.id, other.teamId))
        .where(
          and(
            eq(issueRelation.workspaceId, viewer.workspaceId),
            or(eq(issueRelation.issueId, iss.id), eq(issueRelation.relatedIssueId, iss.id)),
            inArray(other.teamId, readable),
            pos ? afterPosition(issueRelation.createdAt, issueRelation.id, pos, 'asc') : undefined,
          ),
        )
        .orderBy(asc(issueRelation.createdAt), asc(issueRelation.id))
        .limit(limit + 1);
      return toPage(
        rows,
        limit,
        keyset,
        (r) => ({ ts: r.ts, id: r.r.id }),
        (r) => presentRelation(r.r, iss.id, { id: r.o.id, identifier: `${r.teamKey}-${r.o.number}`, title: r.o.title, stateId: r.o.stateId }),
      );
    },

    /**
     * Relates the issue to another readable issue of the workspace.
     * @throws AppError 404 (`/params/issueId`, `/body/relatedIssueId`), 409 `relation_exists` | `id_taken`,
     *   422 self relation
     */
    async create(actor: RelationActor, issueRef: string, input: { id?: string; type: RelationType; relatedIssueId: string }) {
      authorize(actor, 'issue.update');
      return mutate(actor, async (ctx) => {
        const self = await getReadableIssue(ctx.tx, actor, issueRef, '/params/issueId');
        const other = await getReadableIssue(ctx.tx, actor, input.relatedIssueId, '/body/relatedIssueId');
        if (self.id === other.id) throw invalid('/body/relatedIssueId', 'An issue cannot be related to itself');
        const stored = toStored(self.id, other.id, input.type);
        const existing = await ctx.tx
          .select()
          .from(issueRelation)
          .where(
            and(
              eq(issueRelation.type, stored.type),
              or(
                and(eq(issueRelation.issueId, stored.issueId), eq(issueRelation.relatedIssueId, stored.relatedIssueId)),
                and(eq(issueRelation.issueId, stored.relatedIssueId), eq(issueRelation.relatedIssueId, stored.issueId)),
              ),
            ),
          );
        const found = existing[0];
        if (found) {
          const same = found.issueId === stored.issueId;
          throw conflict(
            same ? 'This relation already exists' : 'The reverse relation already exists; remove it first',
            'relation_exists',
            '/body/relatedIssueId',
          );
        }
        const [row] = await ctx.tx
          .insert(issueRelation)
          .values({ id: input.id ?? newId(), workspaceId: actor.workspaceId, ...stored, creatorId: actor.userId, createdAt: ctx.now })
          .onConflictDoNothing()
          .returning();
        if (!row) throw conflict('A relation with this id already exists', 'id_taken', '/body/id');
        emitRelation(ctx, row, 'insert', [self.teamId, other.teamId]);
        await historyOnBoth(ctx, actor, 'relation_added', row, self, other);
        return presentRelation(row, self.id, summaryOf(other));
      });
    },

    /**
     * Removes a relation; both of its issues must be readable.
     * @throws AppError 404
     */
    async remove(actor: RelationActor, relationId: string) {
      authorize(actor, 'issue.update');
      await mutate(actor, async (ctx) => {
        const [row] = await ctx.tx
          .select()
          .from(issueRelation)
          .where(and(eq(issueRelation.id, relationId), eq(issueRelation.workspaceId, actor.workspaceId)));
        if (!row) throw notFound('Relation', '/params/relationId', relationId);
        let a: ReadableIssue;
        let b: ReadableIssue;
        try {
          a = await getReadableIssue(ctx.tx, actor, row.issueId, '/params/relationId');
          b = await getReadableIssue(ctx.tx, actor, row.relatedIssueId, '/params/relationId');
        } catch {
          throw notFound('Relation', '/params/relationId', relationId);
        }
        await ctx.tx.delete(issueRelation).where(eq(issueRelation.id, row.id));
        emitRelation(ctx, row, 'delete', [a.teamId, b.teamId]);
        await historyOnBoth(ctx, actor, 'relation_removed', row, a, b);
      });
    },
  };
}
