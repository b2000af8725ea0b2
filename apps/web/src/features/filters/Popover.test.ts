import { describe, expect, it } from 'vitest';
import { clampShift } from './Popover.tsx';

describe('clampShift', () => {
  it('leaves a panel inside the viewport where it is', () => {
    expect(clampShift(20, 300, 390)).toBe(0);
  });
  it('moves a panel running off the right edge back inside (8 px margin)', () => {
    expect(clampShift(110, 398, 390)).toBe(-16);
  });
  it('moves a panel running off the left edge right', () => {
    expect(clampShift(-50, 270, 390)).toBe(58);
  });
  it('keeps the left edge visible when the panel is wider than the viewport', () => {
    expect(clampShift(0, 500, 390)).toBe(8);
  });
});
