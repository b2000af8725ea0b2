/**
 * The announcement bus: after a mutation commits, the server publishes `{workspaceId, version}`;
 * gateways then read the op log. A lost message loses nothing (the next one, or a catch-up,
 * carries the gap). In-process by default; Redis pub/sub when `REDIS_URL` is set.
 */

/** "Workspace W reached version V" — never the operations themselves. */
export interface VersionAnnouncement {
  workspaceId: string;
  version: number;
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
