/** List items (no description) in the issue table: descriptions already known are never lost. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Issue, IssueListItem } from '../api/types.ts';
import { loadFullIssue, mergeListItem, upsertListItems } from './listItems.ts';
import { mkIssue } from './filtersFixtures.ts';
import { IndexedTable } from './table.ts';

/** The stand-in for `GET /issues/:id`: answers with `answer(ref)`, counting calls. */
const server = { calls: 0, answer: async (_ref: string): Promise<Issue> => full() };
vi.mock('../api/endpoints.ts', () => ({
  getIssue: (ref: string) => {
    server.calls++;
    return server.answer(ref);
  },
}));

const item = (over: Partial<IssueListItem> = {}): IssueListItem => {
  const { description: _, ...listed } = mkIssue('1', {
    id: 'i1',
    title: 'Title',
    stateId: 's1',
    creatorId: null,
    sortOrder: 'a0',
    updatedAt: '2026-01-02T00:00:00.000Z',
  });
  return { ...listed, ...over };
};
const full = (over: Partial<Issue> = {}): Issue => ({ ...item(), description: '<p>text</p>', ...over });

describe('mergeListItem', () => {
  it('keeps the description of the same version, drops it for an older held row, keeps a newer held row', () => {
    expect(mergeListItem(undefined, item())).toEqual(item());
    expect(mergeListItem(undefined, item()).description).toBeUndefined();
    expect(mergeListItem(full(), item({ title: 'Renamed' }))).toEqual({ ...item({ title: 'Renamed' }), description: '<p>text</p>' });
    const older = full({ updatedAt: '2026-01-01T12:00:00.000Z' });
    const merged = mergeListItem(older, item());
    expect(merged).toEqual(item());
    expect('description' in merged).toBe(false);
    const newer = full({ updatedAt: '2026-01-03T00:00:00.000Z', title: 'Edited' });
    expect(mergeListItem(newer, item())).toBe(newer);
    expect(mergeListItem(full({ description: null }), item()).description).toBeNull();
  });
});

describe('upsertListItems and loadFullIssue', () => {
  beforeEach(() => {
    server.calls = 0;
  });

  it('a sub-issue list does not wipe the description sync gave; a row from a list is completed by GET /issues/:id', async () => {
    const issues = new IndexedTable<Issue>((i) => i.teamId);
    issues.upsert(full());
    upsertListItems(issues, [item(), item({ id: 'i2', identifier: 'ENG-2', number: 2 })]);
    expect(issues.get('i1')?.description).toBe('<p>text</p>');
    expect(issues.get('i2')?.description).toBeUndefined();
    server.answer = async () => full({ id: 'i2', identifier: 'ENG-2', number: 2, description: '<p>two</p>' });
    const [a, b] = await Promise.all([loadFullIssue(issues, 'i2'), loadFullIssue(issues, 'i2')]);
    expect(server.calls).toBe(1);
    expect(a).toBe(b);
    expect(issues.get('i2')?.description).toBe('<p>two</p>');
  });

  it('a failed load leaves the row as it was and resolves to null', async () => {
    const issues = new IndexedTable<Issue>((i) => i.teamId);
    upsertListItems(issues, [item()]);
    server.answer = () => Promise.reject(new Error('offline'));
    expect(await loadFullIssue(issues, 'i1')).toBeNull();
    expect(issues.get('i1')).toEqual(item());
  });
});
