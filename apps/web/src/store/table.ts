/**
 * A normalized, observable table of entities keyed by id: the one place a row lives in the
 * client. REST responses, optimistic writes and sync operations all land here through
 * `upsert` / `remove`, so every screen reading a row sees the same object.
 */
import { action, makeObservable, observable, type ObservableSet } from 'mobx';

/** A table of `T` rows keyed by `id`. */
export class Table<T extends { id: string }> {
  /** Rows by id. Rows are replaced whole (never mutated in place), so readers re-render on change. */
  readonly rows = observable.map<string, T>({}, { deep: false });

  constructor() {
    makeObservable(this, { upsert: action, upsertMany: action, remove: action, clear: action });
  }

  /** The row with this id, if loaded. */
  get(id: string | null | undefined): T | undefined {
    return id ? this.rows.get(id) : undefined;
  }

  /** Every loaded row (insertion order). */
  all(): T[] {
    return [...this.rows.values()];
  }

  /** Inserts or replaces a row; returns the previous one. */
  upsert(row: T): T | undefined {
    const prev = this.rows.get(row.id);
    this.rows.set(row.id, row);
    this.indexChanged(prev, row);
    return prev;
  }

  /** Inserts or replaces many rows in one action. */
  upsertMany(rows: readonly T[]): void {
    for (const r of rows) this.upsert(r);
  }

  /** Removes a row; returns it. */
  remove(id: string): T | undefined {
    const prev = this.rows.get(id);
    if (!prev) return undefined;
    this.rows.delete(id);
    this.indexChanged(prev, undefined);
    return prev;
  }

  /** Empties the table (sign-out, workspace switch). */
  clear(): void {
    for (const r of [...this.rows.values()]) this.remove(r.id);
  }

  /** Hook for subclasses keeping secondary indexes; called after every change. */
  protected indexChanged(_prev: T | undefined, _next: T | undefined): void {}
}

/**
 * A table with a secondary index `key(row) → ids` (e.g. issues by team), kept in step with every
 * upsert and remove so lookups do not scan the whole table.
 */
export class IndexedTable<T extends { id: string }> extends Table<T> {
  private readonly index = observable.map<string, ObservableSet<string>>({}, { deep: false });

  constructor(private readonly key: (row: T) => string) {
    super();
  }

  /** Rows whose key is `k` (insertion order). */
  by(k: string): T[] {
    const ids = this.index.get(k);
    if (!ids) return [];
    const out: T[] = [];
    for (const id of ids) {
      const r = this.rows.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  protected override indexChanged(prev: T | undefined, next: T | undefined): void {
    const before = prev ? this.key(prev) : undefined;
    const after = next ? this.key(next) : undefined;
    if (before === after) return;
    if (before !== undefined && prev) this.index.get(before)?.delete(prev.id);
    if (after !== undefined && next) {
      let s = this.index.get(after);
      if (!s) {
        s = observable.set<string>();
        this.index.set(after, s);
      }
      s.add(next.id);
    }
  }
}
