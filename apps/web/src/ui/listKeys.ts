/** React keys for lists whose items have no id of their own. */

/**
 * One React key per item, built from the item's content (`keyOf`) so the same item keeps its key
 * when the list changes. Items with equal content get `#2`, `#3`, … in the order they appear,
 * so keys stay unique (a key sequence such as `g g` repeats a token).
 * Input: the items and a function giving each item's content string. Output: keys, same length and order.
 */
export function contentKeys<T>(items: readonly T[], keyOf: (item: T) => string): string[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = keyOf(item);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}
