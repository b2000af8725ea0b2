/**
 * Text rules shared by every input.
 *
 * Length unit: Unicode code points — what JSON Schema's maxLength counts (ajv), what PostgreSQL's
 * char_length counts, and what the web app counts with `[...text].length`. So 255 × "a" and
 * 128 × "👍" fit a 255 limit, while 40 × "👨‍👩‍👧‍👦" (7 code points each, 280 in all) does not.
 */

/** Length of `s` in Unicode code points. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Finds the first string in a JSON value that PostgreSQL cannot store or that is not valid
 * Unicode: one containing U+0000 or a lone surrogate.
 * @returns a JSON pointer to it (relative to `value`) or null
 */
export function findBadString(value: unknown, pointer = '', depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) return pointer || '/';
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findBadString(value[i], `${pointer}/${i}`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000') || !k.isWellFormed()) return `${pointer}/${k}`;
      const hit = findBadString(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * A character that shows: not a control or format character (zero-width space, joiners, bidi
 * controls), not a separator, not a lone combining mark, not default-ignorable (Unicode 16 §5.21,
 * e.g. U+3164 HANGUL FILLER).
 */
const VISIBLE = /[^\p{Cc}\p{Cf}\p{Z}\p{M}\p{Default_Ignorable_Code_Point}]/u;

/** True when `s` has at least one visible character (a name of only U+200B shows as nothing). */
export function hasVisibleCharacter(s: string): boolean {
  return VISIBLE.test(s);
}

/** Trims and collapses nothing else; returns null for null/undefined. */
export function trimOrNull(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  return s.trim();
}
