/**
 * Shapes of the API's presented entities as the web app uses them (camelCase, ISO timestamps),
 * taken from the SDK's types generated from the server's OpenAPI document (packages/sdk), so a
 * server change that the app does not follow fails the type check. Only what the app composes
 * itself (`User`, `UpdateIssueInput`, the optional `description` of list rows) is declared here.
 */
import type { components, operations } from '@exponential/sdk';

export type { operations };

/** The API's named schemas (`components.schemas` of the OpenAPI document). */
export type Schemas = components['schemas'];
/** The JSON body an operation takes (`JsonBody<operations['createIssue']>`). */
export type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** The JSON an operation answers with `Status` (`JsonAnswer<operations['getMe'], 200>`). */
export type JsonAnswer<Op, Status extends number> = Op extends { responses: { [S in Status]: { content: { 'application/json': infer R } } } } ? R : never;
/** An operation's list items (`{ data: T[] }` answered with 200). */
export type ListItem<Op> = JsonAnswer<Op, 200> extends { data: (infer T)[] } ? T : never;

/** An issue priority. */
export type Priority = Schemas['Issue']['priority'];
/** Issue priority names, Linear's fixed five levels (0 none, 1 urgent … 4 low). */
export const PRIORITIES = ['none', 'urgent', 'high', 'medium', 'low'] as const satisfies readonly Priority[];

/** A workflow state category. */
export type StateCategory = Schemas['WorkflowState']['category'];
/** Workflow state categories, in their fixed order. */
export const STATE_CATEGORIES = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'] as const satisfies readonly StateCategory[];


/** The signed-in user and their memberships (`GET /api/v1/me`). */
export type Me = JsonAnswer<operations['getMe'], 200>;

/** A workspace the user belongs to. */
export type WorkspaceSummary = Me['workspaces'][number];

/** A workspace. */
export type Workspace = Schemas['Workspace'];

/** A team. */
export type Team = Schemas['Team'];

/** A team's workflow state. */
export type WorkflowState = Schemas['WorkflowState'];

/** An issue as `GET /issues` lists it: every field but `description`. */
export type IssueListItem = Schemas['IssueListItem'];

/**
 * An issue as REST and sync present it. `description` is sanitized HTML; it is `undefined` on a
 * row that came from a list (`GET /issues` carries list columns only, {@link IssueListItem})
 * until the single issue (`GET /issues/:id`) or sync supplies it — store/listItems.ts.
 */
export type Issue = Omit<Schemas['Issue'], 'description'> & { description?: Schemas['Issue']['description'] };

/** A label (team label, or a workspace label when `teamId` is null); `isGroup` labels only group others. */
export type Label = Schemas['Label'];

/** A person who can be shown and assigned (keyed by user id). */
export interface User {
  id: string;
  name: string;
  email: string;
  avatarUrl: string | null;
  role?: string;
}

/** Fields accepted when creating an issue (`POST /issues`; the position fields are not used here). */
export type CreateIssueInput = Omit<JsonBody<operations['createIssue']>, 'afterId' | 'beforeId'>;

/** Fields accepted when updating an issue. */
export type UpdateIssueInput = Partial<
  Pick<Issue, 'title' | 'description' | 'stateId' | 'priority' | 'assigneeId' | 'estimate' | 'dueDate' | 'parentId' | 'labelIds'>
>;

// Compile-time checks: both lists name every value of their union (a value the server adds fails
// here), and the types taken from operations resolved (a renamed operation would give `never`,
// which type-checks everywhere silently).
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
type Resolved<T> = [T] extends [never] ? false : true;
const checks: [
  Missing<Priority, (typeof PRIORITIES)[number]>,
  Missing<StateCategory, (typeof STATE_CATEGORIES)[number]>,
  Resolved<Me>,
  Resolved<CreateIssueInput>,
] = [true, true, true, true];
void checks;
