/**
 * Pure issue rules (no database): title normalisation, the timestamps a workflow-state
 * category change implies, label set arithmetic, history diffs and search-text handling.
 */
import type { workflowState } from '@exponential/db';
import { AppError, invalid } from '../../lib/errors.ts';
import { codePointLength, hasVisibleCharacter } from '../../lib/text.ts';
import type { PresentedIssue } from './issues.presenter.ts';
import { LABELS_MAX, TITLE_MAX } from './issues.schemas.ts';

/** A workflow state category. */
export type Category = (typeof workflowState.$inferSelect)['category'];

/**
 * Normalises a title: line breaks and tabs become spaces, then it is trimmed.
 * @param field JSON pointer for errors (`/body/title`)
 * @throws AppError 422 when blank, without a visible character (only zero-width or bidi
 *   controls, say), or longer than {@link TITLE_MAX} code points
 */
export function normalizeTitle(raw: string, field: string): string {
  const title = raw.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').trim();
  if (!title) throw invalid(field, 'title must not be blank');
  if (!hasVisibleCharacter(title)) throw invalid(field, 'title must contain a visible character');
  if (codePointLength(title) > TITLE_MAX) {
    throw invalid(field, `title must be at most ${TITLE_MAX} characters (Unicode code points)`);
  }
  return title;
}

/**
 * Checks a `YYYY-MM-DD` date that passed the schema's `format: date` (which already refuses
 * impossible days such as 2026-02-30) for the one value PostgreSQL's `date` cannot store: the
 * year 0000. ISO 8601's proleptic calendar has a year 0; PostgreSQL counts 1 BC instead.
 * @param status 422 for a body field, 400 for a query parameter
 * @throws AppError `validation_failed` naming `field`
 */
export function checkStorableDate(value: string | null | undefined, field: string, status: 400 | 422 = 422): void {
  if (!value?.startsWith('0000-')) return;
  const name = field.split('/').pop();
  throw new AppError(status, 'validation_failed', `${name} must be a date from 0001-01-01 on`, [{ field, message: `${name} must be a date from 0001-01-01 on` }]);
}

/** The lifecycle timestamps of an issue. */
export interface LifecycleTimestamps {
  startedAt: Date | null;
  completedAt: Date | null;
  canceledAt: Date | null;
}

/**
 * Lifecycle timestamps after moving from category `from` (null on create) to `to`, at `now`.
 *
 * Rules (chosen here; the original system never maintained them, inventory §8.6):
 * - `startedAt` is set on entering `started` when it is null, kept through `completed` and
 *   `canceled`, and cleared on going back to `triage`, `backlog` or `unstarted`;
 * - `completedAt` is set on entering `completed` and cleared on leaving it;
 * - `canceledAt` is set on entering `canceled` and cleared on leaving it.
 * A change between two states of the same category keeps every timestamp.
 */
export function lifecycleTimestamps(from: Category | null, to: Category, prev: LifecycleTimestamps, now: Date): LifecycleTimestamps {
  if (from === to) return { startedAt: prev.startedAt, completedAt: prev.completedAt, canceledAt: prev.canceledAt };
  const early = to === 'triage' || to === 'backlog' || to === 'unstarted';
  return {
    startedAt: early ? null : to === 'started' ? (prev.startedAt ?? now) : prev.startedAt,
    completedAt: to === 'completed' ? now : null,
    canceledAt: to === 'canceled' ? now : null,
  };
}

/** Label changes as a PATCH or bulk update sends them. */
export interface LabelChange {
  labelIds?: string[];
  addedLabelIds?: string[];
  removedLabelIds?: string[];
}

/**
 * The label set after a change: `labelIds` replaces, `addedLabelIds`/`removedLabelIds` edit.
 * @param prefix JSON pointer of the object holding the fields (`/body`, `/body/update`)
 * @returns the new set (sorted), or null when the change does not touch labels
 * @throws AppError 422 when both forms are mixed, an id is both added and removed, or the
 *   result exceeds {@link LABELS_MAX}
 */
export function nextLabelIds(current: string[], change: LabelChange, prefix: string): string[] | null {
  const { labelIds, addedLabelIds, removedLabelIds } = change;
  if (labelIds && (addedLabelIds || removedLabelIds)) {
    throw invalid(`${prefix}/labelIds`, 'Send either labelIds or addedLabelIds/removedLabelIds, not both');
  }
  if (labelIds) return [...labelIds].sort();
  if (!addedLabelIds && !removedLabelIds) return null;
  const removed = new Set(removedLabelIds ?? []);
  const both = (addedLabelIds ?? []).find((id) => removed.has(id));
  if (both) throw invalid(`${prefix}/addedLabelIds`, `Label ${both} is both added and removed`);
  const out = new Set(current.filter((id) => !removed.has(id)));
  for (const id of addedLabelIds ?? []) out.add(id);
  if (out.size > LABELS_MAX) throw invalid(`${prefix}/addedLabelIds`, `An issue can have at most ${LABELS_MAX} labels`);
  return [...out].sort();
}

/** Fields whose changes are written to `issue_history` (`sortOrder` and derived timestamps are not). */
export const HISTORY_FIELDS = [
  'title',
  'description',
  'teamId',
  'identifier',
  'stateId',
  'priority',
  'estimate',
  'assigneeId',
  'parentId',
  'labelIds',
  'dueDate',
] as const satisfies ReadonlyArray<keyof PresentedIssue>;

/** `{ field: { from, to } }` of the history row for an update. */
export type HistoryChanges = Record<string, { from: unknown; to: unknown }>;

/** The history diff between two presented issues (only {@link HISTORY_FIELDS}). */
export function historyChanges(before: PresentedIssue, after: PresentedIssue): HistoryChanges {
  const out: HistoryChanges = {};
  for (const f of HISTORY_FIELDS) {
    const a = before[f];
    const b = after[f];
    const same = Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
    if (!same) out[f] = { from: a, to: b };
  }
  return out;
}

/** Escapes LIKE/ILIKE wildcards (`%`, `_`) and the escape character `\` itself. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
