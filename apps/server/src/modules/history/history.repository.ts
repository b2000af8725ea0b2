/**
 * Writing issue history events from any module, inside its mutation, with their sync operation.
 */
import { issueHistory } from '@exponential/db';
import { newId } from '../../lib/ids.ts';
import type { MutationContext } from '../../sync/mutation.ts';
import { presentHistory, type HistoryActor } from './history.presenter.ts';

/** One event to record. */
export interface HistoryEventInput {
  issueId: string;
  /** Team of the issue: governs who receives the sync operation. */
  teamId: string;
  /** `relation_added`, `relation_removed`, … (the `issue_history.kind` vocabulary). */
  kind: string;
  /** Free-form details of the event, JSON. */
  changes: Record<string, unknown>;
}

/**
 * Inserts history events at `ctx.now`, by `actor`, and emits an `issueHistory` insert for each.
 * @param actor the acting user with their display name (null for the system)
 */
export async function recordHistory(ctx: MutationContext, actor: HistoryActor, events: HistoryEventInput[]): Promise<void> {
  if (!events.length) return;
  const rows = await ctx.tx
    .insert(issueHistory)
    .values(
      events.map((e) => ({
        id: newId(),
        workspaceId: ctx.workspaceId,
        issueId: e.issueId,
        actorId: actor?.id ?? null,
        kind: e.kind,
        changes: e.changes,
        createdAt: ctx.now,
      })),
    )
    .returning();
  rows.forEach((row, i) => {
    ctx.emit({ entity: 'issueHistory', id: row.id, action: 'insert', data: presentHistory(row, actor), teamId: events[i]!.teamId });
  });
}
