/** The undo stack's inverse patches. */
import { describe, expect, it } from 'vitest';
import type { Issue } from '../api/types.ts';
import { describePatch, inversePatch, UNDO_LIMIT, UndoStack } from './undo.ts';

const issue = { id: 'i', priority: 'high', assigneeId: null, labelIds: ['a', 'b'], estimate: 3, dueDate: null, stateId: 's1' } as unknown as Issue;

describe('inversePatch', () => {
  it('holds the previous values of exactly the fields that change', () => {
    expect(inversePatch(issue, { priority: 'low', assigneeId: 'u1' })).toEqual({ priority: 'high', assigneeId: null });
    expect(inversePatch(issue, { labelIds: ['a'] })).toEqual({ labelIds: ['a', 'b'] });
    expect(inversePatch(issue, { dueDate: '2030-01-01', estimate: 3 })).toEqual({ dueDate: null });
  });
  it('is null when nothing changes (same values, same label list)', () => {
    expect(inversePatch(issue, { priority: 'high' })).toBeNull();
    expect(inversePatch(issue, { labelIds: ['a', 'b'] })).toBeNull();
  });
  it('copies arrays, so later edits of the issue do not change the inverse', () => {
    const inv = inversePatch(issue, { labelIds: [] })!;
    expect(inv.labelIds).not.toBe(issue.labelIds);
  });
});

describe('describePatch', () => {
  it('names the fields in words', () => {
    expect(describePatch({ stateId: 'x' })).toBe('status');
    expect(describePatch({ priority: 'low', assigneeId: null })).toBe('priority and assignee');
    expect(describePatch({ priority: 'low', assigneeId: null, dueDate: null })).toBe('priority, assignee and due date');
  });
});

describe('UndoStack', () => {
  it('is last in, first out and keeps the newest UNDO_LIMIT entries', () => {
    const s = new UndoStack();
    for (let i = 0; i < UNDO_LIMIT + 5; i++) s.push({ issueId: String(i), inverse: {}, label: '' });
    expect(s.size).toBe(UNDO_LIMIT);
    expect(s.pop()?.issueId).toBe(String(UNDO_LIMIT + 4));
    s.clear();
    expect(s.pop()).toBeUndefined();
  });
});
