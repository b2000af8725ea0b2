/**
 * Version announcements over Redis pub/sub (ioredis), so every replica learns of every commit.
 * Channel `exponential:versions`; messages are `{workspaceId, version}` JSON.
 */
import { Redis } from 'ioredis';
import type { Bus, VersionAnnouncement } from './bus.ts';

const CHANNEL = 'exponential:versions';

/** Connects a publisher and a subscriber to `url` and resolves once subscribed. */
export async function createRedisBus(url: string): Promise<Bus> {
  const pub = new Redis(url, { maxRetriesPerRequest: 2 });
  const sub = new Redis(url);
  const listeners = new Set<(msg: VersionAnnouncement) => void>();
  sub.on('message', (_channel, raw) => {
    let msg: VersionAnnouncement;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof msg?.workspaceId !== 'string' || typeof msg?.version !== 'number') return;
    for (const l of listeners) {
      try {
        l(msg);
      } catch {
        // a listener's failure is its own
      }
    }
  });
  await sub.subscribe(CHANNEL);
  return {
    async publish(msg) {
      try {
        await pub.publish(CHANNEL, JSON.stringify(msg));
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
