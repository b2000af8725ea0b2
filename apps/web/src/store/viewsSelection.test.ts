/** Multi-selection: toggles, shift ranges from the anchor, select all, pruning. */
import { describe, expect, it } from 'vitest';
import { ListSelection } from './viewsSelection.ts';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('ListSelection', () => {
  it('x / ⌘-click toggles and moves the anchor; shift-click adds the range from the anchor', () => {
    const s = new ListSelection();
    s.toggle('b');
    s.selectRange('d', order);
    expect(s.ordered(order)).toEqual(['b', 'c', 'd']);
    s.toggle('c');
    expect(s.ordered(order)).toEqual(['b', 'd']);
    s.selectRange('a', order);
    expect(s.ordered(order)).toEqual(['a', 'b', 'c', 'd']);
  });
  it('a range without an anchor selects just that issue; select all and clear', () => {
    const s = new ListSelection();
    s.selectRange('c', order);
    expect(s.ordered(order)).toEqual(['c']);
    s.setAll(order);
    expect(s.size).toBe(5);
    s.retain((id) => id !== 'e');
    expect(s.ordered(order)).toEqual(['a', 'b', 'c', 'd']);
    s.clear();
    expect(s.size).toBe(0);
  });
});
