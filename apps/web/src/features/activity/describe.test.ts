/** Sentences of the activity feed. */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../api/details.ts';
import { describeEvent, type NameLookup, timeAgo } from './describe.ts';

const names: NameLookup = {
  state: (id) => ({ s1: 'Todo', s2: 'In Progress' })[id],
  user: (id) => ({ u1: 'Ada' })[id],
  label: (id) => ({ l1: 'Bug', l2: 'Frontend' })[id],
  team: (id) => ({ t1: 'Platform' })[id],
  issue: (id) => ({ i9: 'ENG-9' })[id],
};
const event = (kind: string, changes: Record<string, unknown>): HistoryEvent => ({ id: 'h', issueId: 'i', kind, actor: { id: 'u1', name: 'Ada' }, changes, createdAt: '2026-01-01T00:00:00Z' });

describe('describeEvent', () => {
  it('says what an update changed, field by field', () => {
    const e = event('updated', {
      stateId: { from: 's1', to: 's2' },
      priority: { from: 'none', to: 'urgent' },
      assigneeId: { from: null, to: 'u1' },
      labelIds: { from: ['l1'], to: ['l2'] },
      estimate: { from: 3, to: null },
      dueDate: { from: null, to: '2030-01-15' },
      parentId: { from: null, to: 'i9' },
      identifier: { from: 'A-1', to: 'B-1' },
      teamId: { from: 't0', to: 't1' },
    });
    expect(describeEvent(e, names)).toEqual([
      'changed status from Todo to In Progress',
      'set priority to Urgent',
      'assigned to Ada',
      'added Frontend and removed Bug labels',
      'removed the estimate',
      'set the due date to 2030-01-15',
      'made it a sub-issue of ENG-9',
      'moved it to Platform',
    ]);
  });
  it('covers creation, imports, archiving and relations', () => {
    expect(describeEvent(event('created', {}), names)).toEqual(['created the issue']);
    expect(describeEvent(event('created', { source: 'import', externalKey: 'GP-3485' }), names)).toEqual(['imported the issue (GP-3485)']);
    expect(describeEvent(event('archived', {}), names)).toEqual(['archived the issue']);
    expect(describeEvent(event('relation_added', { type: 'blocked_by', relatedIssueId: 'x', relatedIssueIdentifier: 'ENG-2' }), names)).toEqual(['marked this as blocked by ENG-2']);
    expect(describeEvent(event('relation_removed', { type: 'related', relatedIssueId: 'i9' }), names)).toEqual(['removed the relation related to ENG-9']);
    // The other issue of a private team is never named.
    expect(describeEvent(event('relation_added', { type: 'blocks', relatedIssueId: 'secret' }), names)).toEqual(['marked this as blocking another issue']);
  });
  it('names removed states or people neutrally', () => {
    expect(describeEvent(event('updated', { stateId: { from: 'gone', to: 's1' } }), names)).toEqual(['changed status from a removed status to Todo']);
    expect(describeEvent(event('updated', { assigneeId: { from: 'u1', to: null } }), names)).toEqual(['removed the assignee']);
  });
});

describe('timeAgo', () => {
  it('speaks relative time', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(timeAgo('2026-01-10T11:59:30Z', now)).toBe('just now');
    expect(timeAgo('2026-01-10T11:55:00Z', now)).toMatch(/5 minutes ago/);
    expect(timeAgo('2026-01-09T12:00:00Z', now)).toMatch(/yesterday|1 day ago/);
  });
});
