/**
 * The normalized store: exactly-once batches, team cascades, archived issues, team memberships
 * keyed by team and user, and change subscriptions.
 */
import { describe, expect, it } from 'vitest';
import { SyncStore } from '../src/sync/store.ts';

const T1 = '00000000-0000-7000-8000-000000000001';
const T2 = '00000000-0000-7000-8000-000000000002';
const team = (id: string) => ({ id, name: id, key: 'K' });
const issue = (id: string, teamId: string, extra: Record<string, unknown> = {}) => ({ id, teamId, title: id, archivedAt: null, ...extra });
let v = 0;
const op = (entity: string, id: string, action: 'insert' | 'update' | 'delete', data: unknown) => ({ v: ++v, seq: 0, entity, id, action, data, actor: null });

function seeded() {
  const s = new SyncStore();
  s.replace(
    [
      { entity: 'team', data: team(T1) },
      { entity: 'team', data: team(T2) },
      { entity: 'issue', data: issue('i1', T1) },
      { entity: 'issue', data: issue('i2', T2) },
      { entity: 'workflowState', data: { id: 's1', teamId: T1 } },
      { entity: 'label', data: { id: 'l0', teamId: null } },
      { entity: 'label', data: { id: 'l1', teamId: T1 } },
      { entity: 'teamMember', data: { teamId: T1, userId: 'u1' } },
      { entity: 'teamMember', data: { teamId: T2, userId: 'u1' } },
    ],
    10,
  );
  v = 10;
  return s;
}

describe('SyncStore', () => {
  it('applies a batch once: a repeated or older batch changes nothing', () => {
    const s = seeded();
    const batch = { fromVersion: 10, toVersion: 11, ops: [op('issue', 'i3', 'insert', issue('i3', T1))] };
    expect(s.applyBatch(batch)).toHaveLength(1);
    expect(s.applyBatch(batch)).toEqual([]);
    expect(s.version).toBe(11);
    expect(() => s.applyBatch({ fromVersion: 12, toVersion: 13, ops: [] })).toThrow(/gap/);
  });

  it('skips the already applied part of an overlapping batch', () => {
    const s = seeded();
    s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [op('issue', 'i1', 'update', issue('i1', T1, { title: 'new' }))] });
    const stale = { v: 11, seq: 0, entity: 'issue', id: 'i1', action: 'update' as const, data: issue('i1', T1, { title: 'stale' }), actor: null };
    const fresh = { v: 12, seq: 0, entity: 'issue', id: 'i2', action: 'update' as const, data: issue('i2', T2, { title: 'fresh' }), actor: null };
    s.applyBatch({ fromVersion: 10, toVersion: 12, ops: [stale, fresh] });
    expect(s.get('issue', 'i1')?.title).toBe('new');
    expect(s.get('issue', 'i2')?.title).toBe('fresh');
  });

  it('drops a deleted team with its states, labels, memberships and issues', () => {
    const s = seeded();
    s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [op('team', T1, 'delete', null)] });
    expect(s.snapshot().entities).toMatchObject({
      team: [team(T2)],
      issue: [issue('i2', T2)],
      workflowState: [],
      label: [{ id: 'l0', teamId: null }],
      teamMember: [{ teamId: T2, userId: 'u1' }],
    });
  });

  it('drops teams the user lost, keeping workspace-wide records', () => {
    const s = seeded();
    const changes = s.dropTeams([T2]);
    expect(changes.map((c) => `${c.entity}:${c.key}`).sort()).toEqual([`issue:i2`, `team:${T2}`, `teamMember:${T2}:u1`]);
    expect(s.teamIds()).toEqual(new Set([T1]));
  });

  it('removes an issue when it is archived, and brings it back when unarchived', () => {
    const s = seeded();
    s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [op('issue', 'i1', 'update', issue('i1', T1, { archivedAt: '2026-01-01T00:00:00.000Z' }))] });
    expect(s.get('issue', 'i1')).toBeUndefined();
    s.applyBatch({ fromVersion: 11, toVersion: 12, ops: [op('issue', 'i1', 'update', issue('i1', T1))] });
    expect(s.get('issue', 'i1')?.archivedAt).toBeNull();
    const keep = new SyncStore(true);
    keep.replace([{ entity: 'issue', data: issue('a', T1, { archivedAt: 'x' }) }], 1);
    expect(keep.get('issue', 'a')).toBeDefined();
  });

  it('applies a patch over the held record, fills in the operation’s data, and counts a patch without its record', () => {
    const s = seeded();
    const seen: unknown[] = [];
    s.subscribeTo('issue', 'i1', (value) => seen.push(value));
    const patchOp = { v: 11, seq: 0, entity: 'issue', id: 'i1', action: 'update' as const, patch: { title: 'patched', priority: 'high' }, actor: null };
    const orphan = { v: 11, seq: 1, entity: 'issue', id: 'gone', action: 'update' as const, patch: { title: 'nobody' }, actor: null };
    const changes = s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [patchOp, orphan] });
    const expected = issue('i1', T1, { title: 'patched', priority: 'high' });
    expect(s.get('issue', 'i1')).toEqual(expected);
    expect(patchOp).toMatchObject({ data: expected });
    expect(changes).toEqual([{ entity: 'issue', key: 'i1', value: expected, previous: issue('i1', T1) }]);
    expect(seen).toEqual([expected]);
    expect(s.get('issue', 'gone')).toBeUndefined();
    expect(s.missedPatches).toBe(1);
    // A repeated batch is a no-op, and a bootstrap clears the count.
    expect(s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [patchOp, orphan] })).toEqual([]);
    expect(s.missedPatches).toBe(1);
    s.replace([], 12);
    expect(s.missedPatches).toBe(0);
  });

  it('keys team memberships by team and user, and deletes them by their data', () => {
    const s = seeded();
    s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [op('teamMember', T1, 'insert', { teamId: T1, userId: 'u2' })] });
    expect([...s.table('teamMember').keys()].sort()).toEqual([`${T1}:u1`, `${T1}:u2`, `${T2}:u1`]);
    s.applyBatch({ fromVersion: 11, toVersion: 12, ops: [op('teamMember', T1, 'delete', { teamId: T1, userId: 'u1' })] });
    expect([...s.table('teamMember').keys()].sort()).toEqual([`${T1}:u2`, `${T2}:u1`]);
  });

  it('keeps only synced entity types', () => {
    const s = seeded();
    s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [op('comment', 'c1', 'insert', { id: 'c1', teamId: T1 })] });
    expect(Object.keys(s.snapshot().entities)).not.toContain('comment');
    expect(s.version).toBe(11);
  });

  it('notifies subscribers of each change and per-record listeners of their record', () => {
    const s = seeded();
    const events: unknown[] = [];
    const values: unknown[] = [];
    const off = s.subscribe((e) => events.push(e));
    s.subscribeTo('issue', 'i1', (val) => values.push(val?.title ?? null));
    s.applyBatch({ fromVersion: 10, toVersion: 11, ops: [op('issue', 'i1', 'update', issue('i1', T1, { title: 'renamed' }))] });
    s.applyBatch({ fromVersion: 11, toVersion: 12, ops: [op('issue', 'i1', 'delete', null)] });
    off();
    s.applyBatch({ fromVersion: 12, toVersion: 13, ops: [] });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ version: 11, replaced: false, changes: [{ entity: 'issue', key: 'i1', previous: { title: 'i1' } }] });
    expect(values).toEqual(['renamed', null]);
  });
});
