/**
 * Subscribing to issues and listing subscribers. Anyone who can read an issue may subscribe to it;
 * commenting subscribes too (comments.service.ts).
 */
import { and, asc, eq } from 'drizzle-orm';
import { issueSubscription, member, user } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { runMutation } from '../../sync/mutation.ts';
import { afterPosition, createKeyset, toPage, tsText } from '../history/keyset.ts';
import { getReadableIssue } from '../issues/issues.repository.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { subscribeIn, subscriptionState, unsubscribeIn } from './subscriptions.repository.ts';
import { assertStillMember } from '../../lib/membership.ts';

/** Creates the subscriptions service. */
export function createSubscriptionService(deps: ModuleDeps) {
  const db = deps.database.db;
  const keyset = createKeyset(deps.config);

  /** Subscribes or unsubscribes the viewer, then reads the new state in the same transaction. */
  async function set(viewer: TeamViewer, issueRef: string, subscribed: boolean) {
    const { value } = await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
      await assertStillMember(ctx.tx, viewer);
      const iss = await getReadableIssue(ctx.tx, viewer, issueRef, '/params/issueId');
      if (subscribed) await subscribeIn(ctx, iss, viewer.userId);
      else await unsubscribeIn(ctx, iss, viewer.userId);
      return subscriptionState(ctx.tx, viewer.workspaceId, iss.id, viewer.userId);
    });
    return value;
  }

  return {
    /** `{subscribed, subscriberCount}` for the viewer. @throws AppError 404 */
    async state(viewer: TeamViewer, issueRef: string) {
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      return subscriptionState(db, viewer.workspaceId, iss.id, viewer.userId);
    },

    /** Subscribes the viewer (idempotent). @throws AppError 404 */
    subscribe: (viewer: TeamViewer, issueRef: string) => set(viewer, issueRef, true),

    /** Unsubscribes the viewer (idempotent). @throws AppError 404 */
    unsubscribe: (viewer: TeamViewer, issueRef: string) => set(viewer, issueRef, false),

    /**
     * Subscribers who are still workspace members, in the order they subscribed.
     * @throws AppError 404, 400 `invalid_cursor`
     */
    async subscribers(viewer: TeamViewer, issueRef: string, q: { limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const pos = keyset.decode(q.cursor);
      const iss = await getReadableIssue(db, viewer, issueRef, '/params/issueId');
      const rows = await db
        .select({ id: user.id, name: user.name, avatarUrl: user.avatarUrl, ts: tsText(issueSubscription.createdAt) })
        .from(issueSubscription)
        .innerJoin(user, eq(user.id, issueSubscription.userId))
        .innerJoin(member, and(eq(member.userId, issueSubscription.userId), eq(member.workspaceId, viewer.workspaceId)))
        .where(
          and(
            eq(issueSubscription.issueId, iss.id),
            pos ? afterPosition(issueSubscription.createdAt, issueSubscription.userId, pos, 'asc') : undefined,
          ),
        )
        .orderBy(asc(issueSubscription.createdAt), asc(issueSubscription.userId))
        .limit(limit + 1);
      return toPage(rows, limit, keyset, (r) => ({ ts: r.ts, id: r.id }), ({ id, name, avatarUrl }) => ({ id, name, avatarUrl }));
    },
  };
}
