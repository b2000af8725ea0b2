/**
 * The issue page's API: comments, history, relations, reactions, subscription, sub-issues and
 * labels. Shapes come from the SDK's generated types (api/types.ts); errors are {@link ApiError}s.
 */
import { listAll, request, uuid } from './client.ts';
import type { Issue, IssueListItem, Label, Schemas } from './types.ts';

/** A comment: sanitized HTML `body`; `parentId` set on replies. */
export type Comment = Schemas['Comment'];

/** Reactions of one target grouped by emoji. */
export type ReactionSummary = Comment['reactions'][number];

/**
 * One issue history event. `kind` is `created`, `updated` (`changes` maps a field to
 * `{from, to}`), `archived`, `unarchived`, `relation_added` or `relation_removed`
 * (`changes`: `{relationId, type, relatedIssueId, relatedIssueIdentifier?}`).
 */
export type HistoryEvent = Schemas['IssueHistoryEvent'];

/** A relation as REST shows it from one issue. */
export type Relation = Schemas['IssueRelation'];

/** Relation types from the viewpoint of the issue asked about. */
export type RelationType = Relation['type'];

/** A relation as the op log stores it (one direction; `related` smaller id first): no REST schema. */
export type StoredRelation = Pick<Relation, 'id' | 'issueId' | 'relatedIssueId' | 'createdAt'> & { type: Exclude<RelationType, 'blocked_by' | 'duplicated_by'> };

/** One reaction (answer of the add endpoints; 200 when it already existed). */
export type Reaction = Schemas['Reaction'];

/** The viewer's subscription to an issue. */
export type SubscriptionState = Schemas['IssueSubscriptionState'];

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
