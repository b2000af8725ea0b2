/**
 * Workspace members: listing, role changes, removal and leaving.
 *
 * Rules (the original's `/workspaces/members` rules, inventory §2.7, with its gaps closed):
 * - only owners and admins change roles or remove members; nobody changes their own role
 *   (400 "Use your account settings to change your own access") or removes themself through
 *   the member routes (400 "Use your account settings to leave this workspace");
 * - only owners give or take the owner role (403 "Only owners can manage owner roles") or remove
 *   an owner (403 "Only owners can remove owners");
 * - a workspace always keeps an owner: demoting, removing or the leaving of the last owner is
 *   400 "Each workspace must keep at least one owner" (the original let the last owner leave);
 * - the actor's role is re-read inside the transaction (which holds the workspace lock), so two
 *   owners demoting each other at once cannot leave the workspace without an owner;
 * - leaving or removal deletes the user's team memberships in the workspace, revokes their
 *   personal access tokens and OAuth tokens there and their pending invitations; audit events
 *   `member.role_changed`, `member.removed`, `member.left`.
 */
import { presentTeamMember } from '../teams/teams.presenter.ts';
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import { invitation, member, oauthToken, personalAccessToken, teamMember, user, type Tx } from '@exponential/db';
import type { Config } from '../../config.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { badRequest, forbidden, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { authorize, isManager, type Role } from '../../lib/policy.ts';
import type { MutationContext, MutationDeps } from '../../sync/mutation.ts';
import { runMutation } from '../../sync/mutation.ts';
import { recordAudit, type requestOrigin } from '../../lib/audit.ts';
import { presentMember, presentMemberOp } from './members.presenter.ts';

/** Where a request came from (client address, User-Agent), recorded with audit events. */
type RequestOrigin = ReturnType<typeof requestOrigin>;

/** The caller as the members service needs it. */
export interface MemberActor {
  userId: string;
  workspaceId: string;
  role: Role;
}

/** Message when the last owner would be lost. */
export const LAST_OWNER_MESSAGE = 'Each workspace must keep at least one owner';

type MemberRow = typeof member.$inferSelect;

/** The membership of `userId` with its user, locked. */
export async function lockMembership(tx: Tx, workspaceId: string, userId: string) {
  const [row] = await tx
    .select({ m: member, u: { name: user.name, email: user.email, avatarUrl: user.avatarUrl } })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.workspaceId, workspaceId), eq(member.userId, userId)))
    .for('update', { of: member });
  return row;
}

async function ownerCount(tx: Tx, workspaceId: string): Promise<number> {
  const [r] = await tx.select({ n: count() }).from(member).where(and(eq(member.workspaceId, workspaceId), eq(member.role, 'owner')));
  return Number(r?.n ?? 0);
}

/**
 * Takes a user out of the workspace: team memberships, tokens, pending invitations and the
 * membership itself, with their sync operations and an audit event.
 */
async function depart(ctx: MutationContext, m: MemberRow, email: string, action: 'member.removed' | 'member.left', meta: RequestOrigin) {
  const teams = await ctx.tx
    .delete(teamMember)
    .where(and(eq(teamMember.workspaceId, m.workspaceId), eq(teamMember.userId, m.userId)))
    .returning({ teamId: teamMember.teamId });
  for (const { teamId } of teams) {
    const tm = presentTeamMember(teamId, m.userId);
    ctx.emit({ entity: 'teamMember', id: tm.id, action: 'delete', data: tm, teamId });
  }
  const revoked = await ctx.tx
    .update(personalAccessToken)
    .set({ revokedAt: ctx.now })
    .where(and(eq(personalAccessToken.workspaceId, m.workspaceId), eq(personalAccessToken.userId, m.userId), isNull(personalAccessToken.revokedAt)))
    .returning({ id: personalAccessToken.id });
  // OAuth grants too: otherwise an application's tokens would work again if the person rejoined.
  const grants = await ctx.tx
    .update(oauthToken)
    .set({ revokedAt: ctx.now })
    .where(and(eq(oauthToken.workspaceId, m.workspaceId), eq(oauthToken.userId, m.userId), isNull(oauthToken.revokedAt)))
    .returning({ id: oauthToken.id });
  await ctx.tx
    .update(invitation)
    .set({ status: 'revoked', updatedAt: ctx.now })
    .where(and(eq(invitation.workspaceId, m.workspaceId), eq(invitation.email, email), eq(invitation.status, 'pending')));
  await ctx.tx.delete(member).where(eq(member.id, m.id));
  ctx.emit({ entity: 'member', id: m.id, action: 'delete', data: null });
  await recordAudit(ctx.tx, {
    workspaceId: m.workspaceId,
    actorId: ctx.actorId,
    action,
    targetType: 'user',
    targetId: m.userId,
    metadata: { role: m.role, teamsLeft: teams.length, accessKeysRevoked: revoked.length, appGrantsRevoked: grants.length },
    ...meta,
    at: ctx.now,
  });
}

/** Creates the members service. */
export function createMemberService(deps: MutationDeps & { config: Config }) {
  const db = deps.database.db;
  const cursors = createCursorCodec([deps.config.sessionSecret, ...(deps.config.sessionSecretPrevious ? [deps.config.sessionSecretPrevious] : [])]);

  /** The actor's current role, read under the workspace lock. @throws AppError 403 unless a manager */
  async function currentManagerRole(tx: Tx, actor: MemberActor, message: string): Promise<Role> {
    const [me] = await tx
      .select({ role: member.role })
      .from(member)
      .where(and(eq(member.workspaceId, actor.workspaceId), eq(member.userId, actor.userId)));
    if (!me || !isManager(me.role)) throw forbidden(message);
    return me.role;
  }

  return {
    /** Members of the workspace, oldest membership first. @throws AppError 400 `invalid_cursor` */
    async list(actor: MemberActor, query: { limit?: number; cursor?: string }) {
      authorize(actor, 'member.read');
      const limit = query.limit ?? 50;
      let after;
      if (query.cursor) {
        const [id] = cursors.decode(query.cursor);
        if (typeof id !== 'string' || !isUuid(id)) throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
        after = gt(member.id, id);
      }
      // Membership ids are server-made UUIDv7s, so id order is join order.
      const rows = await db
        .select({ m: member, u: { name: user.name, email: user.email, avatarUrl: user.avatarUrl } })
        .from(member)
        .innerJoin(user, eq(user.id, member.userId))
        .where(and(eq(member.workspaceId, actor.workspaceId), after))
        .orderBy(asc(member.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: page.map((r) => presentMember(r.m, r.u)), nextCursor: rows.length > limit && last ? cursors.encode([last.m.id]) : null };
    },

    /**
     * Changes another member's role.
     * @throws AppError 400 `own_role` | `last_owner`, 403 `forbidden` | `owner_required`, 404
     */
    async updateRole(actor: MemberActor, userId: string, role: Role, meta: RequestOrigin) {
      const notManager = 'Only workspace owners and admins can change member roles';
      authorize(actor, 'member.updateRole', notManager);
      if (userId === actor.userId) throw badRequest('own_role', 'Use your account settings to change your own access', '/params/userId');
      const r = await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        const actorRole = await currentManagerRole(ctx.tx, actor, notManager);
        const target = await lockMembership(ctx.tx, actor.workspaceId, userId);
        if (!target) throw notFound('Member', '/params/userId', userId);
        if (actorRole !== 'owner' && (target.m.role === 'owner' || role === 'owner')) {
          throw forbidden('Only owners can manage owner roles', 'owner_required');
        }
        if (target.m.role === role) return presentMember(target.m, target.u);
        if (target.m.role === 'owner' && (await ownerCount(ctx.tx, actor.workspaceId)) <= 1) {
          throw badRequest('last_owner', LAST_OWNER_MESSAGE, '/body/role');
        }
        const [m] = await ctx.tx.update(member).set({ role, updatedAt: ctx.now }).where(eq(member.id, target.m.id)).returning();
        ctx.emit({ entity: 'member', id: m!.id, action: 'update', data: presentMemberOp(m!, target.u) });
        await recordAudit(ctx.tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'member.role_changed',
          targetType: 'user',
          targetId: userId,
          metadata: { from: target.m.role, to: role },
          ...meta,
          at: ctx.now,
        });
        return presentMember(m!, target.u);
      });
      return r.value;
    },

    /**
     * Removes another member from the workspace.
     * @throws AppError 400 `own_membership` | `last_owner`, 403 `forbidden` | `owner_required`, 404
     */
    async remove(actor: MemberActor, userId: string, meta: RequestOrigin) {
      const notManager = 'Only workspace owners and admins can remove members';
      authorize(actor, 'member.remove', notManager);
      if (userId === actor.userId) throw badRequest('own_membership', 'Use your account settings to leave this workspace', '/params/userId');
      await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        const actorRole = await currentManagerRole(ctx.tx, actor, notManager);
        const target = await lockMembership(ctx.tx, actor.workspaceId, userId);
        if (!target) throw notFound('Member', '/params/userId', userId);
        if (target.m.role === 'owner') {
          if (actorRole !== 'owner') throw forbidden('Only owners can remove owners', 'owner_required');
          if ((await ownerCount(ctx.tx, actor.workspaceId)) <= 1) throw badRequest('last_owner', LAST_OWNER_MESSAGE);
        }
        await depart(ctx, target.m, target.u.email, 'member.removed', meta);
      });
    },

    /** The caller leaves the workspace. @throws AppError 400 `last_owner` */
    async leave(actor: MemberActor, meta: RequestOrigin) {
      await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        const me = await lockMembership(ctx.tx, actor.workspaceId, actor.userId);
        if (!me) throw notFound('Member');
        if (me.m.role === 'owner' && (await ownerCount(ctx.tx, actor.workspaceId)) <= 1) {
          throw badRequest('last_owner', LAST_OWNER_MESSAGE);
        }
        await depart(ctx, me.m, me.u.email, 'member.left', meta);
      });
    },
  };
}

/** The members service's type. */
export type MemberService = ReturnType<typeof createMemberService>;
