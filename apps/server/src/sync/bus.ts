/**
 * The announcement bus: after a mutation commits, the server publishes `{workspaceId, version}`;
 * gateways then read the op log. A lost message loses nothing (the next one, or a catch-up,
 * carries the gap). In-process by default; Redis pub/sub when `REDIS_URL` is set.
 */
import type { OpRow } from './oplog.ts';

/** "Workspace W reached version V" — over Redis never the operations themselves. */
export interface VersionAnnouncement {
  workspaceId: string;
  version: number;
  /**
   * The operations of `version` as committed, only in the process that committed them (never
   * sent over Redis): its gateway sends them to connections one version behind without reading
   * the log back (bench B7: the read was the fan-out's latency after commit).
   */
  rows?: readonly OpRow[];
}

/** Publish and subscribe to version announcements. */
export interface Bus {
  publish(msg: VersionAnnouncement): Promise<void>;
  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: (msg: VersionAnnouncement) => void): () => void;
  close(): Promise<void>;
}

/** A bus inside one process. */
export function createMemoryBus(): Bus {
  const listeners = new Set<(msg: VersionAnnouncement) => void>();
  return {
    async publish(msg) {
      for (const l of listeners) {
        try {
          l(msg);
        } catch {
          // a listener's failure is its own
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
