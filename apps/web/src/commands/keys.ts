/**
 * Keyboard tokens: how a keydown is named (`c`, `shift+c`, `?`, `mod+k`, `mod+enter`, `arrowdown`)
 * and how a command's keys are shown (`⌘K`, `G then M`). `mod` is ⌘ on Apple systems and Ctrl
 * elsewhere; either modifier is accepted as `mod` on every system.
 */

/** The event target as an element, if it is one (duck-typed: works across frames and in tests). */
function asElement(target: EventTarget | null): HTMLElement | null {
  return target && typeof target === 'object' && 'tagName' in target ? (target as HTMLElement) : null;
}

/** True on macOS / iOS, where `mod` is shown as ⌘. */
export const isApple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Unshifted characters of punctuation and digit keys by physical code (US layout names). */
const UNSHIFTED: Record<string, string> = {
  Period: '.',
  Comma: ',',
  Slash: '/',
  Semicolon: ';',
  Quote: "'",
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Minus: '-',
  Equal: '=',
  Backquote: '`',
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`Digit${i}`, String(i)])),
};

/**
 * The token of a keydown, or null for a bare modifier press. Printable characters other than
 * letters keep their produced character (`?` rather than `shift+/`); letters are lower-cased and
 * carry `shift+` when shifted.
 */
export function eventToken(e: KeyboardEvent): string | null {
  const key = e.key;
  if (!key || key === 'Shift' || key === 'Control' || key === 'Alt' || key === 'Meta' || key === 'Dead' || key === 'Process') {
    return null;
  }
  const mods: string[] = [];
  if (e.metaKey || e.ctrlKey) mods.push('mod');
  if (e.altKey) mods.push('alt');
  let name: string;
  if (key.length === 1) {
    const lower = key.toLowerCase();
    const isLetter = lower !== key.toUpperCase();
    name = isLetter ? lower : key === ' ' ? 'space' : key;
    if (isLetter && e.shiftKey) mods.push('shift');
    // With Alt on Apple keyboards `key` is the composed glyph; use the physical letter instead.
    if (e.altKey && /^Key[A-Z]$/.test(e.code)) name = e.code.slice(3).toLowerCase();
    // ⌘/Ctrl+Shift+. reports `>` (layout-dependent): name the physical key and keep the Shift,
    // so `mod+shift+.` means the same keys on every layout.
    if (!isLetter && e.shiftKey && (e.metaKey || e.ctrlKey) && UNSHIFTED[e.code]) {
      name = UNSHIFTED[e.code]!;
      mods.push('shift');
    }
  } else {
    name = key.toLowerCase();
    if (e.shiftKey) mods.push('shift');
  }
  return [...mods, name].join('+');
}

/**
 * Whether keys typed now go into text: an input, textarea, select or contenteditable has focus,
 * or an IME composition is in progress. Plain-key shortcuts never fire then.
 */
export function isTypingContext(e: KeyboardEvent): boolean {
  if (e.isComposing || e.keyCode === 229) return true;
  const t = asElement(e.target);
  if (!t) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return false;
}

const GLYPHS: Record<string, string> = {
  mod: isApple ? '⌘' : 'Ctrl',
  alt: isApple ? '⌥' : 'Alt',
  shift: isApple ? '⇧' : 'Shift',
  enter: '↵',
  escape: 'Esc',
  arrowup: '↑',
  arrowdown: '↓',
  arrowleft: '←',
  arrowright: '→',
  backspace: '⌫',
  delete: 'Del',
  space: 'Space',
};

/** Display parts of one token: `mod+k` → ['⌘', 'K']. */
export function tokenParts(token: string): string[] {
  return token.split('+').map((p) => GLYPHS[p] ?? (p.length === 1 ? p.toUpperCase() : p));
}

/** A readable label for a key sequence: `['g','m']` → "G then M", `['mod+k']` → "⌘K". */
export function keysLabel(keys: readonly string[]): string {
  return keys.map((k) => tokenParts(k).join(isApple ? '' : '+')).join(' then ');
}

/** Whether Enter/Space on the event's target already means something (a button, link, menu item). */
export function isActivatable(e: KeyboardEvent): boolean {
  const t = asElement(e.target);
  if (!t || typeof t.closest !== 'function') return false;
  if (t.closest('button,a[href],summary,[role="button"],[role="menuitem"],[role="option"],[role="checkbox"],[role="switch"],[role="tab"]')) return true;
  return false;
}
