/**
 * The root store: the session, the current workspace and the normalized entity tables (teams,
 * workflow states, issues, users). Screens read tables; loaders and writes fill them.
 *
 * Feeding it: REST loaders today; the sync client (packages/sdk) later calls {@link RootStore.applyOps}
 * with the op log's `{entity, id, action, data}` operations, which land in the same tables.
 */
import { action, makeObservable, observable, observableRef, runInAction } from 'mobx';
import { ApiError, setWorkspaceHeader } from '../api/client.ts';
import * as api from '../api/endpoints.ts';
import type { Issue, Label, Me, Team, User, WorkflowState, WorkspaceSummary } from '../api/types.ts';
import { DetailsStore } from './details.ts';
import { IssueActions } from './issues.ts';
import { upsertListItems } from './listItems.ts';
import { SyncBinding } from './sync.ts';
import { IndexedTable, Table } from './table.ts';
import { UiStore } from './ui.ts';
import { UndoStack } from './undo.ts';

/**
 * One operation of the sync op log: the full post-image, or null for a delete. `data` is missing
 * only for an issue update that arrived as a field patch the SDK store could not fill in (it did
 * not hold the issue); readers treat it like a delete of what they do not hold.
 */
export interface SyncOp {
  entity: string;
  id: string;
  action: 'insert' | 'update' | 'delete';
  data?: unknown;
}

/** Where the session stands. */
export type SessionStatus = 'unknown' | 'signedOut' | 'signedIn';

/** Loading state of something fetched once per workspace. */
export type LoadState = 'idle' | 'loading' | 'loaded' | 'error';

const LAST_WORKSPACE = 'exponential.lastWorkspace';

/** Session, workspace and entity tables. */
export class RootStore {
  readonly ui = new UiStore();
  readonly teams = new Table<Team>();
  readonly states = new IndexedTable<WorkflowState>((s) => s.teamId);
  readonly issues = new IndexedTable<Issue>((i) => i.teamId);
  readonly users = new Table<User>();
  /** Labels by team (workspace labels under the key `''`). */
  readonly labels = new IndexedTable<Label>((l) => l.teamId ?? '');
  readonly issueActions = new IssueActions(this);
  /** Comments, history, relations, reactions and subscriptions of opened issues. */
  readonly details = new DetailsStore(this);
  /** Inverse patches of issue edits, for ⌘/Ctrl+Z. */
  readonly undo = new UndoStack();
  /** The live sync connection feeding the tables (store/sync.ts). */
  readonly sync = new SyncBinding(this);

  status: SessionStatus = 'unknown';
  me: Me | null = null;
  /** The workspace the app shows (from the URL), null outside one. */
  workspace: WorkspaceSummary | null = null;
  /** Teams and states of the current workspace. */
  workspaceLoad: LoadState = 'idle';
  workspaceError: string | null = null;
  /** Issue loading per team id. */
  readonly teamIssuesLoad = observable.map<string, LoadState>();

  constructor() {
    makeObservable(this, {
      status: observable,
      me: observableRef,
      workspace: observableRef,
      workspaceLoad: observable,
      workspaceError: observable,
      applyOps: action,
      resetWorkspaceData: action,
      setMe: action,
    });
  }

  /** The signed-in user's id. */
  get userId(): string | null {
    return this.me?.user.id ?? null;
  }

  setMe(me: Me | null): void {
    this.me = me;
    this.status = me ? 'signedIn' : 'signedOut';
    if (me) this.users.upsert({ id: me.user.id, name: me.user.name, email: me.user.email, avatarUrl: me.user.avatarUrl });
  }

  /** Loads the session (`GET /me`); a 401 means signed out. */
  async loadSession(): Promise<Me | null> {
    try {
      const me = await api.getMe();
      this.setMe(me);
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        this.setMe(null);
        return null;
      }
      throw err;
    }
  }

  /** The workspace to open when none is named: the last one used, else the first. */
  preferredWorkspace(): WorkspaceSummary | null {
    const list = this.me?.workspaces ?? [];
    let last: string | null = null;
    try {
      last = localStorage.getItem(LAST_WORKSPACE);
    } catch {
      last = null;
    }
    return list.find((w) => w.urlSlug === last) ?? list[0] ?? null;
  }

  /** Clears every table (sign-out, workspace switch). */
  resetWorkspaceData(): void {
    this.sync.stop();
    this.teams.clear();
    this.states.clear();
    this.labels.clear();
    this.issues.clear();
    this.teamIssuesLoad.clear();
    this.details.clear();
    this.undo.clear();
    this.ui.focusIssue(null);
    this.ui.setVisibleIssues([]);
    this.workspaceLoad = 'idle';
    this.workspaceError = null;
  }

  /**
   * Makes `slug` the current workspace and loads its teams, workflow states and members.
   * @returns false when the user is not a member of such a workspace
   */
  async enterWorkspace(slug: string): Promise<boolean> {
    const ws = this.me?.workspaces.find((w) => w.urlSlug === slug || w.id === slug) ?? null;
    if (!ws) return false;
    if (this.workspace?.id === ws.id && this.workspaceLoad !== 'error') return true;
    runInAction(() => {
      this.resetWorkspaceData();
      this.workspace = ws;
      this.workspaceLoad = 'loading';
    });
    setWorkspaceHeader(ws.id);
    try {
      localStorage.setItem(LAST_WORKSPACE, ws.urlSlug);
    } catch {
      // Storage unavailable: nothing to remember.
    }
    try {
      // Teams, states, labels, members and issues come from sync: the IndexedDB copy at once
      // when there is one, else the bootstrap; the op stream keeps them current.
      await this.sync.open(ws.id, this.me!.user.id);
      if (this.workspace?.id !== ws.id) return true;
      runInAction(() => {
        this.workspaceLoad = 'loaded';
      });
      void this.loadPeople(this.teams.all());
    } catch (err) {
      runInAction(() => {
        this.workspaceLoad = 'error';
        this.workspaceError = err instanceof Error ? err.message : String(err);
      });
    }
    return true;
  }

  /** Workspace members, or (while that endpoint is missing) the union of the teams' members. */
  private async loadPeople(teams: Team[]): Promise<void> {
    let people: User[] = [];
    try {
      people = await api.listMembers();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) return;
      const lists = await Promise.all(teams.map((t) => api.listTeamMembers(t.id).catch(() => [] as User[])));
      people = lists.flat();
    }
    runInAction(() => this.users.upsertMany(people));
  }

  /** Loads every page of a team's issues once per workspace visit. */
  async loadTeamIssues(teamId: string): Promise<void> {
    const st = this.teamIssuesLoad.get(teamId);
    if (st === 'loading' || st === 'loaded') return;
    if (this.sync.ready) {
      // Sync holds every readable issue already.
      runInAction(() => this.teamIssuesLoad.set(teamId, 'loaded'));
      return;
    }
    runInAction(() => this.teamIssuesLoad.set(teamId, 'loading'));
    const ws = this.workspace?.id;
    try {
      await api.listTeamIssues(teamId, (rows) => {
        if (this.workspace?.id === ws) upsertListItems(this.issues, rows);
      });
      runInAction(() => this.teamIssuesLoad.set(teamId, 'loaded'));
    } catch (err) {
      runInAction(() => this.teamIssuesLoad.set(teamId, 'error'));
      this.ui.toast(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  /** Team by id or key (keys are matched case-insensitively). */
  team(idOrKey: string | null | undefined): Team | undefined {
    if (!idOrKey) return undefined;
    const byId = this.teams.get(idOrKey);
    if (byId) return byId;
    const key = idOrKey.toUpperCase();
    return this.teams.all().find((t) => t.key === key);
  }

  /** Teams sorted by name. */
  sortedTeams(): Team[] {
    return this.teams
      .all()
      .filter((t) => !t.archivedAt)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A team's workflow states in workflow order. */
  statesOf(teamId: string): WorkflowState[] {
    return this.states.by(teamId).sort((a, b) => a.position - b.position);
  }

  /**
   * The state new issues of a team get, as the server picks it (issues.refs.ts `defaultState`):
   * the backlog's default state (never Triage), else its first backlog, then unstarted state.
   */
  defaultState(teamId: string): WorkflowState | undefined {
    const states = this.statesOf(teamId);
    return (
      states.find((s) => s.category === 'backlog' && s.isDefault) ??
      states.find((s) => s.category === 'backlog') ??
      states.find((s) => s.category === 'unstarted' && s.isDefault) ??
      states.find((s) => s.category === 'unstarted') ??
      states[0]
    );
  }

  /** An issue by id or identifier (`ENG-12`). */
  issue(idOrIdentifier: string | null | undefined): Issue | undefined {
    if (!idOrIdentifier) return undefined;
    const byId = this.issues.get(idOrIdentifier);
    if (byId) return byId;
    const ident = idOrIdentifier.toUpperCase();
    const [key, num] = [ident.slice(0, ident.lastIndexOf('-')), Number(ident.slice(ident.lastIndexOf('-') + 1))];
    const team = this.team(key);
    if (!team || !Number.isInteger(num)) return undefined;
    return this.issues.by(team.id).find((i) => i.number === num);
  }

  /**
   * Applies sync operations (idempotent: an insert or update replaces the row with its post-image,
   * a delete removes it; unknown entities are ignored until the store models them).
   */
  applyOps(ops: readonly SyncOp[]): void {
    for (const op of ops) {
      const table = this.tableFor(op.entity);
      if (op.entity === 'workspace' && op.data && this.me) {
        const w = op.data as { id: string; name: string; urlSlug: string };
        this.me = { ...this.me, workspaces: this.me.workspaces.map((x) => (x.id === w.id ? { ...x, name: w.name, urlSlug: w.urlSlug } : x)) };
        if (this.workspace?.id === w.id) this.workspace = { ...this.workspace, name: w.name, urlSlug: w.urlSlug };
        continue;
      }
      if (op.entity === 'member') {
        // Memberships carry the person's public profile (no e-mail): keep the e-mail already known.
        const m = op.data as { userId?: string; name?: string; avatarUrl?: string | null; role?: string } | null;
        if (op.action !== 'delete' && m?.userId) {
          const known = this.users.get(m.userId);
          this.users.upsert({ id: m.userId, name: m.name ?? known?.name ?? '', email: known?.email ?? '', avatarUrl: m.avatarUrl ?? null, role: m.role });
        }
        continue;
      }
      if (this.details.applyOp(op)) continue;
      if (!table) continue;
      if (op.action === 'delete' || op.data == null) table.remove(op.id);
      else table.upsert(op.data as never);
    }
  }

  private tableFor(entity: string): Table<{ id: string }> | null {
    switch (entity) {
      case 'issue':
        return this.issues as unknown as Table<{ id: string }>;
      case 'team':
        return this.teams as unknown as Table<{ id: string }>;
      case 'workflowState':
        return this.states as unknown as Table<{ id: string }>;
      case 'user':
        return this.users as unknown as Table<{ id: string }>;
      default:
        return null;
    }
  }

  /** Signs out and empties the store. */
  async signOut(): Promise<void> {
    // The local copy is private to this user: delete it with the session.
    await this.sync.forget();
    try {
      await api.signOut();
    } catch {
      // Already signed out: the outcome is the same.
    }
    runInAction(() => {
      this.resetWorkspaceData();
      this.workspace = null;
      this.users.clear();
      this.setMe(null);
    });
    setWorkspaceHeader(null);
  }

  /** Re-reads `/me` (after creating a workspace). */
  async refreshMe(): Promise<void> {
    const me = await api.getMe();
    this.setMe(me);
  }
}
