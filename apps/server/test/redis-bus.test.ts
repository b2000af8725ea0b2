/**
 * The Redis bus (needs Redis at REDIS_URL, default redis://127.0.0.1:6379): the publishing
 * process hears its own announcement at once with the committed rows; other processes hear only
 * `{workspaceId, version}` (the rows never travel over Redis), and so does the publisher's echo.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Bus, VersionAnnouncement } from '../src/sync/bus.ts';
import type { OpRow } from '../src/sync/oplog.ts';
import { createRedisBus } from '../src/sync/redis-bus.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const buses: Bus[] = [];
afterAll(async () => {
  for (const b of buses) await b.close();
});

describe('Redis bus', () => {
  it('delivers locally at once with the rows, elsewhere (and as the echo) without them', async () => {
    const a = await createRedisBus(url);
    const b = await createRedisBus(url);
    buses.push(a, b);
    const workspaceId = `ws-${process.pid}-${Date.now()}`;
    const heardA: VersionAnnouncement[] = [];
    const heardB: VersionAnnouncement[] = [];
    a.subscribe((m) => m.workspaceId === workspaceId && heardA.push(m));
    b.subscribe((m) => m.workspaceId === workspaceId && heardB.push(m));
    const rows = [{ version: 7, seq: 0, entity: 'issue', entityId: 'x', action: 'update', data: { title: 't' } }] as unknown as OpRow[];
    const sent = a.publish({ workspaceId, version: 7, rows });
    // Before Redis answers: the publisher's own listeners already have it, rows included.
    expect(heardA).toEqual([{ workspaceId, version: 7, rows }]);
    await sent;
    await expect.poll(() => heardB.length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => heardA.length, { timeout: 5000 }).toBe(2);
    expect(heardB[0]).toEqual({ workspaceId, version: 7 });
    expect(heardA[1]).toEqual({ workspaceId, version: 7 });
  });
});
