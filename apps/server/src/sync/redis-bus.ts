/**
 * Version announcements over Redis pub/sub (ioredis), so every replica learns of every commit.
 * Channel `exponential:versions`; messages are `{workspaceId, version}` JSON. The publishing
 * process's own listeners hear its announcement at once, with the committed rows (then again,
 * without them, from Redis: a repeated announcement changes nothing).
 */
import { Redis } from 'ioredis';
import type { Bus, VersionAnnouncement } from './bus.ts';

const CHANNEL = 'exponential:versions';

/** Connects a publisher and a subscriber to `url` and resolves once subscribed. */
export async function createRedisBus(url: string): Promise<Bus> {
  const pub = new Redis(url, { maxRetriesPerRequest: 2 });
  const sub = new Redis(url);
  const listeners = new Set<(msg: VersionAnnouncement) => void>();
  const deliver = (msg: VersionAnnouncement) => {
    for (const l of listeners) {
      try {
        l(msg);
      } catch {
        // a listener's failure is its own
      }
    }
  };
  sub.on('message', (_channel, raw) => {
    let msg: VersionAnnouncement;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof msg?.workspaceId !== 'string' || typeof msg?.version !== 'number') return;
    deliver({ workspaceId: msg.workspaceId, version: msg.version });
  });
  await sub.subscribe(CHANNEL);
  return {
    async publish(msg) {
      deliver(msg);
      try {
        await pub.publish(CHANNEL, JSON.stringify({ workspaceId: msg.workspaceId, version: msg.version }));
      } catch {
        // A lost announcement loses nothing: gateways also catch up on the next one.
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
