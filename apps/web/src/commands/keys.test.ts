/** Key tokens of shifted punctuation with a modifier (the copy keys). */
import { describe, expect, it } from 'vitest';
import { eventToken, keysLabel } from './keys.ts';

const ev = (key: string, code: string, mods: Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>>) =>
  ({ key, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods }) as KeyboardEvent;

describe('eventToken with ⌘/Ctrl+Shift and punctuation', () => {
  it('names the physical key and keeps Shift, whatever character the layout produced', () => {
    expect(eventToken(ev('>', 'Period', { ctrlKey: true, shiftKey: true }))).toBe('mod+shift+.');
    expect(eventToken(ev('<', 'Comma', { metaKey: true, shiftKey: true }))).toBe('mod+shift+,');
    expect(eventToken(ev(':', 'Period', { ctrlKey: true, shiftKey: true }))).toBe('mod+shift+.');
    expect(eventToken(ev('!', 'Digit1', { ctrlKey: true, shiftKey: true }))).toBe('mod+shift+1');
  });
  it('leaves unmodified and unshifted keys as before', () => {
    expect(eventToken(ev('.', 'Period', { ctrlKey: true }))).toBe('mod+.');
    expect(eventToken(ev('?', 'Slash', { shiftKey: true }))).toBe('?');
    expect(eventToken(ev('/', 'Slash', {}))).toBe('/');
    expect(eventToken(ev('D', 'KeyD', { shiftKey: true }))).toBe('shift+d');
  });
  it('shows the copy keys readably', () => {
    expect(keysLabel(['mod+shift+.'])).toMatch(/^(⌘⇧\.|Ctrl\+Shift\+\.)$/);
  });
});
