/**
 * Issue subscriptions (Linear's "subscribers": who is notified about an issue's activity).
 * A subscription has no row id; its sync entity id is a name-based UUID (RFC 9562 §5.5, v5) of
 * the issue and the user, so the same subscription always has the same id.
 */
import { and, count, eq } from 'drizzle-orm';
import { issueSubscription, member, type Executor } from '@exponential/db';
import { v5 as uuidv5 } from 'uuid';
import { iso } from '../../lib/schemas.ts';
import type { MutationContext } from '../../sync/mutation.ts';

/** Namespace of subscription entity ids (a fixed random UUID; never change it). */
const SUBSCRIPTION_NAMESPACE = '6f1d3c52-8a4e-4b7e-9d0f-2c5a7e9b1f34';

/** The stable sync id of `userId`'s subscription to `issueId`. */
export function subscriptionId(issueId: string, userId: string): string {
  return uuidv5(`${issueId}:${userId}`, SUBSCRIPTION_NAMESPACE);
}

/** The issue fields a subscription change needs. */
export interface SubscribableIssue {
  id: string;
  teamId: string;
}

/**
 * Subscribes `userId` to the issue (no-op when already subscribed) and emits the
 * `issueSubscription` insert.
 * @returns whether a subscription was added
 */
export async function subscribeIn(ctx: MutationContext, iss: SubscribableIssue, userId: string): Promise<boolean> {
  const [row] = await ctx.tx
    .insert(issueSubscription)
    .values({ issueId: iss.id, userId, workspaceId: ctx.workspaceId, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning();
  if (!row) return false;
  const id = subscriptionId(row.issueId, row.userId);
  ctx.emit({
    entity: 'issueSubscription',
    id,
    action: 'insert',
    data: { id, issueId: row.issueId, userId: row.userId, createdAt: iso(row.createdAt) as string },
    teamId: iss.teamId,
  });
  return true;
}

/**
 * Unsubscribes `userId` from the issue (no-op when not subscribed) and emits the delete.
 * @returns whether a subscription was removed
 */
export async function unsubscribeIn(ctx: MutationContext, iss: SubscribableIssue, userId: string): Promise<boolean> {
  const removed = await ctx.tx
    .delete(issueSubscription)
    .where(and(eq(issueSubscription.issueId, iss.id), eq(issueSubscription.userId, userId)))
    .returning();
  if (!removed.length) return false;
  ctx.emit({ entity: 'issueSubscription', id: subscriptionId(iss.id, userId), action: 'delete', data: null, teamId: iss.teamId });
  return true;
}

/**
 * Whether `userId` is subscribed and how many current workspace members are.
 * Subscriptions of users who left the workspace are not counted.
 */
export async function subscriptionState(ex: Executor, workspaceId: string, issueId: string, userId: string) {
  const [mine] = await ex
    .select({ userId: issueSubscription.userId })
    .from(issueSubscription)
    .where(and(eq(issueSubscription.issueId, issueId), eq(issueSubscription.userId, userId)));
  const [total] = await ex
    .select({ n: count() })
    .from(issueSubscription)
    .innerJoin(member, and(eq(member.userId, issueSubscription.userId), eq(member.workspaceId, workspaceId)))
    .where(eq(issueSubscription.issueId, issueId));
  return { subscribed: !!mine, subscriberCount: Number(total?.n ?? 0) };
}
