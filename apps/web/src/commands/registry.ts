/**
 * The one command registry. Every action a user can take by keyboard is a {@link Command}: the
 * global key handler, the command palette (⌘K) and the `?` help sheet all read this registry, so
 * a shortcut, its palette entry and its help line cannot drift apart.
 *
 * Screens register context commands while mounted (`useCommands`); a later registration with the
 * same keys wins while it is enabled, so a screen can refine a global key. Key sequences
 * (`['g','m']`) need the next key within {@link SEQUENCE_TIMEOUT_MS}. Plain keys never fire while
 * the user types (inputs, textareas, contenteditable, IME composition); only commands marked
 * `allowInInput` whose key has a modifier do. The conventions follow Linear's (linear-ux.md §1).
 */
import { action, makeObservable, observable } from 'mobx';
import { eventToken, isActivatable, isTypingContext } from './keys.ts';

/** Time allowed between the keys of a sequence, in milliseconds. */
export const SEQUENCE_TIMEOUT_MS = 1200;

/** One user action. */
export interface Command {
  /** Stable id, e.g. `issue.create`. */
  id: string;
  /** What the palette and help sheet show ("Create issue"). */
  title: string;
  /** Section in the palette and help sheet ("Navigation", "Issue", …). */
  group: string;
  /** A key sequence: one token (`['c']`, `['mod+k']`) or several (`['g','m']`). */
  keys?: readonly string[];
  /** Other sequences doing the same (`[['arrowdown']]` next to `['j']`). */
  alternateKeys?: readonly (readonly string[])[];
  /** Other words the palette matches. */
  keywords?: readonly string[];
  /** Whether the command can run now (default: always). Disabled commands are hidden. */
  isEnabled?: () => boolean;
  run: () => void;
  /** Listed in the palette (default true). List motions (j/k) set false. */
  palette?: boolean;
  /** May fire while typing in a field (modifier keys only, e.g. ⌘K). */
  allowInInput?: boolean;
  /** May fire while a modal overlay is open (e.g. ⌘K, ?). */
  allowInOverlay?: boolean;
}

/** Holds commands and turns keydowns into their runs. */
export class CommandRegistry {
  /** Registered commands, oldest first. */
  readonly commands = observable.array<Command>([], { deep: false });
  private pending: string[] = [];
  private pendingTimer: ReturnType<typeof setTimeout> | null = null;
  private overlayOpen: () => boolean = () => false;

  constructor() {
    makeObservable(this, { register: action });
  }

  /**
   * Adds commands; returns a function removing exactly these.
   * @throws Error when a command's `keys` is empty
   */
  register(cmds: readonly Command[]): () => void {
    for (const c of cmds) if (bindings(c).some((k) => k.length === 0)) throw new Error(`Command ${c.id} has empty keys`);
    this.commands.push(...cmds);
    return action(() => {
      for (const c of cmds) {
        const at = this.commands.indexOf(c);
        if (at >= 0) this.commands.splice(at, 1);
      }
    });
  }

  /** Tells the registry how to know a modal overlay is open. */
  setOverlayCheck(fn: () => boolean): void {
    this.overlayOpen = fn;
  }

  /** Commands enabled now, each id once (the latest registration wins). */
  enabled(): Command[] {
    const seen = new Set<string>();
    const out: Command[] = [];
    for (let i = this.commands.length - 1; i >= 0; i--) {
      const c = this.commands[i]!;
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      if (c.isEnabled && !c.isEnabled()) continue;
      out.push(c);
    }
    return out.reverse();
  }

  /** Runs a command by id if it is enabled; returns whether it ran. */
  run(id: string): boolean {
    const c = this.enabled().find((x) => x.id === id);
    if (!c) return false;
    c.run();
    return true;
  }

  /** The enabled command a full key sequence triggers now (latest registration first). */
  match(seq: readonly string[], typing = false, overlay = false): Command | undefined {
    const all = this.enabled();
    for (let i = all.length - 1; i >= 0; i--) {
      const c = all[i]!;
      if (!bindings(c).some((k) => sameKeys(k, seq))) continue;
      if (typing && !(c.allowInInput && seq.every((t) => t.includes('mod+')))) continue;
      if (overlay && !c.allowInOverlay) continue;
      return c;
    }
    return undefined;
  }

  private isPrefix(seq: readonly string[], typing: boolean, overlay: boolean): boolean {
    if (typing || overlay) return false;
    return this.enabled().some((c) => bindings(c).some((k) => k.length > seq.length && seq.every((t, i) => k[i] === t)));
  }

  private resetPending(): void {
    this.pending = [];
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
  }

  /**
   * Handles one keydown: runs the matching command (and prevents the browser default), or
   * remembers the key as the start of a sequence. Returns whether the key was consumed.
   */
  handleKeyDown(e: KeyboardEvent): boolean {
    if (e.defaultPrevented || e.repeat) return false;
    const token = eventToken(e);
    if (!token) return false;
    // Enter and Space on a focused control activate it; they are not shortcuts there.
    if ((token === 'enter' || token === 'space') && isActivatable(e)) return false;
    const typing = isTypingContext(e);
    const overlay = this.overlayOpen();
    const attempts = this.pending.length ? [[...this.pending, token], [token]] : [[token]];
    for (const seq of attempts) {
      const cmd = this.match(seq, typing, overlay);
      if (cmd) {
        this.resetPending();
        e.preventDefault();
        cmd.run();
        return true;
      }
      if (this.isPrefix(seq, typing, overlay)) {
        this.resetPending();
        this.pending = seq;
        this.pendingTimer = setTimeout(() => this.resetPending(), SEQUENCE_TIMEOUT_MS);
        return true;
      }
    }
    this.resetPending();
    return false;
  }
}

/** Every key sequence bound to a command: its `keys`, then its `alternateKeys`. */
export function bindings(c: Pick<Command, 'keys' | 'alternateKeys'>): readonly (readonly string[])[] {
  return [...(c.keys ? [c.keys] : []), ...(c.alternateKeys ?? [])];
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** The application's registry. */
export const registry = new CommandRegistry();
