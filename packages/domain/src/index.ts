/**
 * Shared domain vocabulary and pure rules of exponential, used by the server, the SDK and the
 * web app alike.
 */
export * from './filter.ts';
export * from './views.ts';

/** Workflow state categories in Linear's order. */
export const STATE_CATEGORIES = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'] as const;
/** A workflow state category. */
export type StateCategory = (typeof STATE_CATEGORIES)[number];

/** Issue priorities as the API names them; stored as 0 none, 1 urgent … 4 low (Linear's numbering). */
export const PRIORITIES = ['none', 'urgent', 'high', 'medium', 'low'] as const;
/** An issue priority. */
export type Priority = (typeof PRIORITIES)[number];
