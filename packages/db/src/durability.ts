/**
 * Durability for PGlite in a Node data directory.
 *
 * PGlite runs PostgreSQL with `fsync=off` and its Node filesystem never calls fsync, so a commit
 * reaches only the OS page cache: it survives a crash of our process (kill -9), not a power cut.
 * `WalFlusher` closes most of that gap from the outside: before the server acknowledges a write it
 * fsyncs the write-ahead log segments that changed (group commit: concurrent callers share one
 * flush), and it periodically fsyncs every other file in the data directory that changed, so
 * checkpointed data pages and `pg_control` reach the disk too. What remains is documented in
 * docs/SELF-HOSTING.md ("Durability").
 */
import { closeSync, fsyncSync, openSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** fsyncs a PGlite data directory's WAL on demand and the rest of it every `sweepMs`. */
export class WalFlusher {
  private pending: Promise<void> | null = null;
  private queued = false;
  private lastSweep = Date.now();
  private lastWalFlush = 0;
  private readonly synced = new Map<string, number>();

  /**
   * @param pgdata the PGlite data directory (contains `pg_wal/`)
   * @param sweepMs interval in milliseconds between full sweeps of the directory
   */
  constructor(
    private readonly pgdata: string,
    private readonly sweepMs = 5_000,
  ) {}

  /** Resolves when every file written before the call is on stable storage (as far as fsync goes). */
  flush(): Promise<void> {
    if (this.pending) {
      // A flush is running: it may have started before our write, so queue exactly one more.
      if (!this.queued) {
        this.queued = true;
        this.pending = this.pending.then(() => {
          this.queued = false;
          return this.run();
        });
      }
      return this.pending;
    }
    this.pending = this.run().finally(() => {
      if (!this.queued) this.pending = null;
    });
    return this.pending;
  }

  private async run(): Promise<void> {
    // WAL segments touched in the last two seconds are always synced: an mtime can repeat
    // across writes inside one clock tick, and fsync of a clean file costs little.
    const started = Date.now();
    this.syncChanged(path.join(this.pgdata, 'pg_wal'), this.lastWalFlush - 2_000);
    this.lastWalFlush = started;
    if (Date.now() - this.lastSweep >= this.sweepMs) {
      this.lastSweep = Date.now();
      this.syncTree(this.pgdata);
    }
  }

  private syncTree(dir: string): void {
    this.syncChanged(dir);
    for (const entry of safeReaddir(dir)) {
      if (entry.isDirectory()) this.syncTree(path.join(dir, entry.name));
    }
  }

  /** fsyncs the files of one directory whose mtime moved since we last synced them, then the directory. */
  private syncChanged(dir: string, recentSinceMs?: number): void {
    let any = false;
    for (const entry of safeReaddir(dir)) {
      if (!entry.isFile()) continue;
      const file = path.join(dir, entry.name);
      let mtime: number;
      try {
        mtime = statSync(file).mtimeMs;
      } catch {
        continue;
      }
      const recent = recentSinceMs !== undefined && mtime >= recentSinceMs;
      if (!recent && this.synced.get(file) === mtime) continue;
      fsyncPath(file);
      this.synced.set(file, mtime);
      any = true;
    }
    if (any) fsyncPath(dir);
  }
}

function safeReaddir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    fsyncSync(fd);
  } catch {
    // A file removed between readdir and open (recycled WAL segment) needs no flush.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
