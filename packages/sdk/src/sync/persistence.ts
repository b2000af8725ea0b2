/**
 * Where a sync client keeps its confirmed copy between sessions. The web app implements this on
 * IndexedDB (one object store per entity plus a `meta` record, each batch in one transaction, so
 * the records and their version never disagree); tests and Node use {@link MemoryPersistence}.
 * Key the database by (user, workspace, protocol) so a change of any of them starts clean
 * (reference/sync-design.md §7).
 */
import type { EntityChange, Row } from './store.ts';

/** A persisted copy. */
export interface PersistedState {
  version: number;
  protocol: number;
  userId: string;
  workspaceId: string;
  includeArchived: boolean;
  /** Teams whose records are complete (see SyncClient); a missing list means none are. */
  completeTeams?: string[];
  /** Records as `{entity, data}` pairs. */
  rows: Array<{ entity: string; data: Row }>;
}

/** Identity of a persisted copy, checked before it is used. */
export type PersistedMeta = Omit<PersistedState, 'rows'>;

/** Storage for a sync client's confirmed copy. */
export interface PersistenceAdapter {
  /** The stored copy, or null when there is none. */
  load(): Promise<PersistedState | null>;
  /** Replaces everything (after a bootstrap). */
  replace(state: PersistedState): Promise<void>;
  /** Applies one batch's changes and its new version atomically. */
  applyChanges(changes: EntityChange[], meta: PersistedMeta): Promise<void>;
  /** Forgets everything (sign-out, reset). */
  clear(): Promise<void>;
}

/** A persistence adapter in memory (tests, short-lived Node processes). */
export class MemoryPersistence implements PersistenceAdapter {
  private state: { meta: PersistedMeta; tables: Map<string, Map<string, Row>> } | null = null;

  async load(): Promise<PersistedState | null> {
    if (!this.state) return null;
    const rows: PersistedState['rows'] = [];
    for (const [entity, t] of this.state.tables) for (const data of t.values()) rows.push({ entity, data });
    return { ...this.state.meta, rows };
  }

  async replace(state: PersistedState): Promise<void> {
    const { rows, ...meta } = state;
    const tables = new Map<string, Map<string, Row>>();
    for (const { entity, data } of rows) {
      const t = tables.get(entity) ?? new Map<string, Row>();
      tables.set(entity, t);
      t.set(entity === 'teamMember' ? `${data.teamId}:${data.userId}` : data.id, data);
    }
    this.state = { meta, tables };
  }

  async applyChanges(changes: EntityChange[], meta: PersistedMeta): Promise<void> {
    if (!this.state) return;
    for (const c of changes) {
      const t = this.state.tables.get(c.entity) ?? new Map<string, Row>();
      this.state.tables.set(c.entity, t);
      if (c.value) t.set(c.key, c.value);
      else t.delete(c.key);
    }
    this.state.meta = meta;
  }

  async clear(): Promise<void> {
    this.state = null;
  }
}
