/**
 * Invitations to join a workspace by e-mail.
 *
 * - Owners and admins invite with role admin, member or guest; invitations never grant
 *   ownership (422: promote the person after they join). Inviting an address that already has a
 *   pending invitation rotates its token and restarts its 7 days (the original's "resend").
 * - The token is `inv_` + 256 random bits; only its SHA-256 is stored. It reaches the invitee only
 *   by mail, as `<appUrl>/invite/<token>`, sent after commit; API responses never contain it.
 * - `preview` (public, rate-limited per IP) shows the workspace name, role, inviter's name and
 *   expiry to whoever holds the token, never the address.
 * - `listMine` lists the signed-in user's own pending, unexpired invitations (matched by their
 *   verified e-mail: every account's address was proven by a magic link or a verified OIDC claim);
 *   `acceptMine` accepts one of those by id, so a person who signs in normally can join without
 *   the mailed link. Another address's invitation is a 404 there (its existence is not revealed).
 * - Outside production the invitation link is also passed to `log` (the server log), as sign-in
 *   links are, so a local install without SMTP can follow it. `accept` needs a browser session whose e-mail is the invited one; the new member
 *   joins the workspace's oldest live public team (as the original's accept and approved-domain
 *   auto-join do, inventory §2.6–2.7), so they see work from the start. Never a private team:
 *   its members choose who joins it.
 * Audit events: `invitation.created`, `invitation.resent`, `invitation.revoked`, `invitation.accepted`.
 */
import { presentTeamMember } from '../teams/teams.presenter.ts';
import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import { invitation, member, team, teamMember, user, workspace } from '@exponential/db';
import type { Config } from '../../config.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError, badRequest, conflict, forbidden, invalid, notFound } from '../../lib/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { authorize, type Role } from '../../lib/policy.ts';
import type { MutationDeps } from '../../sync/mutation.ts';
import { runMutation } from '../../sync/mutation.ts';
import { recordAudit, type requestOrigin } from '../../lib/audit.ts';
import { presentInvitation, presentMemberOp } from './members.presenter.ts';

/** Where a request came from (client address, User-Agent), recorded with audit events. */
type RequestOrigin = ReturnType<typeof requestOrigin>;

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

/** The caller as invitation management needs it. */
export interface InvitingActor {
  userId: string;
  name: string;
  workspaceId: string;
  role: Role;
}

/** Lower-cased, trimmed address, as `user.email` stores it. */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Header-safe single line (a workspace name could contain line breaks). */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').trim();
}

/** Creates the invitations service. */
export function createInvitationService(deps: MutationDeps & { config: Config; mailer: Mailer; log?: (line: string) => void }) {
  const db = deps.database.db;
  const cursors = createCursorCodec([deps.config.sessionSecret, ...(deps.config.sessionSecretPrevious ? [deps.config.sessionSecretPrevious] : [])]);
  const notManager = 'Only workspace owners and admins can manage invitations';

  async function findByToken(token: string) {
    if (!token.startsWith('inv_')) return undefined;
    const [row] = await db
      .select({ i: invitation, w: { id: workspace.id, name: workspace.name, urlSlug: workspace.urlSlug }, inviterName: user.name })
      .from(invitation)
      .innerJoin(workspace, eq(workspace.id, invitation.workspaceId))
      .leftJoin(user, eq(user.id, invitation.invitedById))
      .where(eq(invitation.tokenHash, sha256(token)));
    return row;
  }

  /**
   * Joins the workspace of invitation `invitationId` for `actor` (see `accept`).
   * @param field where a missing invitation is reported (`/body/token` or `/params/invitationId`)
   */
  async function acceptRow(actor: { userId: string; email: string }, found: { i: { id: string }; w: { id: string; name: string; urlSlug: string } }, field: string, meta: RequestOrigin) {
    const r = await runMutation(deps, found.w.id, actor.userId, async (ctx) => {
      const [inv] = await ctx.tx.select().from(invitation).where(eq(invitation.id, found.i.id)).for('update');
      if (!inv) throw notFound('Invitation', field);
      if (inv.email !== normalizeEmail(actor.email)) {
        throw forbidden('This invitation was sent to another e-mail address', 'invitation_email_mismatch');
      }
      if (inv.status === 'accepted') throw badRequest('invitation_used', 'This invitation has already been used', field);
      if (inv.status === 'revoked') throw badRequest('invitation_revoked', 'This invitation was revoked', field);
      if (inv.expiresAt <= ctx.now) throw new AppError(400, 'invitation_expired', 'This invitation has expired; ask for a new one', [{ field, message: 'expired' }]);
      await ctx.tx.update(invitation).set({ status: 'accepted', acceptedAt: ctx.now, updatedAt: ctx.now }).where(eq(invitation.id, inv.id));
      const [existing] = await ctx.tx
        .select({ role: member.role })
        .from(member)
        .where(and(eq(member.workspaceId, inv.workspaceId), eq(member.userId, actor.userId)));
      let role: Role = existing?.role ?? inv.role;
      let teamId: string | null = null;
      if (!existing) {
        const [m] = await ctx.tx
          .insert(member)
          .values({ id: newId(), workspaceId: inv.workspaceId, userId: actor.userId, role: inv.role, createdAt: ctx.now, updatedAt: ctx.now })
          .returning();
        const [u] = await ctx.tx.select({ name: user.name, email: user.email, avatarUrl: user.avatarUrl }).from(user).where(eq(user.id, actor.userId));
        ctx.emit({ entity: 'member', id: m!.id, action: 'insert', data: presentMemberOp(m!, u!) });
        role = m!.role;
        const [first] = await ctx.tx
          .select({ id: team.id })
          .from(team)
          .where(and(eq(team.workspaceId, inv.workspaceId), isNull(team.archivedAt), eq(team.isPrivate, false)))
          .orderBy(asc(team.createdAt), asc(team.id))
          .limit(1);
        if (first) {
          teamId = first.id;
          await ctx.tx.insert(teamMember).values({ teamId, userId: actor.userId, workspaceId: inv.workspaceId, createdAt: ctx.now }).onConflictDoNothing();
          const tm = presentTeamMember(teamId, actor.userId);
          ctx.emit({ entity: 'teamMember', id: tm.id, action: 'insert', data: tm, teamId });
        }
      }
      await recordAudit(ctx.tx, {
        workspaceId: inv.workspaceId,
        actorId: actor.userId,
        action: 'invitation.accepted',
        targetType: 'invitation',
        targetId: inv.id,
        metadata: { role, alreadyMember: !!existing },
        ...meta,
        at: ctx.now,
      });
      return { workspaceId: found.w.id, workspaceName: found.w.name, urlSlug: found.w.urlSlug, role, teamId };
    });
    return r.value;
  }

  return {
    /**
     * Invites `email` (or rotates the token of its pending invitation) and mails the link.
     * @returns the invitation and whether it is new (201) or was re-sent (200)
     * @throws AppError 403, 409 `already_member`, 422 `invalid_role`
     */
    async create(actor: InvitingActor, input: { email: string; role: Role }, meta: RequestOrigin) {
      authorize(actor, 'member.invite', notManager);
      if (input.role === 'owner') {
        throw invalid('/body/role', 'Invitations cannot grant the owner role; make the person an owner once they have joined', 'invalid_role');
      }
      const email = normalizeEmail(input.email);
      const token = randomToken('inv_');
      const r = await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        await assertStillMember(ctx.tx, actor);
        const [already] = await ctx.tx
          .select({ id: member.id })
          .from(member)
          .innerJoin(user, eq(user.id, member.userId))
          .where(and(eq(member.workspaceId, actor.workspaceId), eq(user.email, email)));
        if (already) throw conflict('This person is already a workspace member', 'already_member', '/body/email');
        const expiresAt = new Date(ctx.now.getTime() + INVITATION_TTL_MS);
        const [pending] = await ctx.tx
          .select({ id: invitation.id })
          .from(invitation)
          .where(and(eq(invitation.workspaceId, actor.workspaceId), eq(invitation.email, email), eq(invitation.status, 'pending')))
          .for('update');
        const fields = { role: input.role, tokenHash: sha256(token), invitedById: actor.userId, expiresAt, updatedAt: ctx.now };
        const [row] = pending
          ? await ctx.tx.update(invitation).set(fields).where(eq(invitation.id, pending.id)).returning()
          : await ctx.tx.insert(invitation).values({ id: newId(), workspaceId: actor.workspaceId, email, createdAt: ctx.now, ...fields }).returning();
        await recordAudit(ctx.tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: pending ? 'invitation.resent' : 'invitation.created',
          targetType: 'invitation',
          targetId: row!.id,
          metadata: { email, role: input.role },
          ...meta,
          at: ctx.now,
        });
        const [w] = await ctx.tx.select({ name: workspace.name }).from(workspace).where(eq(workspace.id, actor.workspaceId));
        const workspaceName = oneLine(w!.name);
        const link = `${deps.config.appUrl}/invite/${token}`;
        ctx.afterCommit(() => {
          if (deps.config.mode !== 'production') deps.log?.(`Invitation link for ${email} (${workspaceName}): ${link}`);
          return deps.mailer.send({
            to: email,
            subject: `${oneLine(actor.name)} invited you to ${workspaceName} on exponential`,
            text:
              `${oneLine(actor.name)} invited you to join the workspace "${workspaceName}" on exponential as ${input.role === 'admin' ? 'an admin' : `a ${input.role}`}.\n\n` +
              `Accept the invitation:\n${link}\n\n` +
              `The link works until ${expiresAt.toUTCString()} and only for ${email}. If you did not expect it, ignore this e-mail.\n`,
          });
        });
        return { invitation: presentInvitation(row!), created: !pending };
      });
      return r.value;
    },

    /** Pending invitations of the workspace, oldest first (expired ones included). @throws AppError 400, 403 */
    async list(actor: InvitingActor, query: { limit?: number; cursor?: string }) {
      authorize(actor, 'member.invite', notManager);
      const limit = query.limit ?? 50;
      let after;
      if (query.cursor) {
        const [id] = cursors.decode(query.cursor);
        if (typeof id !== 'string' || !isUuid(id)) throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
        after = gt(invitation.id, id);
      }
      const rows = await db
        .select()
        .from(invitation)
        .where(and(eq(invitation.workspaceId, actor.workspaceId), eq(invitation.status, 'pending'), after))
        .orderBy(asc(invitation.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: page.map(presentInvitation), nextCursor: rows.length > limit && last ? cursors.encode([last.id]) : null };
    },

    /** Revokes a pending invitation. @throws AppError 403, 404 (unknown, another workspace's, or no longer pending) */
    async revoke(actor: InvitingActor, invitationId: string, meta: RequestOrigin) {
      authorize(actor, 'member.invite', notManager);
      await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        await assertStillMember(ctx.tx, actor);
        const [row] = await ctx.tx
          .update(invitation)
          .set({ status: 'revoked', updatedAt: ctx.now })
          .where(and(eq(invitation.id, invitationId), eq(invitation.workspaceId, actor.workspaceId), eq(invitation.status, 'pending')))
          .returning();
        if (!row) throw notFound('Invitation', '/params/invitationId', invitationId);
        await recordAudit(ctx.tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'invitation.revoked',
          targetType: 'invitation',
          targetId: row.id,
          metadata: { email: row.email, role: row.role },
          ...meta,
          at: ctx.now,
        });
      });
    },

    /** What an invitation link leads to (workspace, inviter's name, role, expiry), without the invited address. @throws AppError 404 */
    async preview(token: string) {
      const row = await findByToken(token);
      if (!row) throw notFound('Invitation', '/query/token');
      return {
        workspaceName: row.w.name,
        invitedByName: row.inviterName ?? null,
        role: row.i.role,
        expiresAt: row.i.expiresAt.toISOString(),
        valid: row.i.status === 'pending' && row.i.expiresAt > deps.clock.now(),
      };
    },

    /**
     * Joins the workspace with the invitation's role (and its oldest live public team, if any).
     * @throws AppError 404, 403 `invitation_email_mismatch`, 400 `invitation_used` | `invitation_revoked` | `invitation_expired`
     */
    async accept(actor: { userId: string; email: string }, token: string, meta: RequestOrigin) {
      const found = await findByToken(token);
      if (!found) throw notFound('Invitation', '/body/token');
      return acceptRow(actor, found, '/body/token', meta);
    },

    /**
     * The signed-in user's pending, unexpired invitations (by their verified address), newest
     * first, at most 50: id, workspace name, role, inviter's name, expiry. Never a token.
     */
    async listMine(actor: { email: string }) {
      const rows = await db
        .select({ i: invitation, workspaceName: workspace.name, inviterName: user.name })
        .from(invitation)
        .innerJoin(workspace, eq(workspace.id, invitation.workspaceId))
        .leftJoin(user, eq(user.id, invitation.invitedById))
        .where(and(eq(invitation.email, normalizeEmail(actor.email)), eq(invitation.status, 'pending'), gt(invitation.expiresAt, deps.clock.now())))
        .orderBy(desc(invitation.createdAt), desc(invitation.id))
        .limit(50);
      return {
        data: rows.map((r) => ({
          id: r.i.id,
          workspaceName: r.workspaceName,
          role: r.i.role,
          invitedByName: r.inviterName ?? null,
          expiresAt: r.i.expiresAt.toISOString(),
        })),
      };
    },

    /**
     * Accepts one of the signed-in user's own invitations by id (as `accept` does with a token).
     * @throws AppError 404 (unknown, or addressed to someone else), 400 `invitation_used` | `invitation_revoked` | `invitation_expired`
     */
    async acceptMine(actor: { userId: string; email: string }, invitationId: string, meta: RequestOrigin) {
      const [found] = await db
        .select({ i: { id: invitation.id }, w: { id: workspace.id, name: workspace.name, urlSlug: workspace.urlSlug } })
        .from(invitation)
        .innerJoin(workspace, eq(workspace.id, invitation.workspaceId))
        .where(and(eq(invitation.id, invitationId), eq(invitation.email, normalizeEmail(actor.email))));
      if (!found) throw notFound('Invitation', '/params/invitationId', invitationId);
      return acceptRow(actor, found, '/params/invitationId', meta);
    },
  };
}

/** The invitations service's type. */
export type InvitationService = ReturnType<typeof createInvitationService>;
