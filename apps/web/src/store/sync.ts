/**
 * Binds the sync client (packages/sdk) to the MobX root store: the workspace's teams, workflow
 * states, labels, members and issues come from the bootstrap (or the IndexedDB copy, at once on a
 * reload) and then from the live op stream, applied by entity and id into the same tables the
 * screens read. Writes stay REST (optimistic in the store); their sync echo carries the same
 * post-image, so applying it is idempotent. Issue rows go through `IssueActions.receive`, which
 * keeps local edits still in flight applied on top and ignores echoes older than a REST answer.
 *
 * Comments, reactions, history events and relations are not in the sync store: their operations
 * (the client's `onOps`) go to the details of the issues opened in this tab (store/details.ts).
 *
 * Connection state is observable for the "disconnected" banner. Going offline (the browser's
 * `offline` event) drops the socket at once; the client reconnects with jittered backoff, capped
 * here at {@link RECONNECT_MAX_MS} so a returning network is noticed within seconds.
 */
import { type EntityChange, type PersistedMeta, type PersistedState, type PersistenceAdapter, type StoreEvent, SyncClient, type SyncStatus } from '@exponential/sdk';
import { action, makeObservable, observable } from 'mobx';
import type { Issue, Label, Team, WorkflowState } from '../api/types.ts';
import { deleteSyncDatabase, IndexedDbPersistence, syncDatabaseName, syncDatabaseNames } from './persistence.ts';
import type { RootStore } from './root.ts';
import type { Table } from './table.ts';

/** Operations of the op log the sync store does not keep, applied to the details of open issues. */
const ACTIVITY_ENTITIES: ReadonlySet<string> = new Set(['comment', 'reaction', 'issueHistory', 'issueRelation']);

/** Longest wait between reconnect attempts in the browser, in ms. */
export const RECONNECT_MAX_MS = 5000;

/**
 * Wraps a persistence adapter so a broken IndexedDB (private mode, quota, a blocked upgrade)
 * degrades to "no local copy" instead of stopping sync: a failed load reads as empty, failed
 * writes are reported once and otherwise ignored.
 */
class TolerantPersistence implements PersistenceAdapter {
  private warned = false;
  constructor(private readonly inner: PersistenceAdapter) {}

  async load(): Promise<PersistedState | null> {
    try {
      return await this.inner.load();
    } catch (err) {
      this.warn(err);
      return null;
    }
  }
  async replace(state: PersistedState): Promise<void> {
    await this.inner.replace(state).catch((err) => this.warn(err));
  }
  async applyChanges(changes: EntityChange[], meta: PersistedMeta): Promise<void> {
    await this.inner.applyChanges(changes, meta).catch((err) => this.warn(err));
  }
  async clear(): Promise<void> {
    await this.inner.clear().catch((err) => this.warn(err));
  }
  private warn(err: unknown) {
    if (this.warned) return;
    this.warned = true;
    console.warn('Local copy unavailable (IndexedDB):', err);
  }
}

/** The live connection of the current workspace. */
export class SyncBinding {
  /** The client's status (`live`, `offline`, …); `idle` before a workspace is opened. */
  status: SyncStatus = 'idle';
  /** When the connection was lost (ms since epoch), null while live or never connected. */
  disconnectedAt: number | null = null;
  /** True once the store holds the workspace's data (cached copy or bootstrap). */
  ready = false;
  /** The local copy was loaded from IndexedDB (not yet confirmed by the server). */
  fromCache = false;
  private client: SyncClient | null = null;
  private stops: Array<() => void> = [];

  constructor(private readonly root: RootStore) {
    makeObservable(this, { status: observable, disconnectedAt: observable, ready: observable, fromCache: observable, setStatus: action });
  }

  /** The running client (tests, diagnostics). */
  get current(): SyncClient | null {
    return this.client;
  }

  /** Records a status change of the client. */
  setStatus(s: SyncStatus): void {
    this.status = s;
    if (s === 'live') {
      this.disconnectedAt = null;
      this.fromCache = false;
    } else if (s === 'offline' && this.disconnectedAt === null) this.disconnectedAt = Date.now();
  }

  /**
   * Starts syncing a workspace and resolves once its data is in the store: the IndexedDB copy
   * when there is one (catching up continues in the background), else a full bootstrap.
   * @throws Error when neither is possible (the bootstrap failed and nothing is cached)
   */
  open(workspaceId: string, userId: string): Promise<void> {
    this.stop();
    const persistence = typeof indexedDB === 'undefined' ? undefined : new TolerantPersistence(new IndexedDbPersistence(syncDatabaseName(userId, workspaceId)));
    const client = new SyncClient({
      baseUrl: window.location.origin,
      workspace: workspaceId,
      persistence,
      backoffBaseMs: 500,
      backoffMaxMs: RECONNECT_MAX_MS,
    });
    this.client = client;
    let loaded!: () => void;
    const ready = new Promise<void>((resolve) => (loaded = resolve));
    let first = true;
    this.stops.push(
      client.store.subscribe((e) => {
        if (this.client !== client) return;
        this.apply(e);
        if (first && e.replaced) {
          first = false;
          action(() => {
            this.ready = true;
            this.fromCache = client.status !== 'bootstrapping';
          })();
          loaded();
        }
      }),
      client.onStatus((s) => {
        if (this.client === client) this.setStatus(s);
      }),
      client.onOps((ops) => {
        if (this.client !== client) return;
        // An import writes its rows in one transaction and logs one `import` operation instead of
        // one per row (docs/IMPORT.md): start again from a fresh bootstrap.
        if (ops.some((o) => o.entity === 'import')) void this.rebootstrap(workspaceId, userId);
        // Issue activity (not kept by the sync store) goes to the issue pages' details.
        const activity = ops.filter((o) => ACTIVITY_ENTITIES.has(o.entity));
        if (activity.length) {
          action(() => {
            for (const o of activity) this.root.details.applyOp(o);
          })();
        }
      }),
    );
    const onOffline = () => client.disconnect();
    window.addEventListener('offline', onOffline);
    this.stops.push(() => window.removeEventListener('offline', onOffline));
    const started = client.start();
    // `start` resolves when live; what the caller waits for is the data (or the first failure).
    started.catch(() => undefined);
    return Promise.race([ready, started.then(() => ready)]);
  }

  /** Drops the local copy and opens the workspace again from a bootstrap (the tables stay until it replaces them). */
  private async rebootstrap(workspaceId: string, userId: string): Promise<void> {
    this.stop();
    await deleteSyncDatabase(syncDatabaseName(userId, workspaceId));
    await this.open(workspaceId, userId).catch((err) => console.warn('Sync could not restart after an import:', err));
  }

  /** Stops the connection (workspace switch); the local copy stays. */
  stop(): void {
    for (const s of this.stops.splice(0)) s();
    this.client?.stop();
    this.client = null;
    action(() => {
      this.status = 'idle';
      this.disconnectedAt = null;
      this.ready = false;
      this.fromCache = false;
    })();
  }

  /** Stops and deletes every local copy of this browser (sign-out). */
  async forget(): Promise<void> {
    this.stop();
    const names = await syncDatabaseNames().catch(() => []);
    await Promise.all(names.map(deleteSyncDatabase));
  }

  /** Applies a store event to the MobX tables in one action. */
  private apply(e: StoreEvent): void {
    const client = this.client;
    if (!client) return;
    action(() => {
      if (e.replaced) this.replaceAll(client);
      else this.applyChanges(e.changes);
    })();
  }

  private applyChanges(changes: EntityChange[]): void {
    const { root } = this;
    for (const c of changes) {
      const table = this.tableOf(c.entity);
      if (table) {
        // Issues keep the local edits still in flight on top (store/issues.ts).
        if (c.value && c.entity === 'issue') root.issueActions.receive(c.value as unknown as Issue, 'sync');
        else if (c.value) table.upsert(c.value as never);
        else table.remove(c.key);
        continue;
      }
      if (c.entity === 'member' || c.entity === 'workspace') {
        root.applyOps([{ entity: c.entity, id: c.key, action: c.value ? 'update' : 'delete', data: c.value }]);
      }
    }
  }

  /**
   * Makes the tables equal the sync store: rows it no longer has leave, rows whose record changed
   * are replaced; unchanged records (the same object, e.g. after a cache load) are left alone.
   */
  private replaceAll(client: SyncClient): void {
    const { root } = this;
    const pairs: Array<[Table<{ id: string }>, 'team' | 'workflowState' | 'label' | 'issue']> = [
      [root.teams as unknown as Table<{ id: string }>, 'team'],
      [root.states as unknown as Table<{ id: string }>, 'workflowState'],
      [root.labels as unknown as Table<{ id: string }>, 'label'],
      [root.issues as unknown as Table<{ id: string }>, 'issue'],
    ];
    for (const [table, entity] of pairs) {
      const next = client.store.table(entity);
      for (const id of [...table.rows.keys()]) if (!next.has(id)) table.remove(id);
      for (const [id, row] of next) {
        if (table.rows.get(id) === row) continue;
        if (entity === 'issue') root.issueActions.receive(row as unknown as Issue, 'sync');
        else table.upsert(row as { id: string });
      }
    }
    root.applyOps([
      ...client.store.all('workspace').map((w) => ({ entity: 'workspace', id: w.id as string, action: 'update' as const, data: w })),
      ...client.store.all('member').map((m) => ({ entity: 'member', id: m.id as string, action: 'update' as const, data: m })),
    ]);
  }

  private tableOf(entity: string): Table<{ id: string }> | null {
    const { root } = this;
    switch (entity) {
      case 'team':
        return root.teams as unknown as Table<{ id: string }>;
      case 'workflowState':
        return root.states as unknown as Table<{ id: string }>;
      case 'label':
        return root.labels as unknown as Table<{ id: string }>;
      case 'issue':
        return root.issues as unknown as Table<{ id: string }>;
      default:
        return null;
    }
  }
}

/** Types the binding moves (kept here so the casts above stay honest). */
export type SyncedRow = Team | WorkflowState | Label | Issue;
