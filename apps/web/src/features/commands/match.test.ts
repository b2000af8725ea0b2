import { describe, expect, it } from 'vitest';
import { commandScore } from './match.ts';

describe('commandScore', () => {
  const dup = ['Mark as duplicate of…', 'duplicate', 'same'];
  it('does not match an issue title whose letters merely occur in order', () => {
    expect(commandScore('login page crash', dup)).toBe(0);
    expect(commandScore('mdo', dup)).toBe(0);
    expect(commandScore('fix', ['Mark as duplicate of…'])).toBe(0);
  });
  it('matches by word prefixes of the title and keywords, title first', () => {
    expect(commandScore('mark', dup)).toBe(1);
    expect(commandScore('dup', dup)).toBe(0.8);
    expect(commandScore('same', dup)).toBe(0.5);
    expect(commandScore('Mark as dup', dup)).toBe(1);
    expect(commandScore('', dup)).toBe(1);
  });
});
