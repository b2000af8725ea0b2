import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/**
 * Fractional-index ranks for manual ordering (the `fractional-indexing` package, after
 * Evan Wallace's "Realtime editing of ordered sequences"). Ranks are ASCII strings ordered
 * byte-wise (JavaScript `<` and the `COLLATE "C"` column agree). Only the server computes them.
 * @param before the rank that must sort before the result, or null for the start
 * @param after the rank that must sort after the result, or null for the end
 * @throws Error when `before >= after`
 */
export function rankBetween(before: string | null, after: string | null): string {
  return generateKeyBetween(before, after);
}

/** `n` ascending ranks strictly between `before` and `after` (null = open end). */
export function ranksBetween(before: string | null, after: string | null, n: number): string[] {
  return generateNKeysBetween(before, after, n);
}
