/** The command registry: key tokens, sequences, the typing guard, overlays and precedence. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventToken, isTypingContext } from './keys.ts';
import { bindings, type Command, CommandRegistry, SEQUENCE_TIMEOUT_MS } from './registry.ts';

type Target = { tagName: string; type?: string; isContentEditable?: boolean; closest?: (s: string) => unknown };

/** A keydown-like object (Node has no KeyboardEvent). */
function key(k: string, opts: Partial<Omit<KeyboardEvent, 'target'>> & { target?: Target } = {}): KeyboardEvent {
  let prevented = false;
  return {
    key: k,
    code: /^[a-z]$/i.test(k) ? `Key${k.toUpperCase()}` : '',
    metaKey: false,
    ctrlKey: false,
    altKey: false,
    shiftKey: false,
    repeat: false,
    isComposing: false,
    keyCode: 0,
    target: { tagName: 'BODY', closest: () => null },
    ...opts,
    get defaultPrevented() {
      return prevented;
    },
    preventDefault() {
      prevented = true;
    },
  } as unknown as KeyboardEvent;
}

function cmd(id: string, keys: string[], extra: Partial<Command> = {}): Command & { runs: number } {
  const c = { id, title: id, group: 'Test', keys, runs: 0, run: () => c.runs++, ...extra };
  return c;
}

describe('eventToken', () => {
  it('names keys as the registry expects', () => {
    expect(eventToken(key('c'))).toBe('c');
    expect(eventToken(key('C', { shiftKey: true }))).toBe('shift+c');
    expect(eventToken(key('?', { shiftKey: true }))).toBe('?');
    expect(eventToken(key('k', { metaKey: true }))).toBe('mod+k');
    expect(eventToken(key('k', { ctrlKey: true }))).toBe('mod+k');
    expect(eventToken(key('Enter', { ctrlKey: true }))).toBe('mod+enter');
    expect(eventToken(key('ArrowDown'))).toBe('arrowdown');
    expect(eventToken(key('Shift', { shiftKey: true }))).toBeNull();
    // Option+C on a Mac produces "ç"; the physical key names it.
    expect(eventToken(key('ç', { altKey: true, code: 'KeyC' }))).toBe('alt+c');
  });
});

describe('isTypingContext', () => {
  it('is true in text fields, contenteditable and during IME composition', () => {
    expect(isTypingContext(key('j', { target: { tagName: 'INPUT', type: 'text' } }))).toBe(true);
    expect(isTypingContext(key('j', { target: { tagName: 'TEXTAREA' } }))).toBe(true);
    expect(isTypingContext(key('j', { target: { tagName: 'DIV', isContentEditable: true } }))).toBe(true);
    expect(isTypingContext(key('j', { isComposing: true }))).toBe(true);
    expect(isTypingContext(key('Process', { keyCode: 229 }))).toBe(true);
    expect(isTypingContext(key('j', { target: { tagName: 'INPUT', type: 'checkbox' } }))).toBe(false);
    expect(isTypingContext(key('j'))).toBe(false);
  });
});

describe('CommandRegistry', () => {
  let r: CommandRegistry;
  beforeEach(() => {
    r = new CommandRegistry();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('runs a single-key command and prevents the default', () => {
    const c = cmd('create', ['c']);
    r.register([c]);
    const e = key('c');
    expect(r.handleKeyDown(e)).toBe(true);
    expect(c.runs).toBe(1);
    expect(e.defaultPrevented).toBe(true);
    expect(r.handleKeyDown(key('x'))).toBe(false);
  });

  it('runs a sequence when the second key comes in time, and not after the timeout', () => {
    const goMy = cmd('go.my', ['g', 'm']);
    r.register([goMy]);
    expect(r.handleKeyDown(key('g'))).toBe(true);
    expect(goMy.runs).toBe(0);
    r.handleKeyDown(key('m'));
    expect(goMy.runs).toBe(1);
    r.handleKeyDown(key('g'));
    vi.advanceTimersByTime(SEQUENCE_TIMEOUT_MS + 1);
    r.handleKeyDown(key('m'));
    expect(goMy.runs).toBe(1);
  });

  it('falls back to the single key when a started sequence does not continue', () => {
    const goMy = cmd('go.my', ['g', 'm']);
    const create = cmd('create', ['c']);
    r.register([goMy, create]);
    r.handleKeyDown(key('g'));
    r.handleKeyDown(key('c'));
    expect(create.runs).toBe(1);
    expect(goMy.runs).toBe(0);
  });

  it('ignores plain keys while typing; modifier commands marked allowInInput still fire', () => {
    const create = cmd('create', ['c']);
    const palette = cmd('palette', ['mod+k'], { allowInInput: true });
    const submitAnywhere = cmd('nope', ['enter'], { allowInInput: true });
    r.register([create, palette, submitAnywhere]);
    const input = { tagName: 'INPUT', type: 'text' };
    expect(r.handleKeyDown(key('c', { target: input }))).toBe(false);
    expect(r.handleKeyDown(key('c', { isComposing: true }))).toBe(false);
    expect(r.handleKeyDown(key('Enter', { target: input }))).toBe(false);
    expect(r.handleKeyDown(key('k', { ctrlKey: true, target: input }))).toBe(true);
    expect([create.runs, palette.runs, submitAnywhere.runs]).toEqual([0, 1, 0]);
  });

  it('leaves Enter to a focused button or link', () => {
    const open = cmd('open', ['enter']);
    r.register([open]);
    const button = { tagName: 'BUTTON', closest: () => ({}) };
    expect(r.handleKeyDown(key('Enter', { target: button }))).toBe(false);
    expect(open.runs).toBe(0);
    expect(r.handleKeyDown(key('Enter'))).toBe(true);
    expect(open.runs).toBe(1);
  });

  it('only runs commands allowed over an open overlay', () => {
    const create = cmd('create', ['c']);
    const help = cmd('help', ['?'], { allowInOverlay: true });
    r.register([create, help]);
    r.setOverlayCheck(() => true);
    r.handleKeyDown(key('c'));
    r.handleKeyDown(key('?', { shiftKey: true }));
    expect([create.runs, help.runs]).toEqual([0, 1]);
  });

  it('skips disabled commands and lets the latest enabled registration win', () => {
    const global = cmd('esc.global', ['escape']);
    const screen = cmd('esc.screen', ['escape']);
    const disabled = cmd('esc.disabled', ['escape'], { isEnabled: () => false });
    r.register([global]);
    const off = r.register([screen]);
    r.register([disabled]);
    r.handleKeyDown(key('Escape'));
    expect([global.runs, screen.runs, disabled.runs]).toEqual([0, 1, 0]);
    off();
    r.handleKeyDown(key('Escape'));
    expect(global.runs).toBe(1);
    expect(r.enabled().map((c) => c.id)).toEqual(['esc.global']);
  });

  it('matches alternate bindings and lists them', () => {
    const down = cmd('down', ['j'], { alternateKeys: [['arrowdown']] });
    r.register([down]);
    r.handleKeyDown(key('ArrowDown'));
    r.handleKeyDown(key('j'));
    expect(down.runs).toBe(2);
    expect(bindings(down)).toEqual([['j'], ['arrowdown']]);
  });

  it('refuses a command with an empty key sequence', () => {
    expect(() => r.register([cmd('bad', [])])).toThrow('Command bad has empty keys');
  });

  it('ignores auto-repeat and events already handled', () => {
    const c = cmd('create', ['c']);
    r.register([c]);
    r.handleKeyDown(key('c', { repeat: true }));
    const handled = key('c');
    handled.preventDefault();
    r.handleKeyDown(handled);
    expect(c.runs).toBe(0);
  });
});
