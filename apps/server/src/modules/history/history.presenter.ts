import type { issueHistory } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type HistoryRow = typeof issueHistory.$inferSelect;

/** Who made a change, as history shows it; null when the change came from the system or a deleted user. */
export type HistoryActor = { id: string; name: string } | null;

/** One issue history event as REST and sync show it. */
export function presentHistory(row: HistoryRow, actor: HistoryActor) {
  return {
    id: row.id,
    issueId: row.issueId,
    kind: row.kind,
    actor,
    changes: (row.changes ?? {}) as Record<string, unknown>,
    createdAt: iso(row.createdAt) as string,
  };
}

/** The presented history event's type. */
export type PresentedHistory = ReturnType<typeof presentHistory>;
