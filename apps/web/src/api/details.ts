/**
 * The issue page's API: comments, history, relations, reactions, subscription, sub-issues and
 * labels. Shapes mirror the server's presenters (apps/server/src/modules/{comments,history,
 * relations,reactions,subscriptions,labels}); errors are {@link ApiError}s.
 */
import { listAll, request, uuid } from './client.ts';
import type { Issue, IssueListItem, Label } from './types.ts';

/** Reactions of one target grouped by emoji. */
export interface ReactionSummary {
  emoji: string;
  count: number;
  userIds: string[];
}

/** A comment: sanitized HTML `body`; `parentId` set on replies. */
export interface Comment {
  id: string;
  issueId: string;
  userId: string | null;
  parentId: string | null;
  body: string;
  editedAt: string | null;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionSummary[];
}

/**
 * One issue history event. `kind` is `created`, `updated` (`changes` maps a field to
 * `{from, to}`), `archived`, `unarchived`, `relation_added` or `relation_removed`
 * (`changes`: `{relationId, type, relatedIssueId, relatedIssueIdentifier?}`).
 */
export interface HistoryEvent {
  id: string;
  issueId: string;
  kind: string;
  actor: { id: string; name: string } | null;
  changes: Record<string, unknown>;
  createdAt: string;
}

/** Relation types from the viewpoint of the issue asked about. */
export type RelationType = 'blocks' | 'blocked_by' | 'related' | 'duplicate' | 'duplicated_by';

/** A relation as REST shows it from one issue. */
export interface Relation {
  id: string;
  type: RelationType;
  issueId: string;
  relatedIssueId: string;
  relatedIssue: { id: string; identifier: string; title: string; stateId: string };
  createdAt: string;
}

/** A relation as the op log stores it (one direction; `related` smaller id first). */
export interface StoredRelation {
  id: string;
  issueId: string;
  relatedIssueId: string;
  type: 'blocks' | 'related' | 'duplicate';
  createdAt: string;
}

/** One reaction (answer of the add endpoints; 200 when it already existed). */
export interface Reaction {
  id: string;
  userId: string;
  emoji: string;
  issueId: string | null;
  commentId: string | null;
  createdAt: string;
}

/** The viewer's subscription to an issue. */
export interface SubscriptionState {
  subscribed: boolean;
  subscriberCount: number;
}

const enc = encodeURIComponent;

/** `GET /issues/:id/comments`, every page (oldest first). */
export const listComments = (issueId: string) => listAll<Comment>(`/api/v1/issues/${enc(issueId)}/comments`, { limit: 100 });

/** `POST /issues/:id/comments` (a reply when `parentId` is set). */
export const createComment = (issueId: string, body: { id?: string; body: string; parentId?: string | null }) =>
  request<Comment>('POST', `/api/v1/issues/${enc(issueId)}/comments`, { body: { id: uuid(), ...body }, idempotencyKey: uuid() });

/** `PATCH /comments/:id` (the author only). */
export const updateComment = (id: string, body: string) => request<Comment>('PATCH', `/api/v1/comments/${enc(id)}`, { body: { body } });

/** `DELETE /comments/:id` (the author, or a workspace admin). */
export const deleteComment = (id: string) => request<void>('DELETE', `/api/v1/comments/${enc(id)}`);

/** `GET /issues/:id/history`, every page (newest first). */
export const listHistory = (issueId: string) => listAll<HistoryEvent>(`/api/v1/issues/${enc(issueId)}/history`, { limit: 100 });

/** `GET /issues/:id/relations`, every page. */
export const listRelations = (issueId: string) => listAll<Relation>(`/api/v1/issues/${enc(issueId)}/relations`, { limit: 100 });

/** `POST /issues/:id/relations`: `relatedIssueId` is an id or an identifier. */
export const createRelation = (issueId: string, type: RelationType, relatedIssueId: string) =>
  request<Relation>('POST', `/api/v1/issues/${enc(issueId)}/relations`, { body: { id: uuid(), type, relatedIssueId } });

/** `DELETE /relations/:id`. */
export const deleteRelation = (id: string) => request<void>('DELETE', `/api/v1/relations/${enc(id)}`);

/** `GET /issues/:id/reactions`: the issue's reactions by emoji. */
export const listIssueReactions = async (issueId: string) =>
  (await request<{ data: ReactionSummary[] }>('GET', `/api/v1/issues/${enc(issueId)}/reactions`)).data;

/** `POST /issues/:id/reactions` or `/comments/:id/reactions`: adds (or returns the existing) reaction. */
export const addReaction = (target: { issueId?: string; commentId?: string }, emoji: string) =>
  request<Reaction>(
    'POST',
    target.commentId ? `/api/v1/comments/${enc(target.commentId)}/reactions` : `/api/v1/issues/${enc(target.issueId!)}/reactions`,
    { body: { emoji } },
  );

/** `DELETE /reactions/:id`. */
export const deleteReaction = (id: string) => request<void>('DELETE', `/api/v1/reactions/${enc(id)}`);

/** `GET /issues/:id/subscription`. */
export const getSubscription = (issueId: string) => request<SubscriptionState>('GET', `/api/v1/issues/${enc(issueId)}/subscription`);

/** `PUT` (subscribe) or `DELETE` (unsubscribe) `/issues/:id/subscription`. */
export const setSubscription = (issueId: string, on: boolean) =>
  request<SubscriptionState>(on ? 'PUT' : 'DELETE', `/api/v1/issues/${enc(issueId)}/subscription`);

/** `GET /issues?parentId=`: every sub-issue of an issue (list items: no description). */
export const listSubIssues = (parentId: string) => listAll<IssueListItem>('/api/v1/issues', { parentId, limit: 100 });

/** `GET /labels`: every label the user can apply (workspace labels and readable teams'). */
export const listLabels = () => listAll<Label>('/api/v1/labels', { limit: 100 });

/** `POST /issues/:id/archive` or `/unarchive`: the issue after the change. */
export const setIssueArchived = (issueId: string, archived: boolean) =>
  request<Issue>('POST', `/api/v1/issues/${enc(issueId)}/${archived ? 'archive' : 'unarchive'}`);

/** `DELETE /issues/:id` (its sub-issues lose their parent). */
export const deleteIssue = (issueId: string) => request<void>('DELETE', `/api/v1/issues/${enc(issueId)}`);
