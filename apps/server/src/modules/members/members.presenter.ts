import type { invitation, member, user } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type MemberRow = typeof member.$inferSelect;
type UserRow = Pick<typeof user.$inferSelect, 'name' | 'email' | 'avatarUrl'>;
type InvitationRow = typeof invitation.$inferSelect;

/** A membership with its user, as `GET /members` lists it. */
export function presentMember(m: MemberRow, u: UserRow) {
  return {
    id: m.id,
    userId: m.userId,
    name: u.name,
    email: u.email,
    avatarUrl: u.avatarUrl,
    role: m.role,
    createdAt: iso(m.createdAt) as string,
  };
}

/**
 * A membership as the op log carries it (entity `member`): the public profile and role only,
 * without the e-mail address, since every member of the workspace receives it.
 */
export function presentMemberOp(m: MemberRow, u: UserRow) {
  return {
    id: m.id,
    userId: m.userId,
    name: u.name,
    avatarUrl: u.avatarUrl,
    role: m.role,
    createdAt: iso(m.createdAt) as string,
    updatedAt: iso(m.updatedAt) as string,
  };
}

/** An invitation as managers see it: never its token or hash. */
export function presentInvitation(i: InvitationRow) {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status,
    invitedById: i.invitedById,
    expiresAt: iso(i.expiresAt) as string,
    createdAt: iso(i.createdAt) as string,
    updatedAt: iso(i.updatedAt) as string,
  };
}
