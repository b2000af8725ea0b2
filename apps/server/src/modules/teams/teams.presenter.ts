import { v5 as uuidv5 } from 'uuid';
import type { team, workflowState } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type TeamRow = typeof team.$inferSelect;
type StateRow = typeof workflowState.$inferSelect;

/** A team row as the API and sync show it. */
export function presentTeam(t: TeamRow) {
  return {
    id: t.id,
    name: t.name,
    key: t.key,
    description: t.description,
    isPrivate: t.isPrivate,
    triageEnabled: t.triageEnabled,
    issueCount: t.issueCount,
    createdAt: iso(t.createdAt) as string,
    updatedAt: iso(t.updatedAt) as string,
    archivedAt: iso(t.archivedAt),
  };
}

/** A workflow state row as the API and sync show it. */
export function presentState(s: StateRow) {
  return {
    id: s.id,
    teamId: s.teamId,
    name: s.name,
    category: s.category,
    color: s.color,
    description: s.description,
    position: s.position,
    isDefault: s.isDefault,
    createdAt: iso(s.createdAt) as string,
    updatedAt: iso(s.updatedAt) as string,
  };
}

/** Namespace for team membership ids (a random UUID fixed for this purpose). */
const TEAM_MEMBER_NAMESPACE = '5b0b7f7e-9a51-4f43-8f5a-3c2f0c6d1e42';

/**
 * A team membership as sync shows it. Memberships have no row id, so their id is a name-based
 * UUID (RFC 9562 §5.5, version 5) of the pair: the same pair always gets the same id, and
 * different pairs never collide in a client's store.
 */
export function presentTeamMember(teamId: string, userId: string) {
  return { id: uuidv5(`${teamId}:${userId}`, TEAM_MEMBER_NAMESPACE), teamId, userId };
}
