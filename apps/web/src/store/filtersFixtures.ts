/** Test fixtures for list queries (unit tests and the B11 benchmark). */
import type { Issue } from '../api/types.ts';

/** An issue with defaults; `over` wins. */
export function mkIssue(id: string, over: Partial<Issue> = {}): Issue {
  return {
    id,
    identifier: `ENG-${id}`,
    number: Number(id.replace(/\D/g, '')) || 1,
    teamId: 't1',
    title: `Issue ${id}`,
    description: null,
    stateId: 'todo',
    priority: 'none',
    estimate: null,
    assigneeId: null,
    creatorId: 'u1',
    parentId: null,
    labelIds: [],
    sortOrder: `a${id}`,
    dueDate: null,
    startedAt: null,
    completedAt: null,
    canceledAt: null,
    archivedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}
