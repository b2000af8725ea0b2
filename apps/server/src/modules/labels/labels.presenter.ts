import type { label } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type LabelRow = typeof label.$inferSelect;

/** A label row as REST and sync show it. */
export function presentLabel(l: LabelRow) {
  return {
    id: l.id,
    name: l.name,
    color: l.color,
    description: l.description,
    teamId: l.teamId,
    parentId: l.parentId,
    isGroup: l.isGroup,
    createdAt: iso(l.createdAt) as string,
    updatedAt: iso(l.updatedAt) as string,
    archivedAt: iso(l.archivedAt),
  };
}

/** The presented label's type. */
export type PresentedLabel = ReturnType<typeof presentLabel>;
