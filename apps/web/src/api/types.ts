/**
 * Shapes of the API's presented entities as the web app uses them (camelCase, ISO timestamps).
 * They mirror the server presenters; the generated SDK types will replace them.
 */

/** Issue priority names, Linear's fixed five levels (0 none, 1 urgent … 4 low). */
export const PRIORITIES = ['none', 'urgent', 'high', 'medium', 'low'] as const;
/** An issue priority. */
export type Priority = (typeof PRIORITIES)[number];

/** Workflow state categories, in their fixed order. */
export const STATE_CATEGORIES = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'] as const;
/** A workflow state category. */
export type StateCategory = (typeof STATE_CATEGORIES)[number];

/** The signed-in user and their memberships (`GET /api/v1/me`). */
export interface Me {
  user: { id: string; email: string; name: string; avatarUrl: string | null };
  workspaceId: string | null;
  role: string | null;
  abilities: string[];
  via: string;
  workspaces: WorkspaceSummary[];
}

/** A workspace the user belongs to. */
export interface WorkspaceSummary {
  id: string;
  name: string;
  urlSlug: string;
  role: string;
}

/** A workspace. */
export interface Workspace {
  id: string;
  name: string;
  urlSlug: string;
  createdAt: string;
  updatedAt: string;
}

/** A team. */
export interface Team {
  id: string;
  name: string;
  key: string;
  description: string | null;
  isPrivate: boolean;
  triageEnabled: boolean;
  issueCount: number;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

/** A team's workflow state. */
export interface WorkflowState {
  id: string;
  teamId: string;
  name: string;
  category: StateCategory;
  color: string;
  description: string | null;
  position: number;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * An issue as REST and sync present it. `description` is sanitized HTML; it is `undefined` on a
 * row that came from a list (`GET /issues` carries list columns only, {@link IssueListItem})
 * until the single issue (`GET /issues/:id`) or sync supplies it — store/listItems.ts.
 */
export interface Issue {
  id: string;
  identifier: string;
  number: number;
  teamId: string;
  title: string;
  description?: string | null;
  stateId: string;
  priority: Priority;
  estimate: number | null;
  assigneeId: string | null;
  creatorId: string | null;
  parentId: string | null;
  labelIds: string[];
  sortOrder: string;
  dueDate: string | null;
  startedAt: string | null;
  completedAt: string | null;
  canceledAt: string | null;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An issue as `GET /issues` lists it: every field but `description`. */
export type IssueListItem = Omit<Issue, 'description'>;

/** A label (team label, or a workspace label when `teamId` is null); `isGroup` labels only group others. */
export interface Label {
  id: string;
  name: string;
  color: string;
  description: string | null;
  teamId: string | null;
  parentId: string | null;
  isGroup: boolean;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

/** A person who can be shown and assigned (keyed by user id). */
export interface User {
  id: string;
  name: string;
  email: string;
  avatarUrl: string | null;
  role?: string;
}

/** Fields accepted when creating an issue. */
export interface CreateIssueInput {
  id?: string;
  teamId: string;
  title: string;
  description?: string | null;
  stateId?: string;
  priority?: Priority;
  assigneeId?: string | null;
  labelIds?: string[];
  estimate?: number | null;
  dueDate?: string | null;
  parentId?: string | null;
}

/** Fields accepted when updating an issue. */
export type UpdateIssueInput = Partial<
  Pick<Issue, 'title' | 'description' | 'stateId' | 'priority' | 'assigneeId' | 'estimate' | 'dueDate' | 'parentId' | 'labelIds'>
>;

/** A label: a workspace label (`teamId` null) or a team's; groups hold child labels and are not applied. */
export interface Label {
  id: string;
  name: string;
  color: string;
  description: string | null;
  teamId: string | null;
  parentId: string | null;
  isGroup: boolean;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}
