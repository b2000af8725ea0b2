/** Issue references in text. */
import { describe, expect, it } from 'vitest';
import { findIssueRefs } from './issueRefs.ts';

describe('findIssueRefs', () => {
  const keys = new Set(['ENG', 'OPS2']);
  it('finds identifiers of known team keys only', () => {
    expect(findIssueRefs('See ENG-12 and OPS2-3, not ABC-4.', keys)).toEqual([
      { from: 4, to: 10, identifier: 'ENG-12' },
      { from: 15, to: 21, identifier: 'OPS2-3' },
    ]);
  });
  it('ignores partial words, zero numbers and lower case', () => {
    expect(findIssueRefs('XENG-12 ENG-0 eng-12 ENG-12x', keys)).toEqual([]);
  });
  it('finds nothing without keys', () => {
    expect(findIssueRefs('ENG-1', new Set())).toEqual([]);
  });
});
