/** Suggestions derived from names during onboarding: workspace URL slugs and team keys. */

/** A URL slug suggestion: lower-case ASCII letters, digits and dashes, 2–48 characters. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return s.length >= 2 ? s : '';
}

/** A team key suggestion: up to 3 upper-case letters from the name (`Engineering` → `ENG`). */
export function teamKeyFor(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (!words.length) return '';
  const key = words.length > 1 ? words.map((w) => w[0]).join('') : words[0]!.slice(0, 3);
  const up = key.toUpperCase().replace(/^[0-9]+/, '').slice(0, 7);
  return /^[A-Z][A-Z0-9]{0,6}$/.test(up) ? up : '';
}
