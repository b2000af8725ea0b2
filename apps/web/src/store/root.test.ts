/** The normalized store fed by sync operations; team index; identifier lookup; onboarding names. */
import { describe, expect, it } from 'vitest';
import type { Issue, Team } from '../api/types.ts';
import { slugify, teamKeyFor } from '../features/onboarding/names.ts';
import { RootStore } from './root.ts';

const team = (id: string, key: string): Team => ({
  id,
  name: key,
  key,
  description: null,
  isPrivate: false,
  triageEnabled: false,
  issueCount: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  archivedAt: null,
});

const issue = (id: string, teamId: string, number: number, extra: Partial<Issue> = {}): Issue => ({
  id,
  identifier: `X-${number}`,
  number,
  teamId,
  title: id,
  description: null,
  stateId: 's',
  priority: 'none',
  estimate: null,
  assigneeId: null,
  creatorId: null,
  parentId: null,
  labelIds: [],
  sortOrder: 'a0',
  dueDate: null,
  startedAt: null,
  completedAt: null,
  canceledAt: null,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('RootStore.applyOps', () => {
  it('inserts, updates and deletes by entity and id, idempotently', () => {
    const s = new RootStore();
    s.applyOps([
      { entity: 'team', id: 't1', action: 'insert', data: team('t1', 'ENG') },
      { entity: 'team', id: 't2', action: 'insert', data: team('t2', 'OPS') },
      { entity: 'issue', id: 'i1', action: 'insert', data: issue('i1', 't1', 1) },
      { entity: 'issue', id: 'i1', action: 'insert', data: issue('i1', 't1', 1) },
      { entity: 'issue', id: 'i2', action: 'insert', data: issue('i2', 't1', 2) },
      { entity: 'somethingNew', id: 'x', action: 'insert', data: { id: 'x' } },
    ]);
    expect(s.issues.by('t1').map((i) => i.id)).toEqual(['i1', 'i2']);

    // Moving an issue to another team moves it in the team index.
    s.applyOps([{ entity: 'issue', id: 'i2', action: 'update', data: issue('i2', 't2', 1, { title: 'moved' }) }]);
    expect(s.issues.by('t1').map((i) => i.id)).toEqual(['i1']);
    expect(s.issues.by('t2').map((i) => i.title)).toEqual(['moved']);

    s.applyOps([{ entity: 'issue', id: 'i1', action: 'delete', data: null }]);
    expect(s.issues.get('i1')).toBeUndefined();
    expect(s.issues.by('t1')).toEqual([]);
  });

  it('keeps known e-mail addresses when a member operation carries only the profile', () => {
    const s = new RootStore();
    s.users.upsert({ id: 'u1', name: 'Ada', email: 'ada@example.com', avatarUrl: null });
    s.applyOps([{ entity: 'member', id: 'm1', action: 'update', data: { userId: 'u1', name: 'Ada L.', avatarUrl: null, role: 'admin' } }]);
    expect(s.users.get('u1')).toMatchObject({ name: 'Ada L.', email: 'ada@example.com', role: 'admin' });
  });

  it('finds issues by identifier with the team key in any case', () => {
    const s = new RootStore();
    s.applyOps([
      { entity: 'team', id: 't1', action: 'insert', data: team('t1', 'ENG') },
      { entity: 'issue', id: 'i7', action: 'insert', data: issue('i7', 't1', 7) },
    ]);
    expect(s.issue('eng-7')?.id).toBe('i7');
    expect(s.issue('ENG-8')).toBeUndefined();
    expect(s.issue('NOPE-7')).toBeUndefined();
    expect(s.team('eng')?.id).toBe('t1');
  });
});

describe('onboarding names', () => {
  it('suggests URL slugs', () => {
    expect(slugify('Acme Rockets, Inc.')).toBe('acme-rockets-inc');
    expect(slugify('Café Über')).toBe('cafe-uber');
    expect(slugify('!')).toBe('');
    expect(slugify('x'.repeat(60))).toHaveLength(48);
  });

  it('suggests team keys', () => {
    expect(teamKeyFor('Engineering')).toBe('ENG');
    expect(teamKeyFor('Platform Core')).toBe('PC');
    expect(teamKeyFor('42 Design')).toBe('D');
    expect(teamKeyFor('   ')).toBe('');
  });
});
