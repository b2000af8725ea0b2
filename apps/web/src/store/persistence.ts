/**
 * The sync client's confirmed copy kept in IndexedDB, so a reload shows the workspace at once
 * and then only catches up (reference/sync-design.md §6–7).
 *
 * One database per (user, workspace, protocol): `exponential-sync:<userId>:<workspaceId>:p<n>`, so
 * another user on the same browser, or a protocol change, never reads a stale copy. Inside, one
 * object store per synced entity (out-of-line keys: the store key of {@link entityKey}) and a
 * `meta` store holding {@link PersistedMeta} under the key `meta`. Every batch is written in one
 * read-write transaction together with its new version, so records and version never disagree.
 *
 * Large writes (a bootstrap of 10,000 issues) are issued in chunks from request callbacks: the
 * transaction stays active between chunks and the main thread is never held for the whole copy.
 */
import { type EntityChange, entityKey, type PersistedMeta, type PersistedState, type PersistenceAdapter, SYNC_PROTOCOL, SYNCED_ENTITIES } from '@exponential/sdk';

const META = 'meta';
/** Records put per chunk inside one transaction (keeps each main-thread slice short). */
const CHUNK = 500;

/** The database name for a user and workspace. */
export function syncDatabaseName(userId: string, workspaceId: string): string {
  return `exponential-sync:${userId}:${workspaceId}:p${SYNC_PROTOCOL}`;
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Runs `ops` (requests of one transaction) in order, `CHUNK` at a time: the next chunk is issued from the success
 * callback of the previous chunk's last request, while the transaction is still active.
 */
function chunked(ops: Array<() => IDBRequest>): void {
  let at = 0;
  const next = () => {
    const end = Math.min(ops.length, at + CHUNK);
    let last: IDBRequest | null = null;
    for (; at < end; at++) last = (ops[at] as () => IDBRequest)();
    if (last && at < ops.length) last.onsuccess = next;
  };
  next();
}

/** Opens (creating on first use) the sync database of a user and workspace. */
export function openSyncDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const e of SYNCED_ENTITIES) if (!db.objectStoreNames.contains(e)) db.createObjectStore(e);
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('Cannot open IndexedDB'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab upgrading it'));
  });
}

/** A {@link PersistenceAdapter} on IndexedDB (see the module comment for the layout). */
export class IndexedDbPersistence implements PersistenceAdapter {
  private db: Promise<IDBDatabase> | null = null;

  constructor(readonly name: string) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= openSyncDatabase(this.name).then((db) => {
      // Another tab deleting the database (sign-out there) must not be blocked by this one.
      db.onversionchange = () => {
        db.close();
        this.db = null;
      };
      return db;
    });
    return this.db;
  }

  /** The stored copy, or null when there is none (or it was never completed). */
  async load(): Promise<PersistedState | null> {
    const db = await this.open();
    const tx = db.transaction([META, ...SYNCED_ENTITIES], 'readonly');
    // Every request is issued at once, inside the transaction's first task.
    const metaReq = promised(tx.objectStore(META).get(META));
    const listReqs = SYNCED_ENTITIES.map((e) => promised(tx.objectStore(e).getAll()));
    const meta = (await metaReq) as PersistedMeta | undefined;
    const lists = await Promise.all(listReqs);
    if (!meta) return null;
    const rows: PersistedState['rows'] = [];
    SYNCED_ENTITIES.forEach((entity, i) => {
      for (const data of lists[i] as Array<Record<string, unknown>>) rows.push({ entity, data });
    });
    return { ...meta, rows };
  }

  /** Replaces every record and the meta in one transaction. */
  async replace(state: PersistedState): Promise<void> {
    const db = await this.open();
    const { rows, ...meta } = state;
    const tx = db.transaction([META, ...SYNCED_ENTITIES], 'readwrite');
    const finished = done(tx);
    const stores = new Map(SYNCED_ENTITIES.map((e) => [e as string, tx.objectStore(e)]));
    const ops: Array<() => IDBRequest> = [];
    for (const s of stores.values()) ops.push(() => s.clear());
    for (const { entity, data } of rows) {
      const s = stores.get(entity);
      if (s) ops.push(() => s.put(data, entityKey(entity, data.id, data)));
    }
    ops.push(() => tx.objectStore(META).put(meta, META));
    chunked(ops);
    await finished;
  }

  /** Applies one batch's changes and its version in one transaction. */
  async applyChanges(changes: EntityChange[], meta: PersistedMeta): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([META, ...SYNCED_ENTITIES], 'readwrite');
    const finished = done(tx);
    const known = new Set<string>(SYNCED_ENTITIES);
    const ops: Array<() => IDBRequest> = [];
    for (const c of changes) {
      if (!known.has(c.entity)) continue;
      const s = tx.objectStore(c.entity);
      ops.push(c.value ? () => s.put(c.value, c.key) : () => s.delete(c.key));
    }
    ops.push(() => tx.objectStore(META).put(meta, META));
    chunked(ops);
    await finished;
  }

  /** Deletes the whole database. */
  async clear(): Promise<void> {
    const db = await this.db?.catch(() => null);
    db?.close();
    this.db = null;
    await deleteSyncDatabase(this.name);
  }
}

/** Deletes a sync database (sign-out); resolves even when it is blocked or absent. */
export function deleteSyncDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/** Names of every sync database of this origin (for sign-out), where the browser can list them. */
export async function syncDatabaseNames(): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') return [];
  const all = await indexedDB.databases();
  return all.map((d) => d.name ?? '').filter((n) => n.startsWith('exponential-sync:'));
}
