/**
 * The normalized in-memory store a sync client keeps: one `Map` per entity type, keyed by id
 * (team memberships by `teamId:userId`), holding plain records exactly as the server presents
 * them. It moves only by whole batches (or a whole bootstrap), each one version step, and tells
 * subscribers what changed. Framework-agnostic: a UI binds it to React, MobX, etc. itself.
 *
 * Rules that keep it equal to a fresh bootstrap:
 * - only the bootstrap's entity types are stored (other operations, e.g. comments, are passed to
 *   `onOps` listeners of the client but not kept);
 * - an archived issue leaves the store unless the client bootstraps with `includeArchived`;
 * - deleting a team drops its memberships, workflow states, labels and issues (the server
 *   deletes them by cascade and sends only the team's delete);
 * - losing access to a team (`dropTeams`) drops the team and everything it governs;
 * - an operation with a `patch` (issue updates, when the client asked for patches) replaces the
 *   held record with `{...held, ...patch}`; a patch for a record the store does not hold is
 *   counted in `missedPatches` and skipped (the store then differs from the server: bootstrap).
 */
import type { OpsBatch, SyncOp } from './protocol.ts';

/** Entity types a bootstrap contains and the store keeps. */
export const SYNCED_ENTITIES = ['workspace', 'member', 'team', 'teamMember', 'workflowState', 'label', 'issue'] as const;
/** One of {@link SYNCED_ENTITIES}. */
export type SyncedEntity = (typeof SYNCED_ENTITIES)[number];
/** A stored record (as the REST API presents the entity). */
export type Row = Record<string, any>;

/** One change to the store. */
export interface EntityChange {
  entity: string;
  key: string;
  /** The new record, or null when it left the store. */
  value: Row | null;
  /** The record before, or null when it was absent. */
  previous: Row | null;
}

/** What subscribers receive after every batch or replacement. */
export interface StoreEvent {
  version: number;
  changes: EntityChange[];
  /** True when the whole store was replaced (bootstrap, reset, cache load). */
  replaced: boolean;
}

const TEAM_SCOPED: ReadonlySet<string> = new Set(['teamMember', 'workflowState', 'label', 'issue']);
const SYNCED: ReadonlySet<string> = new Set(SYNCED_ENTITIES);

/** The store key of an entity record: its id, or `teamId:userId` for a team membership. */
export function entityKey(entity: string, id: string, data: Row | null): string {
  if (entity === 'teamMember' && data && typeof data.teamId === 'string' && typeof data.userId === 'string') {
    return `${data.teamId}:${data.userId}`;
  }
  return id;
}

/** A normalized store of synced entities. */
export class SyncStore {
  /** The last version applied. */
  version = 0;
  /**
   * Patches skipped since the last {@link replace} because their record was not held. Non-zero
   * means the store no longer equals the server's view (e.g. a team whose records are not loaded
   * yet): the sync client bootstraps.
   */
  missedPatches = 0;
  private readonly tables = new Map<string, Map<string, Row>>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly keyed = new Map<string, Set<(value: Row | null) => void>>();

  /**
   * @param includeArchived keep archived issues (the client bootstraps with `includeArchived`)
   */
  constructor(public includeArchived = false) {
    for (const e of SYNCED_ENTITIES) this.tables.set(e, new Map());
  }

  /** The records of one entity type, by key (read-only view). */
  table(entity: SyncedEntity): ReadonlyMap<string, Row> {
    return this.tables.get(entity) as Map<string, Row>;
  }

  /** One record, or undefined. */
  get(entity: SyncedEntity, key: string): Row | undefined {
    return this.tables.get(entity)?.get(key);
  }

  /** Every record of an entity type. */
  all(entity: SyncedEntity): Row[] {
    return [...(this.tables.get(entity)?.values() ?? [])];
  }

  /** Ids of the teams in the store (the teams the user could read as of `version`). */
  teamIds(): Set<string> {
    return new Set(this.table('team').keys());
  }

  /** Calls `fn` after every change; returns a function that unsubscribes. */
  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` with the new record (or null) whenever one record changes or the store is replaced. */
  subscribeTo(entity: SyncedEntity, key: string, fn: (value: Row | null) => void): () => void {
    const k = `${entity}\u0000${key}`;
    const set = this.keyed.get(k) ?? new Set<(value: Row | null) => void>();
    this.keyed.set(k, set);
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size) this.keyed.delete(k);
    };
  }

  /**
   * Applies a batch whose `fromVersion` is at or below the store's version: operations of
   * versions already applied are skipped, so applying a batch twice changes nothing.
   * @throws Error when the batch starts after the store's version (a gap: catch up first)
   */
  applyBatch(batch: OpsBatch): EntityChange[] {
    if (batch.fromVersion > this.version) {
      throw new Error(`gap: batch starts at ${batch.fromVersion}, store is at ${this.version}`);
    }
    if (batch.toVersion <= this.version) return [];
    const changes: EntityChange[] = [];
    for (const op of batch.ops) if (op.v > this.version) this.applyOp(op, changes);
    this.version = batch.toVersion;
    this.emit({ version: this.version, changes, replaced: false });
    return changes;
  }

  /** Replaces everything (a bootstrap or a cache load) at `version`. */
  replace(rows: Iterable<{ entity: string; data: Row }>, version: number): void {
    for (const t of this.tables.values()) t.clear();
    this.missedPatches = 0;
    for (const { entity, data } of rows) {
      const t = this.tables.get(entity);
      if (t && this.keeps(entity, data)) t.set(entityKey(entity, data.id, data), data);
    }
    this.version = version;
    this.emit({ version, changes: [], replaced: true });
  }

  /** Drops teams the user can no longer read, with everything they govern. */
  dropTeams(teamIds: Iterable<string>): EntityChange[] {
    const gone = new Set(teamIds);
    const changes: EntityChange[] = [];
    for (const id of gone) this.remove('team', id, changes);
    this.cascade(gone, changes);
    if (changes.length) this.emit({ version: this.version, changes, replaced: false });
    return changes;
  }

  /** Every record by entity type, sorted by key: comparable with another store or a bootstrap. */
  snapshot(): { version: number; entities: Record<string, Row[]> } {
    const entities: Record<string, Row[]> = {};
    for (const [name, t] of this.tables) {
      entities[name] = [...t.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    }
    return { version: this.version, entities };
  }

  private keeps(entity: string, data: Row): boolean {
    return !(entity === 'issue' && data.archivedAt && !this.includeArchived);
  }

  private applyOp(op: SyncOp, changes: EntityChange[]) {
    if (!SYNCED.has(op.entity)) return;
    if (op.patch && op.action !== 'delete') {
      // Patched records are keyed by their id (issues).
      const held = this.tables.get(op.entity)?.get(op.id);
      if (held === undefined) {
        this.missedPatches += 1;
        return;
      }
      op.data = { ...held, ...op.patch };
    }
    const key = entityKey(op.entity, op.id, op.data);
    if (op.action === 'delete' || !op.data) {
      this.remove(op.entity, key, changes);
      if (op.entity === 'team') this.cascade(new Set([op.id]), changes);
      return;
    }
    if (!this.keeps(op.entity, op.data)) {
      this.remove(op.entity, key, changes);
      return;
    }
    const t = this.tables.get(op.entity) as Map<string, Row>;
    const previous = t.get(key) ?? null;
    t.set(key, op.data);
    changes.push({ entity: op.entity, key, value: op.data, previous });
  }

  private remove(entity: string, key: string, changes: EntityChange[]) {
    const t = this.tables.get(entity);
    const previous = t?.get(key);
    if (!t || previous === undefined) return;
    t.delete(key);
    changes.push({ entity, key, value: null, previous });
  }

  private cascade(teams: Set<string>, changes: EntityChange[]) {
    for (const entity of TEAM_SCOPED) {
      const t = this.tables.get(entity) as Map<string, Row>;
      for (const [key, row] of t) if (teams.has(row.teamId)) this.remove(entity, key, changes);
    }
  }

  private emit(e: StoreEvent) {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a subscriber's failure is its own
      }
    }
    if (!this.keyed.size) return;
    if (e.replaced) {
      for (const [k, set] of this.keyed) {
        const [entity, key] = k.split('\u0000') as [SyncedEntity, string];
        const v = this.get(entity, key) ?? null;
        for (const fn of set) fn(v);
      }
      return;
    }
    for (const c of e.changes) {
      for (const fn of this.keyed.get(`${c.entity}\u0000${c.key}`) ?? []) fn(c.value);
    }
  }
}
