import type { issue } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

/** API names of priorities, indexed by the stored number (Linear's: 0 none, 1 urgent … 4 low). */
export const PRIORITIES = ['none', 'urgent', 'high', 'medium', 'low'] as const;
/** An issue priority as the API names it. */
export type PriorityName = (typeof PRIORITIES)[number];

/** Stored number of a priority name. */
export function priorityValue(name: PriorityName): number {
  return PRIORITIES.indexOf(name);
}

type IssueRow = typeof issue.$inferSelect;

/** The columns a list item is made of: every column of `issue` but `description` and the import keys. */
export type IssueListRow = Pick<
  IssueRow,
  | 'id'
  | 'number'
  | 'teamId'
  | 'title'
  | 'stateId'
  | 'priority'
  | 'estimate'
  | 'assigneeId'
  | 'creatorId'
  | 'parentId'
  | 'sortOrder'
  | 'dueDate'
  | 'startedAt'
  | 'completedAt'
  | 'canceledAt'
  | 'archivedAt'
  | 'createdAt'
  | 'updatedAt'
>;

/**
 * An issue as lists show it (`GET /issues`, built in SQL by issues.list.ts): every field of
 * {@link presentIssue} except `description`, which only the single issue (`GET /issues/:id`),
 * writes, sync and exports carry.
 */
export type PresentedIssueListItem = Omit<PresentedIssue, 'description'>;

/**
 * An issue as REST and sync show it. `identifier` is computed from the team's current key, so
 * renaming a team key re-keys its issues.
 */
export function presentIssue(row: IssueListRow & Pick<IssueRow, 'description'>, teamKey: string, labelIds: string[]) {
  // Spelled out (not a spread of the list item) to keep the field order of the documents
  // already written (exports, op log) and one allocation per issue in bootstraps and exports.
  return {
    id: row.id,
    identifier: `${teamKey}-${row.number}`,
    number: row.number,
    teamId: row.teamId,
    title: row.title,
    description: row.description,
    stateId: row.stateId,
    priority: PRIORITIES[row.priority] ?? 'none',
    estimate: row.estimate,
    assigneeId: row.assigneeId,
    creatorId: row.creatorId,
    parentId: row.parentId,
    labelIds,
    sortOrder: row.sortOrder,
    dueDate: row.dueDate,
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    canceledAt: iso(row.canceledAt),
    archivedAt: iso(row.archivedAt),
    createdAt: iso(row.createdAt) as string,
    updatedAt: iso(row.updatedAt) as string,
  };
}

/** The presented issue's type. */
export type PresentedIssue = ReturnType<typeof presentIssue>;
