/**
 * The settings screens' API (part of the lazy settings chunk): profile, members and invitations,
 * teams, workflow states and labels, personal access tokens, sessions, OAuth applications and
 * authorizations, the sign-in policy, the audit log, imports and exports. Shapes come from the
 * SDK's generated types (api/types.ts); errors are {@link ApiError}s carrying the server's message.
 */
import { ApiError, listAll, problemMessage, request, uuid, type Page, type Problem } from '../../api/client.ts';
import type { Label, ListItem, operations, Schemas, Team, WorkflowState } from '../../api/types.ts';

const enc = encodeURIComponent;

/** A workspace role. */
export type Role = Schemas['WorkspaceMember']['role'];
/** Workspace roles, most to least privileged. */
export const ROLES = ['owner', 'admin', 'member', 'guest'] as const satisfies readonly Role[];

/** A workspace member (`id` is the membership's). */
export type Member = Schemas['WorkspaceMember'];

/** An invitation. */
export type Invitation = Schemas['Invitation'];

/** A personal access token as listed (never its value). */
export type AccessToken = Schemas['PersonalAccessToken'];

/** A browser session of the signed-in user. */
export type Session = Schemas['Session'];

/** A registered OAuth application. */
export type OAuthApp = ListItem<operations['listOAuthApplications']>;

/** An application the user authorized. */
export type OAuthAuthorization = ListItem<operations['listOAuthAuthorizations']>;

/** One audit event. */
export type AuditEvent = Schemas['AuditEvent'];

/** The answer to a dry run. */
export type DryRun = Schemas['ImportDryRun'];

/** Counts of an import (dry run or job). */
export type ImportCounts = DryRun['counts'];

/** A problem the importer found. */
export type ImportProblem = DryRun['problems'][number];

/** An import job. */
export type ImportJob = Schemas['ImportJob'];

// Compile-time checks: ROLES names every role, and the list items resolved (not `never`).
type Resolved<T> = [T] extends [never] ? false : true;
const checks: [Exclude<Role, (typeof ROLES)[number]> extends never ? true : false, Resolved<OAuthApp>, Resolved<OAuthAuthorization>] = [true, true, true];
void checks;

/** Import formats the server reads (imports.parse.ts). */
export const IMPORT_FORMATS = [
  ['linear-csv', 'Linear (CSV export)'],
  ['jira-csv', 'Jira (CSV)'],
  ['jira-xml', 'Jira (XML)'],
  ['jira-json', 'Jira (REST JSON)'],
  ['github-json', 'GitHub issues (JSON)'],
  ['trello-json', 'Trello board (JSON)'],
  ['monorail-csv', 'Monorail (CSV)'],
  ['exponential-json', 'exponential (workspace JSON)'],
  ['exponential-csv', 'exponential (issues CSV)'],
] as const;

/** Sign-in methods a workspace can allow (auth-policy.ts). */
export const AUTH_METHODS = [
  ['magic_link', 'Email link', 'A one-time sign-in link sent by e-mail.'],
  ['google', 'Google', 'Google accounts (when the server has Google sign-in configured).'],
  ['oidc', 'Single sign-on (OIDC)', 'Your identity provider (when configured on the server).'],
] as const;

/** OAuth scopes an application may ask for (oauth.model.ts). */
export const OAUTH_SCOPES = ['read', 'write', 'issues:create', 'comments:create', 'admin'] as const;

/** `PATCH /api/v1/me`. */
export const updateMe = (body: { name?: string; avatarUrl?: string | null }) =>
  request<{ id: string; email: string; name: string; avatarUrl: string | null }>('PATCH', '/api/v1/me', { body, workspace: null });

/** `GET /api/v1/workspaces/current`. */
export const getWorkspace = () => request<{ id: string; name: string; urlSlug: string }>('GET', '/api/v1/workspaces/current');

/** `GET /api/v1/members`, every page. */
export const listMembers = () => listAll<Member>('/api/v1/members', { limit: 100 });
/** `PATCH /api/v1/members/:userId`. */
export const updateMemberRole = (userId: string, role: Role) => request<Member>('PATCH', `/api/v1/members/${enc(userId)}`, { body: { role } });
/** `DELETE /api/v1/members/:userId`. */
export const removeMember = (userId: string) => request<void>('DELETE', `/api/v1/members/${enc(userId)}`);
/** `POST /api/v1/members/leave`. */
export const leaveWorkspace = () => request<void>('POST', '/api/v1/members/leave');

/** `GET /api/v1/invitations`, every page. */
export const listInvitations = () => listAll<Invitation>('/api/v1/invitations', { limit: 100 });
/** `POST /api/v1/invitations`. */
export const createInvitation = (email: string, role: Role) => request<Invitation>('POST', '/api/v1/invitations', { body: { email, role } });
/** `DELETE /api/v1/invitations/:id`. */
export const revokeInvitation = (id: string) => request<void>('DELETE', `/api/v1/invitations/${enc(id)}`);

/** `GET /api/v1/teams`. */
export const listTeams = async () => (await request<{ data: Team[] }>('GET', '/api/v1/teams')).data;
/** `POST /api/v1/teams`. */
export const createTeam = (body: { name: string; key?: string; isPrivate?: boolean; description?: string | null }) =>
  request<Team>('POST', '/api/v1/teams', { body: { id: uuid(), ...body } });
/** `PATCH /api/v1/teams/:id`. */
export const updateTeam = (id: string, body: Partial<Pick<Team, 'name' | 'key' | 'isPrivate' | 'description' | 'triageEnabled'>>) =>
  request<Team>('PATCH', `/api/v1/teams/${enc(id)}`, { body });
/** `DELETE /api/v1/teams/:id`. */
export const deleteTeam = (id: string) => request<void>('DELETE', `/api/v1/teams/${enc(id)}`);
/** `GET /api/v1/teams/:id/members`. */
export const listTeamMembers = async (id: string) =>
  (await request<{ data: { id: string; name: string; email: string; avatarUrl: string | null }[] }>('GET', `/api/v1/teams/${enc(id)}/members`)).data;
/** `POST /api/v1/teams/:teamId/members`. */
export const addTeamMember = (teamId: string, userId: string) => request<void>('POST', `/api/v1/teams/${enc(teamId)}/members`, { body: { userId } });
/** `DELETE /api/v1/teams/:teamId/members/:userId`. */
export const removeTeamMember = (teamId: string, userId: string) => request<void>('DELETE', `/api/v1/teams/${enc(teamId)}/members/${enc(userId)}`);

/** `GET /api/v1/teams/:teamId/states`. */
export const listStates = async (teamId: string) => (await request<{ data: WorkflowState[] }>('GET', `/api/v1/teams/${enc(teamId)}/states`)).data;
/** `POST /api/v1/teams/:teamId/states`. */
export const createState = (teamId: string, body: { name: string; category: WorkflowState['category']; color?: string }) =>
  request<WorkflowState>('POST', `/api/v1/teams/${enc(teamId)}/states`, { body: { id: uuid(), ...body } });
/** `PATCH /api/v1/states/:id`. */
export const updateState = (id: string, body: { name?: string; color?: string; isDefault?: true }) => request<WorkflowState>('PATCH', `/api/v1/states/${enc(id)}`, { body });
/** `DELETE /api/v1/states/:id`. */
export const deleteState = (id: string, replacementId?: string) => request<void>('DELETE', `/api/v1/states/${enc(id)}`, { query: { replacementId } });
/** `POST /api/v1/teams/:teamId/states/reorder`. */
export const reorderStates = async (teamId: string, stateIds: string[]) =>
  (await request<{ data: WorkflowState[] }>('POST', `/api/v1/teams/${enc(teamId)}/states/reorder`, { body: { stateIds } })).data;

/** `GET /api/v1/labels`, every page. */
export const listLabels = () => listAll<Label>('/api/v1/labels', { limit: 100 });
/** `POST /api/v1/labels`. */
export const createLabel = (body: { name: string; color: string; teamId?: string | null; parentId?: string | null; isGroup?: boolean }) =>
  request<Label>('POST', '/api/v1/labels', { body: { id: uuid(), ...body } });
/** `PATCH /api/v1/labels/:id`. */
export const updateLabel = (id: string, body: { name?: string; color?: string }) => request<Label>('PATCH', `/api/v1/labels/${enc(id)}`, { body });
/** `DELETE /api/v1/labels/:id`. */
export const deleteLabel = (id: string) => request<void>('DELETE', `/api/v1/labels/${enc(id)}`);

/** `GET /api/v1/tokens`, every page. */
export const listTokens = () => listAll<AccessToken>('/api/v1/tokens', { limit: 100 });
/** `POST /api/v1/tokens`. */
export const createToken = (body: { name: string; scopes: string[]; expiresInDays: number | null }) =>
  request<{ token: AccessToken; value: string }>('POST', '/api/v1/tokens', { body });
/** `DELETE /api/v1/tokens/:id`. */
export const revokeToken = (id: string) => request<void>('DELETE', `/api/v1/tokens/${enc(id)}`);

/** `GET /api/v1/sessions`, every page. */
export const listSessions = () => listAll<Session>('/api/v1/sessions', { limit: 100 });
/** `DELETE /api/v1/sessions/:id`. */
export const revokeSession = (id: string) => request<void>('DELETE', `/api/v1/sessions/${enc(id)}`);
/** `POST /api/v1/sessions/revoke-others`. */
export const revokeOtherSessions = () => request<{ revoked: number }>('POST', '/api/v1/sessions/revoke-others');

/** `GET /api/v1/workspaces/current/auth-policy`. */
export const getAuthPolicy = () => request<{ allowedMethods: string[] }>('GET', '/api/v1/workspaces/current/auth-policy');
/** `PUT /api/v1/workspaces/current/auth-policy`. */
export const setAuthPolicy = (allowedMethods: string[]) =>
  request<{ allowedMethods: string[] }>('PUT', '/api/v1/workspaces/current/auth-policy', { body: { allowedMethods } });

/** `GET /api/v1/oauth/authorizations`. */
export const listAuthorizations = async () => (await request<{ data: OAuthAuthorization[] }>('GET', '/api/v1/oauth/authorizations')).data;
/** `DELETE /api/v1/oauth/authorizations/:applicationId`. */
export const revokeAuthorization = (applicationId: string) => request<void>('DELETE', `/api/v1/oauth/authorizations/${enc(applicationId)}`);
/** `GET /api/v1/oauth/applications`. */
export const listApps = async () => (await request<{ data: OAuthApp[] }>('GET', '/api/v1/oauth/applications')).data;
/** `POST /api/v1/oauth/applications`. */
export const createApp = (body: { name: string; redirectUris: string[]; scopes: string[] }) =>
  request<{ application: OAuthApp; clientSecret: string }>('POST', '/api/v1/oauth/applications', { body });
/** `POST /api/v1/oauth/applications/:id/rotate-secret`. */
export const rotateAppSecret = (id: string) => request<{ application: OAuthApp; clientSecret: string }>('POST', `/api/v1/oauth/applications/${enc(id)}/rotate-secret`);
/** `DELETE /api/v1/oauth/applications/:id`. */
export const deleteApp = (id: string) => request<void>('DELETE', `/api/v1/oauth/applications/${enc(id)}`);

/** One page of the audit log, newest first (`action` filters exactly). */
export const listAuditEvents = (query: { cursor?: string; action?: string }) =>
  request<Page<AuditEvent>>('GET', '/api/v1/audit-events', { query: { limit: 50, ...query } });

/**
 * Sends an import file as the raw body (`POST /imports?format=&dryRun=`): the JSON client cannot
 * carry a file, so this one call uses fetch directly, with the workspace header and the same
 * problem handling.
 * @throws ApiError with the server's message (400 unreadable, 422 invalid with `fieldErrors`, 403, 413)
 */
export async function sendImport(workspaceId: string, file: File, opts: { format: string; dryRun: boolean; mode: 'all' | 'skip'; team?: string }): Promise<DryRun | ImportJob> {
  const qs = new URLSearchParams({ format: opts.format, mode: opts.mode, fileName: file.name.slice(0, 255) });
  if (opts.dryRun) qs.set('dryRun', 'true');
  if (opts.team) qs.set('team', opts.team);
  let res: Response;
  try {
    res = await fetch(`/api/v1/imports?${qs}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Workspace': workspaceId, Accept: 'application/json', 'Idempotency-Key': uuid() },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const json = (await res.json().catch(() => ({}))) as Problem & (DryRun | ImportJob);
  if (!res.ok) throw new ApiError(res.status, json.code ?? `http_${res.status}`, problemMessage(json, res.status), json.errors ?? []);
  return json;
}

/** `GET /api/v1/imports/:id`. */
export const getImport = (id: string) => request<ImportJob>('GET', `/api/v1/imports/${enc(id)}`);

/**
 * Downloads an export (`/exports/workspace.json` or `/exports/issues.csv`) with the workspace
 * header, then saves it under the server's file name.
 * @throws ApiError with the server's message
 */
export async function downloadExport(workspaceId: string, which: 'workspace.json' | 'issues.csv'): Promise<string> {
  const res = await fetch(`/api/v1/exports/${which}`, { credentials: 'same-origin', headers: { 'X-Workspace': workspaceId } });
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as Problem;
    throw new ApiError(res.status, p.code ?? `http_${res.status}`, problemMessage(p, res.status));
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? which;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
