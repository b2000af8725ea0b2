/**
 * The API calls the web app makes, one function per operation (named after its operationId).
 * Each returns the presented entity or list; errors are {@link ApiError}s.
 */
import { listAll, request, uuid, type Page } from './client.ts';
import type { CreateIssueInput, Issue, IssueListItem, Me, Team, UpdateIssueInput, User, WorkflowState, Workspace } from './types.ts';

/** `GET /api/v1/me`: the signed-in user, or ApiError 401. */
export const getMe = () => request<Me>('GET', '/api/v1/me');

/** `POST /api/v1/auth/magic-link`: e-mails a sign-in link (in local mode it is also logged). */
export const requestMagicLink = (email: string, redirectTo?: string) =>
  request<{ ok: boolean }>('POST', '/api/v1/auth/magic-link', { body: { email, ...(redirectTo ? { redirectTo } : {}) }, workspace: null });

/** `POST /api/v1/auth/sign-out`. */
export const signOut = () => request<void>('POST', '/api/v1/auth/sign-out', { workspace: null });

/** `POST /api/v1/workspaces`: a workspace with its first team. */
export const createWorkspace = (body: { name: string; urlSlug?: string; teamName?: string; teamKey?: string }) =>
  request<{ workspace: Workspace; team: Team }>('POST', '/api/v1/workspaces', { body, workspace: null, idempotencyKey: uuid() });

/** `PATCH /api/v1/workspaces/current`. */
export const updateWorkspace = (body: { name?: string; urlSlug?: string }) =>
  request<Workspace>('PATCH', '/api/v1/workspaces/current', { body });

/** `GET /api/v1/teams`: teams the user can read in the current workspace. */
export const listTeams = async () => (await request<{ data: Team[] }>('GET', '/api/v1/teams')).data;

/** `GET /api/v1/teams/:teamId/states`. */
export const listStates = async (teamId: string) =>
  (await request<{ data: WorkflowState[] }>('GET', `/api/v1/teams/${encodeURIComponent(teamId)}/states`)).data;

/** `GET /api/v1/teams/:teamId/members`. */
export const listTeamMembers = async (teamId: string) =>
  (await request<{ data: User[] }>('GET', `/api/v1/teams/${encodeURIComponent(teamId)}/members`)).data;

/** `GET /api/v1/members`: workspace members (user id as `userId` or `id`), every page. */
export async function listMembers(): Promise<User[]> {
  const rows = await listAll<User & { userId?: string; user?: User }>('/api/v1/members', { limit: 100 });
  return rows.map((m) => {
    const u = m.user ?? m;
    return { id: m.userId ?? u.id, name: u.name, email: u.email, avatarUrl: u.avatarUrl ?? null, role: m.role };
  });
}

/**
 * `GET /api/v1/issues?teamId=`: every page of a team's issues, `onPage` called per page. List
 * items carry no description (store them with store/listItems.ts `upsertListItems`).
 */
export const listTeamIssues = (teamId: string, onPage?: (rows: IssueListItem[]) => void, signal?: AbortSignal) =>
  listAll<IssueListItem>('/api/v1/issues', { teamId, limit: 100 }, onPage, signal);

/** `GET /api/v1/issues/:idOrIdentifier`. */
export const getIssue = (idOrIdentifier: string) => request<Issue>('GET', `/api/v1/issues/${encodeURIComponent(idOrIdentifier)}`);

/** `POST /api/v1/issues` with an Idempotency-Key (the same key for retries of one submit). */
export const createIssue = (body: CreateIssueInput, idempotencyKey: string) =>
  request<Issue>('POST', '/api/v1/issues', { body, idempotencyKey });

/** `PATCH /api/v1/issues/:id`. */
export const updateIssue = (id: string, body: UpdateIssueInput) =>
  request<Issue>('PATCH', `/api/v1/issues/${encodeURIComponent(id)}`, { body });

export type { Page };

/** What an invitation link leads to (public; never the invited address). */
export interface InvitationPreview {
  workspaceName: string;
  invitedByName: string | null;
  role: 'owner' | 'admin' | 'member' | 'guest';
  expiresAt: string;
  /** False once used, revoked or expired. */
  valid: boolean;
}

/** One of the signed-in user's own pending invitations. */
export interface MyInvitation {
  id: string;
  workspaceName: string;
  role: InvitationPreview['role'];
  invitedByName: string | null;
  expiresAt: string;
}

/** The workspace joined by accepting an invitation. */
export interface AcceptedInvitation {
  workspaceId: string;
  workspaceName: string;
  urlSlug: string;
  role: InvitationPreview['role'];
  teamId: string | null;
}

/** `GET /api/v1/invitations/preview?token=`: ApiError 404 for an unknown token. */
export const previewInvitation = (token: string) =>
  request<InvitationPreview>('GET', '/api/v1/invitations/preview', { query: { token }, workspace: null });

/** `POST /api/v1/invitations/accept`: joins with the mailed token (ApiError 400/403/404 with the server's message). */
export const acceptInvitation = (token: string) =>
  request<AcceptedInvitation>('POST', '/api/v1/invitations/accept', { body: { token }, workspace: null });

/** `GET /api/v1/me/invitations`: the signed-in user's pending invitations (by verified e-mail). */
export const listMyInvitations = async () => (await request<{ data: MyInvitation[] }>('GET', '/api/v1/me/invitations', { workspace: null })).data;

/** `POST /api/v1/me/invitations/:id/accept`: joins through one of the user's own invitations. */
export const acceptMyInvitation = (id: string) =>
  request<AcceptedInvitation>('POST', `/api/v1/me/invitations/${encodeURIComponent(id)}/accept`, { workspace: null });
