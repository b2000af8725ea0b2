/**
 * What the issue page shows beyond the issue row: comments, history, relations, reactions and the
 * viewer's subscription, loaded per issue on demand and kept in normalized tables. Writes are
 * optimistic (the row changes at once, the server's answer replaces it, a failure restores it and
 * toasts the server's message). Sync operations for `comment`, `issueHistory`, `issueRelation`
 * and `reaction` land here through {@link DetailsStore.applyOp}, idempotently.
 */
import { action, makeObservable, observable, runInAction } from 'mobx';
import { ApiError, uuid } from '../api/client.ts';
import * as api from '../api/details.ts';
import type { Comment, HistoryEvent, ReactionSummary, Relation, RelationType, StoredRelation, SubscriptionState } from '../api/details.ts';
import type { RootStore, SyncOp } from './root.ts';
import { upsertListItems } from './listItems.ts';
import { IndexedTable, Table } from './table.ts';

/** Summary of an issue shown with a relation (the issue itself may not be loaded). */
export type IssueSummary = Relation['relatedIssue'];

/** A relation seen from one issue. */
export interface RelationView {
  id: string;
  type: RelationType;
  otherId: string;
}

/** How a relation of `type` from `self` to `other` is stored (server: relations.presenter.ts `toStored`). */
export function toStored(self: string, other: string, type: RelationType): Pick<StoredRelation, 'issueId' | 'relatedIssueId' | 'type'> {
  switch (type) {
    case 'blocks':
      return { issueId: self, relatedIssueId: other, type: 'blocks' };
    case 'blocked_by':
      return { issueId: other, relatedIssueId: self, type: 'blocks' };
    case 'duplicate':
      return { issueId: self, relatedIssueId: other, type: 'duplicate' };
    case 'duplicated_by':
      return { issueId: other, relatedIssueId: self, type: 'duplicate' };
    case 'related':
      return self < other ? { issueId: self, relatedIssueId: other, type: 'related' } : { issueId: other, relatedIssueId: self, type: 'related' };
  }
}

/** A stored relation from the viewpoint of `self` (null when it does not involve `self`). */
export function viewOf(r: Pick<StoredRelation, 'id' | 'issueId' | 'relatedIssueId' | 'type'>, self: string): RelationView | null {
  const forward = r.issueId === self;
  if (!forward && r.relatedIssueId !== self) return null;
  const otherId = forward ? r.relatedIssueId : r.issueId;
  if (r.type === 'related') return { id: r.id, type: 'related', otherId };
  if (r.type === 'blocks') return { id: r.id, type: forward ? 'blocks' : 'blocked_by', otherId };
  return { id: r.id, type: forward ? 'duplicate' : 'duplicated_by', otherId };
}

/** Adds or removes `userId`'s reaction `emoji` in a summary list (a new list; never mutates). */
export function toggleInSummary(list: readonly ReactionSummary[], emoji: string, userId: string, on: boolean): ReactionSummary[] {
  const out = list.map((r) => ({ ...r, userIds: [...r.userIds] }));
  const at = out.findIndex((r) => r.emoji === emoji);
  if (on) {
    if (at < 0) out.push({ emoji, count: 1, userIds: [userId] });
    else if (!out[at]!.userIds.includes(userId)) out[at] = { emoji, count: out[at]!.count + 1, userIds: [...out[at]!.userIds, userId] };
  } else if (at >= 0 && out[at]!.userIds.includes(userId)) {
    const userIds = out[at]!.userIds.filter((u) => u !== userId);
    if (userIds.length) out[at] = { emoji, count: out[at]!.count - 1, userIds };
    else out.splice(at, 1);
  }
  return out;
}

type Load = 'loading' | 'loaded' | 'error';

// Emoji names may hold ':' (`:shipit:`): keys use a control character no emoji contains.
const SEP = '\u0001';
const reactionKey = (target: string, emoji: string, userId: string) => [target, emoji, userId].join(SEP);

/** Comments, history, relations, reactions and subscriptions of issues. */
export class DetailsStore {
  readonly comments = new IndexedTable<Comment>((c) => c.issueId);
  readonly history = new IndexedTable<HistoryEvent>((h) => h.issueId);
  readonly relations = new Table<StoredRelation>();
  /** Issues named by relations, as the server summarized them (for issues not in the store). */
  readonly summaries = observable.map<string, IssueSummary>({}, { deep: false });
  /** Reactions on issues, by issue id. */
  readonly issueReactions = observable.map<string, ReactionSummary[]>({}, { deep: false });
  /** The viewer's subscription, by issue id. */
  readonly subscriptions = observable.map<string, SubscriptionState>({}, { deep: false });
  readonly load = observable.map<string, Load>();
  /** Known reaction ids by target, emoji and user (from add answers and sync), to remove them. */
  private readonly reactionIds = new Map<string, string>();
  /** Comments that arrived over sync while their issue was loading (the list may predate them). */
  private readonly arrivedWhileLoading = new Set<string>();

  constructor(private readonly root: RootStore) {
    makeObservable(this, { clear: action, applyOp: action });
  }

  /** Empties everything (workspace switch, sign-out). */
  clear(): void {
    this.comments.clear();
    this.history.clear();
    this.relations.clear();
    this.summaries.clear();
    this.issueReactions.clear();
    this.subscriptions.clear();
    this.load.clear();
    this.reactionIds.clear();
    this.arrivedWhileLoading.clear();
  }

  /** Loads (once per visit; `force` reloads) an issue's comments, history, relations, reactions, subscription and sub-issues. */
  async loadIssue(issueId: string, force = false): Promise<void> {
    const st = this.load.get(issueId);
    if (!force && (st === 'loading' || st === 'loaded')) return;
    runInAction(() => this.load.set(issueId, 'loading'));
    try {
      const [comments, history, relations, reactions, subscription, children] = await Promise.all([
        api.listComments(issueId),
        api.listHistory(issueId),
        api.listRelations(issueId),
        api.listIssueReactions(issueId),
        api.getSubscription(issueId),
        api.listSubIssues(issueId),
      ]);
      runInAction(() => {
        for (const c of this.comments.by(issueId)) {
          if (!comments.some((x) => x.id === c.id) && !this.arrivedWhileLoading.has(c.id)) this.comments.remove(c.id);
          this.arrivedWhileLoading.delete(c.id);
        }
        this.comments.upsertMany(comments);
        this.history.upsertMany(history);
        for (const r of relations) this.upsertRelation(r);
        this.issueReactions.set(issueId, reactions);
        this.subscriptions.set(issueId, subscription);
        upsertListItems(this.root.issues, children);
        this.load.set(issueId, 'loaded');
      });
    } catch (err) {
      runInAction(() => this.load.set(issueId, 'error'));
      this.fail(err);
    }
  }

  /** Reloads an issue's history (after an edit: the server writes the events). */
  async refreshHistory(issueId: string): Promise<void> {
    try {
      const history = await api.listHistory(issueId);
      runInAction(() => this.history.upsertMany(history));
    } catch {
      // The feed stays as it was; the next visit reloads it.
    }
  }

  private upsertRelation(r: Relation): void {
    this.relations.upsert({ id: r.id, createdAt: r.createdAt, ...toStored(r.issueId, r.relatedIssueId, r.type) });
    this.summaries.set(r.relatedIssue.id, r.relatedIssue);
  }

  /** An issue's relations from its viewpoint, oldest first. */
  relationsOf(issueId: string): RelationView[] {
    return this.relations
      .all()
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => viewOf(r, issueId))
      .filter((v): v is RelationView => v !== null);
  }

  /** What to show for a related issue: the loaded row, else the server's summary. */
  summary(issueId: string): IssueSummary | undefined {
    const i = this.root.issues.get(issueId);
    if (i) return { id: i.id, identifier: i.identifier, title: i.title, stateId: i.stateId };
    return this.summaries.get(issueId);
  }

  /** Adds a relation (`other` is an id or identifier). @returns whether it was added */
  async addRelation(issueId: string, type: RelationType, other: string): Promise<boolean> {
    try {
      const r = await api.createRelation(issueId, type, other);
      runInAction(() => this.upsertRelation(r));
      void this.refreshHistory(issueId);
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  /** Removes a relation. */
  async removeRelation(issueId: string, relationId: string): Promise<void> {
    const prev = this.relations.get(relationId);
    runInAction(() => this.relations.remove(relationId));
    try {
      await api.deleteRelation(relationId);
      void this.refreshHistory(issueId);
    } catch (err) {
      if (prev) runInAction(() => this.relations.upsert(prev));
      this.fail(err);
    }
  }

  /** An issue's top-level comments and their replies, each oldest first. */
  threadsOf(issueId: string): { root: Comment; replies: Comment[] }[] {
    const all = this.comments.by(issueId).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const byId = new Map(all.map((c) => [c.id, c]));
    const rootOf = (c: Comment): Comment => {
      let cur = c;
      for (let i = 0; i < 50 && cur.parentId && byId.has(cur.parentId); i++) cur = byId.get(cur.parentId)!;
      return cur;
    };
    const threads = new Map<string, { root: Comment; replies: Comment[] }>();
    for (const c of all) {
      const r = rootOf(c);
      if (r.id === c.id) threads.set(c.id, { root: c, replies: threads.get(c.id)?.replies ?? [] });
      else {
        const t = threads.get(r.id) ?? { root: r, replies: [] };
        t.replies.push(c);
        threads.set(r.id, t);
      }
    }
    return [...threads.values()];
  }

  /**
   * Posts a comment (a reply when `parentId` is set); it shows at once.
   * @returns whether the server accepted it
   */
  async addComment(issueId: string, body: string, parentId: string | null = null): Promise<boolean> {
    const id = uuid();
    const now = new Date().toISOString();
    const provisional: Comment = { id, issueId, userId: this.root.userId, parentId, body, editedAt: null, createdAt: now, updatedAt: now, reactions: [] };
    runInAction(() => this.comments.upsert(provisional));
    try {
      const created = await api.createComment(issueId, { id, body, parentId });
      runInAction(() => this.comments.upsert(created));
      runInAction(() => {
        const s = this.subscriptions.get(issueId);
        // Commenting subscribes the author (server rule); reflect it without a round trip.
        if (s && !s.subscribed) this.subscriptions.set(issueId, { subscribed: true, subscriberCount: s.subscriberCount + 1 });
      });
      return true;
    } catch (err) {
      runInAction(() => this.comments.remove(id));
      this.fail(err);
      return false;
    }
  }

  /** Replaces a comment's body (author only; the server refuses others). @returns success */
  async editComment(id: string, body: string): Promise<boolean> {
    const before = this.comments.get(id);
    if (!before) return false;
    runInAction(() => this.comments.upsert({ ...before, body, editedAt: new Date().toISOString() }));
    try {
      const after = await api.updateComment(id, body);
      runInAction(() => this.comments.upsert(after));
      return true;
    } catch (err) {
      runInAction(() => this.comments.upsert(before));
      this.fail(err);
      return false;
    }
  }

  /** Deletes a comment (and, on the server, its replies). */
  async deleteComment(id: string): Promise<void> {
    const before = this.comments.get(id);
    if (!before) return;
    const replies = this.comments.by(before.issueId).filter((c) => c.parentId === id);
    runInAction(() => {
      this.comments.remove(id);
      for (const r of replies) this.comments.remove(r.id);
    });
    try {
      await api.deleteComment(id);
    } catch (err) {
      runInAction(() => this.comments.upsertMany([before, ...replies]));
      this.fail(err);
    }
  }

  /** Adds the viewer's reaction `emoji` to an issue or comment, or removes it if present. */
  async toggleReaction(target: { issueId?: string; commentId?: string }, emoji: string): Promise<void> {
    const me = this.root.userId;
    if (!me) return;
    const key = reactionKey(target.commentId ?? target.issueId!, emoji, me);
    const current = target.commentId ? this.comments.get(target.commentId)?.reactions : this.issueReactions.get(target.issueId!);
    const on = !(current ?? []).some((r) => r.emoji === emoji && r.userIds.includes(me));
    const set = (fn: (list: ReactionSummary[]) => ReactionSummary[]) =>
      runInAction(() => {
        if (target.commentId) {
          const c = this.comments.get(target.commentId);
          if (c) this.comments.upsert({ ...c, reactions: fn(c.reactions) });
        } else this.issueReactions.set(target.issueId!, fn(this.issueReactions.get(target.issueId!) ?? []));
      });
    set((l) => toggleInSummary(l, emoji, me, on));
    try {
      if (on) {
        const r = await api.addReaction(target, emoji);
        this.reactionIds.set(key, r.id);
      } else {
        // The summary carries no ids: adding answers with the existing reaction, which is then removed.
        const id = this.reactionIds.get(key) ?? (await api.addReaction(target, emoji)).id;
        await api.deleteReaction(id);
        this.reactionIds.delete(key);
      }
    } catch (err) {
      set((l) => toggleInSummary(l, emoji, me, !on));
      this.fail(err);
    }
  }

  /** Subscribes the viewer to an issue, or unsubscribes. */
  async setSubscribed(issueId: string, on: boolean): Promise<void> {
    const before = this.subscriptions.get(issueId);
    runInAction(() =>
      this.subscriptions.set(issueId, { subscribed: on, subscriberCount: Math.max(0, (before?.subscriberCount ?? 0) + (on === before?.subscribed ? 0 : on ? 1 : -1)) }),
    );
    try {
      const after = await api.setSubscription(issueId, on);
      runInAction(() => this.subscriptions.set(issueId, after));
    } catch (err) {
      runInAction(() => (before ? this.subscriptions.set(issueId, before) : this.subscriptions.delete(issueId)));
      this.fail(err);
    }
  }

  /**
   * Applies one sync operation if it concerns these tables (idempotent). Comments, history and
   * issue reactions are kept only for issues whose details were loaded (or are loading): the
   * others are fetched whole when first opened.
   * @returns whether the operation was handled here
   */
  applyOp(op: SyncOp): boolean {
    const gone = op.action === 'delete' || op.data == null;
    const followed = (issueId: string | null | undefined) => !!issueId && this.load.has(issueId);
    switch (op.entity) {
      case 'comment': {
        const c = op.data as Comment | null;
        if (gone) this.comments.remove(op.id);
        else if (c && followed(c.issueId)) {
          if (this.load.get(c.issueId) === 'loading') this.arrivedWhileLoading.add(c.id);
          this.comments.upsert(c);
        }
        return true;
      }
      case 'issueHistory': {
        const h = op.data as HistoryEvent | null;
        if (gone) this.history.remove(op.id);
        else if (h && followed(h.issueId)) this.history.upsert(h);
        return true;
      }
      case 'issueRelation':
        if (gone) this.relations.remove(op.id);
        else this.relations.upsert(op.data as StoredRelation);
        return true;
      case 'reaction': {
        // Comment reactions arrive with the comment's post-image; issue reactions are summed here.
        // A delete carries the removed reaction's image (older servers: null, then the id is looked up).
        const r = op.data as api.Reaction | null;
        if (op.action !== 'delete' && r?.issueId) {
          const key = reactionKey(r.issueId, r.emoji, r.userId);
          if (followed(r.issueId) && this.reactionIds.get(key) !== r.id) {
            this.reactionIds.set(key, r.id);
            this.issueReactions.set(r.issueId, toggleInSummary(this.issueReactions.get(r.issueId) ?? [], r.emoji, r.userId, true));
          }
        } else if (op.action === 'delete' && r?.issueId) {
          const key = reactionKey(r.issueId, r.emoji, r.userId);
          if (this.reactionIds.get(key) === op.id) this.reactionIds.delete(key);
          const list = this.issueReactions.get(r.issueId);
          if (list) this.issueReactions.set(r.issueId, toggleInSummary(list, r.emoji, r.userId, false));
        } else if (gone) {
          for (const [key, id] of this.reactionIds) {
            if (id !== op.id) continue;
            const [target, emoji, userId] = key.split(SEP) as [string, string, string];
            this.reactionIds.delete(key);
            const list = this.issueReactions.get(target);
            if (list) this.issueReactions.set(target, toggleInSummary(list, emoji, userId, false));
          }
        }
        return true;
      }
      default:
        return false;
    }
  }

  private fail(err: unknown): void {
    this.root.ui.toast(err instanceof ApiError || err instanceof Error ? err.message : String(err), 'error');
  }
}
