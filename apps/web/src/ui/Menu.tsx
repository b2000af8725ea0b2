/**
 * A dropdown menu anchored under its trigger: arrow keys move, Enter activates, Escape or a click
 * outside closes, focus returns to the trigger.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';

/** One entry of a {@link Menu}; `separator` draws a line instead. */
export interface MenuItem {
  id: string;
  label?: ReactNode;
  icon?: ReactNode;
  hint?: ReactNode;
  onSelect?: () => void;
  separator?: boolean;
}

/** Props of {@link Menu}. */
export interface MenuProps {
  trigger: (props: { onClick: () => void; 'aria-expanded': boolean; 'aria-haspopup': 'menu' }) => ReactNode;
  items: MenuItem[];
  label: string;
  align?: 'left' | 'right';
  width?: string;
}

/** A dropdown menu. */
export function Menu({ trigger, items, label, align = 'left', width = 'w-60' }: MenuProps) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    wrap.current?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const entries = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? (at + 1) % entries.length : (at - 1 + entries.length) % entries.length;
      entries[next]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
    // Menu keys must not reach the global shortcut handler.
    e.nativeEvent.stopImmediatePropagation();
  };

  return (
    <div ref={wrap} className="relative">
      {trigger({ onClick: () => setOpen((o) => !o), 'aria-expanded': open, 'aria-haspopup': 'menu' })}
      {open && (
        <div
          ref={list}
          role="menu"
          aria-label={label}
          onKeyDown={onKeyDown}
          className={`absolute top-full z-40 mt-1 ${align === 'right' ? 'right-0' : 'left-0'} ${width} rounded-lg border border-line bg-elevated p-1 shadow-overlay`}
        >
          {items.map((it) =>
            it.separator ? (
              <hr key={it.id} className="my-1 h-px border-0 bg-line" />
            ) : (
              <button
                key={it.id}
                type="button"
                role="menuitem"
                className="flex h-8 w-full items-center gap-2 rounded-md px-2 text-left text-base outline-none hover:bg-hover focus:bg-hover"
                onClick={() => {
                  setOpen(false);
                  it.onSelect?.();
                }}
              >
                {it.icon}
                <span className="min-w-0 flex-1 truncate">{it.label}</span>
                {it.hint && <span className="text-sm text-faint">{it.hint}</span>}
              </button>
            ),
          )}
        </div>
      )}
    </div>
  );
}
