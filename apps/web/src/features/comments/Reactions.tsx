/**
 * Reactions on an issue or a comment: one chip per emoji with its count (pressed when the viewer
 * reacted; a click toggles) and an "add reaction" menu of common emoji.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState } from 'react';
import type { ReactionSummary } from '../../api/details.ts';
import { useStore } from '../../store/context.tsx';

/** The emoji offered by the add menu. */
export const QUICK_EMOJI = ['👍', '👎', '❤️', '🎉', '😄', '😕', '👀', '🚀'] as const;

function Smiley() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden>
      <circle cx="7" cy="7" r="5.6" fill="none" stroke="currentColor" strokeWidth="1.2" />
      <circle cx="5.1" cy="5.8" r="0.8" fill="currentColor" />
      <circle cx="8.9" cy="5.8" r="0.8" fill="currentColor" />
      <path d="M4.6 8.4a2.8 2.8 0 0 0 4.8 0" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinecap="round" />
    </svg>
  );
}

/** The add-reaction button and its emoji menu (arrow keys move, Enter picks, Escape closes). */
export function AddReaction({ onPick, label = 'Add reaction', align = 'left', below = false }: { onPick: (emoji: string) => void; label?: string; align?: 'left' | 'right'; below?: boolean }) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  return (
    <div ref={wrap} className="relative">
      <button
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex h-6 w-7 items-center justify-center rounded-full border border-line text-muted hover:bg-hover hover:text-fg"
      >
        <Smiley />
      </button>
      {open && (
        <div
          role="menu"
          aria-label="Emoji"
          className={`absolute z-30 flex gap-0.5 rounded-lg border border-line bg-elevated p-1 shadow-overlay ${below ? 'top-full mt-1' : 'bottom-full mb-1'} ${align === 'right' ? 'right-0' : 'left-0'}`}
          onKeyDown={(e) => {
            const items = [...(wrap.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              e.preventDefault();
              items[(at + (e.key === 'ArrowRight' ? 1 : -1) + items.length) % items.length]?.focus();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setOpen(false);
              wrap.current?.querySelector<HTMLButtonElement>('[aria-haspopup]')?.focus();
            }
            e.nativeEvent.stopImmediatePropagation();
          }}
        >
          {QUICK_EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              role="menuitem"
              aria-label={`React with ${emoji}`}
              className="flex h-8 w-8 items-center justify-center rounded-md text-lg hover:bg-hover focus:bg-hover focus:outline-none"
              onClick={() => {
                setOpen(false);
                onPick(emoji);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** The chips and the add button for one target. */
export const Reactions = observer(function Reactions({
  reactions,
  target,
}: {
  reactions: readonly ReactionSummary[];
  target: { issueId?: string; commentId?: string };
}) {
  const store = useStore();
  const me = store.userId;
  const toggle = (emoji: string) => void store.details.toggleReaction(target, emoji);
  return (
    <div className="flex flex-wrap items-center gap-1.5" data-testid="reactions">
      {reactions.map((r) => {
        const mine = !!me && r.userIds.includes(me);
        const who = r.userIds.map((id) => store.users.get(id)?.name || 'someone').join(', ');
        return (
          <button
            key={r.emoji}
            type="button"
            aria-pressed={mine}
            aria-label={`${r.emoji} ${r.count}, ${mine ? 'remove your reaction' : 'react'}`}
            title={who}
            onClick={() => toggle(r.emoji)}
            data-testid="reaction-chip"
            className={`flex h-6 items-center gap-1 rounded-full border px-2 text-sm ${mine ? 'border-accent bg-accent-soft text-fg' : 'border-line text-muted hover:bg-hover'}`}
          >
            <span className="text-base leading-none">{r.emoji}</span>
            <span>{r.count}</span>
          </button>
        );
      })}
      <AddReaction onPick={toggle} />
    </div>
  );
});
