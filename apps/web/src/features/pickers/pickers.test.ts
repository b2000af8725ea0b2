/** Pure helpers of the pickers and copy keys: branch names, typed dates, due tones, estimates. */
import { describe, expect, it } from 'vitest';
import { branchName } from './copy.ts';
import { duePresets, dueTone, fromDateOnly, parseTypedDate, toDateOnly } from './dates.ts';
import { descendants } from './IssuePicker.tsx';
import { parseEstimate } from './options.tsx';

describe('branchName', () => {
  it('is the lower-case identifier and a dashed title slug', () => {
    expect(branchName('ENG-123', 'Fix login page')).toBe('eng-123-fix-login-page');
    expect(branchName('ENG-7', '  Crash: "NaN" in   totals!!  ')).toBe('eng-7-crash-nan-in-totals');
  });
  it('folds accents, drops other scripts and keeps the identifier when nothing is left', () => {
    expect(branchName('ENG-1', 'Café crème')).toBe('eng-1-cafe-creme');
    expect(branchName('ENG-2', '日本語')).toBe('eng-2');
  });
  it('stays under 60 characters, cut at a word boundary', () => {
    const b = branchName('ENG-42', 'a very long title that keeps going well past any reasonable branch name length');
    expect(b.length).toBeLessThanOrEqual(60);
    expect(b).toBe('eng-42-a-very-long-title-that-keeps-going-well-past-any');
    expect(b.endsWith('-')).toBe(false);
  });
});

describe('dates', () => {
  const wed = new Date(2026, 10, 25); // Wednesday 25 November 2026
  it('round-trips calendar dates and refuses impossible ones', () => {
    expect(toDateOnly(wed)).toBe('2026-11-25');
    expect(fromDateOnly('2026-02-30')).toBeNull();
    expect(fromDateOnly('2026-13-01')).toBeNull();
    expect(toDateOnly(fromDateOnly('2028-02-29')!)).toBe('2028-02-29');
  });
  it('reads typed dates: ISO, today, tomorrow, days and weeks from today', () => {
    expect(parseTypedDate('2030-01-15', wed)).toBe('2030-01-15');
    expect(parseTypedDate('today', wed)).toBe('2026-11-25');
    expect(parseTypedDate('Tomorrow', wed)).toBe('2026-11-26');
    expect(parseTypedDate('3d', wed)).toBe('2026-11-28');
    expect(parseTypedDate('2 weeks', wed)).toBe('2026-12-09');
    expect(parseTypedDate('next year', wed)).toBeNull();
    expect(parseTypedDate('2030-02-31', wed)).toBeNull();
  });
  it('offers presets ending the week on the coming Friday', () => {
    expect(duePresets(wed).map((p) => [p.label, p.date])).toEqual([
      ['Today', '2026-11-25'],
      ['Tomorrow', '2026-11-26'],
      ['End of this week', '2026-11-27'],
      ['In one week', '2026-12-02'],
      ['In two weeks', '2026-12-09'],
    ]);
    expect(duePresets(new Date(2026, 10, 28)).find((p) => p.label === 'End of this week')?.date).toBe('2026-12-04');
  });
  it('colours due dates as Linear does: overdue, within a week, later', () => {
    expect(dueTone('2026-11-24', wed)).toBe('overdue');
    expect(dueTone('2026-11-25', wed)).toBe('soon');
    expect(dueTone('2026-12-02', wed)).toBe('soon');
    expect(dueTone('2026-12-03', wed)).toBe('later');
  });
});

describe('parseEstimate', () => {
  it('accepts 0..1000 with up to two decimals, a comma as the decimal mark too', () => {
    expect(parseEstimate('7')).toBe(7);
    expect(parseEstimate(' 0.5 ')).toBe(0.5);
    expect(parseEstimate('2,25')).toBe(2.25);
    expect(parseEstimate('1000')).toBe(1000);
    expect(parseEstimate('1001')).toBeNull();
    expect(parseEstimate('-1')).toBeNull();
    expect(parseEstimate('1.234')).toBeNull();
    expect(parseEstimate('five')).toBeNull();
  });
});

describe('descendants', () => {
  it('finds every issue below one, so a parent cannot become its own descendant', () => {
    const issue = (id: string, parentId: string | null) => ({ id, parentId }) as never;
    const all = [issue('a', null), issue('b', 'a'), issue('c', 'b'), issue('d', 'a'), issue('e', null)];
    expect(descendants(all, 'a').sort()).toEqual(['b', 'c', 'd']);
    expect(descendants(all, 'c')).toEqual([]);
  });
});
