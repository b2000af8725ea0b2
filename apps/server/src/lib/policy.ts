/**
 * The one policy module: typed abilities per role, used by every service.
 *
 * Roles (Linear's): owner > admin > member > guest. Owners and admins manage the workspace,
 * members do the work, guests see and work only in the teams they belong to. Team visibility:
 * private teams are visible to their members and to owners and admins; guests see only their
 * teams. An object the actor may not read is reported as 404 by the services, never 403.
 */
import { forbidden } from './errors.ts';

/** Workspace role of a member. */
export type Role = 'owner' | 'admin' | 'member' | 'guest';

/** Every ability a service can check. */
export type Ability =
  | 'workspace.update'
  | 'workspace.delete'
  | 'member.read'
  | 'member.invite'
  | 'member.updateRole'
  | 'member.remove'
  | 'team.create'
  | 'team.update'
  | 'team.delete'
  | 'team.manageMembers'
  | 'workflowState.manage'
  | 'label.create'
  | 'label.manage'
  | 'issue.create'
  | 'issue.update'
  | 'issue.delete'
  | 'comment.create'
  | 'token.manage'
  | 'audit.read'
  | 'workspace.import'
  | 'workspace.export';

const MANAGERS: ReadonlySet<Role> = new Set(['owner', 'admin']);
const WORKERS: ReadonlySet<Role> = new Set(['owner', 'admin', 'member']);
const ALL: ReadonlySet<Role> = new Set(['owner', 'admin', 'member', 'guest']);

/** Which roles hold each ability. */
export const abilityRoles: Record<Ability, ReadonlySet<Role>> = {
  'workspace.update': MANAGERS,
  'workspace.delete': new Set(['owner']),
  'member.read': ALL,
  'member.invite': MANAGERS,
  'member.updateRole': MANAGERS,
  'member.remove': MANAGERS,
  'team.create': MANAGERS,
  'team.update': MANAGERS,
  'team.delete': MANAGERS,
  'team.manageMembers': MANAGERS,
  'workflowState.manage': MANAGERS,
  'label.create': WORKERS,
  'label.manage': MANAGERS,
  'issue.create': ALL,
  'issue.update': ALL,
  'issue.delete': WORKERS,
  'comment.create': ALL,
  'token.manage': ALL,
  'audit.read': MANAGERS,
  // Imports create teams, states, labels and placeholder people; exports hold everything.
  'workspace.import': MANAGERS,
  'workspace.export': MANAGERS,
};

/** The part of an actor the policy needs. */
export interface PolicySubject {
  role: Role | null;
}

/** True when `subject`'s role holds `ability`. */
export function can(subject: PolicySubject, ability: Ability): boolean {
  return subject.role !== null && abilityRoles[ability].has(subject.role);
}

/**
 * Throws 403 unless `subject` holds `ability`.
 * @throws AppError 403 `forbidden` with `message` (or a generic one)
 */
export function authorize(subject: PolicySubject, ability: Ability, message?: string): void {
  if (!can(subject, ability)) throw forbidden(message);
}

/** True when the role is owner or admin. */
export function isManager(role: Role | null): boolean {
  return role !== null && MANAGERS.has(role);
}

/**
 * Whether a member with `role` may read a team.
 * @param isTeamMember whether the actor belongs to the team
 */
export function canReadTeam(role: Role | null, team: { isPrivate: boolean }, isTeamMember: boolean): boolean {
  if (role === null) return false;
  if (isTeamMember) return true;
  if (role === 'guest') return false;
  if (!team.isPrivate) return true;
  return isManager(role);
}

/** Abilities listed for the client, so the UI can hide what the user cannot do. */
export function abilitiesOf(role: Role | null): Ability[] {
  return (Object.keys(abilityRoles) as Ability[]).filter((a) => role !== null && abilityRoles[a].has(role));
}
