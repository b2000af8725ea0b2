/**
 * How a saved view displays issues (Linear's display options): layout, grouping, ordering and
 * which properties show. Shared by the server (validation) and the web app.
 */

/** List or board. */
export const VIEW_LAYOUTS = ['list', 'board'] as const;
/** Grouping keys (`none` for a flat list). */
export const VIEW_GROUPINGS = ['state', 'assignee', 'priority', 'label', 'team', 'none'] as const;
/** Orderings. `manual` is the team's drag-and-drop order. */
export const VIEW_ORDERINGS = ['manual', 'priority', 'createdAt', 'updatedAt', 'dueDate'] as const;
/** Properties a row or card can show. */
export const VIEW_PROPERTIES = ['identifier', 'priority', 'state', 'assignee', 'labels', 'dueDate', 'estimate', 'createdAt', 'updatedAt'] as const;

/** Display options of a view. */
export interface ViewDisplay {
  layout: (typeof VIEW_LAYOUTS)[number];
  groupBy: (typeof VIEW_GROUPINGS)[number];
  subGroupBy: (typeof VIEW_GROUPINGS)[number];
  orderBy: (typeof VIEW_ORDERINGS)[number];
  showCompleted: boolean;
  showSubIssues: boolean;
  properties: Array<(typeof VIEW_PROPERTIES)[number]>;
}

/** Linear's defaults: a list grouped by state, newest first is not used — manual order. */
export const DEFAULT_VIEW_DISPLAY: ViewDisplay = {
  layout: 'list',
  groupBy: 'state',
  subGroupBy: 'none',
  orderBy: 'manual',
  showCompleted: true,
  showSubIssues: true,
  properties: ['identifier', 'priority', 'state', 'assignee', 'labels', 'dueDate'],
};
