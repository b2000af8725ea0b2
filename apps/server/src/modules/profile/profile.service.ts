/**
 * The signed-in user's own profile: display name and avatar URL.
 *
 * A user row is shared by every workspace the user belongs to, and each workspace's op log
 * carries that user's public profile as the `member` entity (members.presenter.ts
 * `presentMemberOp`). So a change runs one mutation per workspace, in workspace-id order (a fixed
 * lock order, so two concurrent changes cannot deadlock): each updates the user row and emits the
 * `member` post-image in the same transaction, so every workspace's clients receive the new name.
 * A user without workspaces is updated in a plain transaction. An account-level audit event
 * `user.profile_updated` (no workspace; listed for the workspace's members) names the fields.
 */
import { and, asc, eq } from 'drizzle-orm';
import { member, user, type Tx } from '@exponential/db';
import { recordAudit, type requestOrigin } from '../../lib/audit.ts';
import { invalid, notFound } from '../../lib/errors.ts';
import { runMutation, type MutationDeps } from '../../sync/mutation.ts';
import { presentMemberOp } from '../members/members.presenter.ts';
import type { UpdateProfileInput } from './profile.schemas.ts';

/** Where a request came from (client address, User-Agent), recorded with the audit event. */
type RequestOrigin = ReturnType<typeof requestOrigin>;

/** The signed-in user's profile as presented. */
export interface Profile {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
}

/** Message for an avatar URL that is not https. */
export const AVATAR_HTTPS_MESSAGE = 'avatarUrl must be an https:// URL without user name or password';

/**
 * Checks an avatar URL: absolute, `https:` (the app's CSP loads images from https only), no
 * credentials in it (RFC 3986 §3.2.1 deprecates them).
 * @throws AppError 422 `invalid_avatar_url` at `/body/avatarUrl`
 */
export function checkAvatarUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('/body/avatarUrl', AVATAR_HTTPS_MESSAGE, 'invalid_avatar_url');
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) {
    throw invalid('/body/avatarUrl', AVATAR_HTTPS_MESSAGE, 'invalid_avatar_url');
  }
  return url.href;
}

/** Creates the profile service. */
export function createProfileService(deps: MutationDeps) {
  const db = deps.database.db;

  /** Writes the new values and returns the user's row (within `tx`). */
  async function write(tx: Tx, userId: string, set: { name?: string; avatarUrl?: string | null }, now: Date) {
    const [u] = await tx.update(user).set({ ...set, updatedAt: now }).where(eq(user.id, userId)).returning();
    if (!u) throw notFound('User');
    return u;
  }

  return {
    /**
     * Changes the caller's name and/or avatar URL.
     * @returns the profile after the change
     * @throws AppError 422 `invalid_avatar_url`; 404 when the user no longer exists
     */
    async update(userId: string, input: UpdateProfileInput, origin: RequestOrigin): Promise<Profile> {
      const set: { name?: string; avatarUrl?: string | null } = {};
      if (input.name !== undefined) set.name = input.name.trim();
      if (input.avatarUrl !== undefined) set.avatarUrl = input.avatarUrl === null ? null : checkAvatarUrl(input.avatarUrl);

      const [current] = await db.select().from(user).where(eq(user.id, userId));
      if (!current) throw notFound('User');
      const fields = Object.keys(set).filter((k) => set[k as keyof typeof set] !== current[k as keyof typeof set]);
      if (!fields.length) return present(current);

      const audit = (tx: Tx, at: Date) =>
        recordAudit(tx, { workspaceId: null, actorId: userId, action: 'user.profile_updated', targetType: 'user', targetId: userId, metadata: { fields }, ...origin, at });

      const workspaces = await db
        .select({ workspaceId: member.workspaceId })
        .from(member)
        .where(eq(member.userId, userId))
        .orderBy(asc(member.workspaceId));
      if (!workspaces.length) {
        const now = deps.clock.now();
        return present(
          await db.transaction(async (tx) => {
            const u = await write(tx, userId, set, now);
            await audit(tx, now);
            return u;
          }),
        );
      }

      let after: Profile | null = null;
      for (const [i, { workspaceId }] of workspaces.entries()) {
        const r = await runMutation(deps, workspaceId, userId, async (ctx) => {
          const u = await write(ctx.tx, userId, set, ctx.now);
          const [m] = await ctx.tx.select().from(member).where(and(eq(member.workspaceId, workspaceId), eq(member.userId, userId)));
          // The membership ended since the list was read: nothing to tell this workspace.
          if (m) ctx.emit({ entity: 'member', id: m.id, action: 'update', data: presentMemberOp(m, u) });
          if (i === 0) await audit(ctx.tx, ctx.now);
          return u;
        });
        after = present(r.value);
      }
      return after!;
    },
  };
}

function present(u: typeof user.$inferSelect): Profile {
  return { id: u.id, email: u.email, name: u.name, avatarUrl: u.avatarUrl };
}

/** The profile service's type. */
export type ProfileService = ReturnType<typeof createProfileService>;
