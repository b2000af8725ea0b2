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
