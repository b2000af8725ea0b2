/**
 * The sidebar on narrow screens (phones, below Tailwind's `md`, 768 px): hidden behind a menu
 * button (bottom left; beside the drawer while open), it slides over the screen when opened and
 * closes on navigation, Escape or a tap outside.
 * From `md` up it is the ordinary column.
 */
import { useRouterState } from '@tanstack/react-router';
import { type ReactNode, useEffect, useState } from 'react';

/** Wraps the sidebar. */
export function NarrowNav({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  // A navigation closes the drawer (state adjusted during render, as React recommends over an effect).
  const [openedAt, setOpenedAt] = useState(pathname);
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        setOpen(false);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);
  return (
    <>
      <div className={`flex max-md:fixed max-md:inset-y-0 max-md:left-0 max-md:z-40 max-md:shadow-overlay ${open ? '' : 'max-md:hidden'}`}>{children}</div>
      {open && <div className="fixed inset-0 z-30 bg-black/30 md:hidden" aria-hidden onClick={() => setOpen(false)} />}
      <button
        type="button"
        aria-label={open ? 'Close menu' : 'Open menu'}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        // Open, the button sits beside the drawer (232 px wide, Sidebar.tsx), over the dimmed page,
        // so it never covers the drawer's own Settings and Keyboard shortcuts items.
        className={`fixed z-50 flex h-11 w-11 items-center justify-center rounded-full border border-line bg-elevated text-fg shadow-overlay md:hidden ${open ? 'top-2 left-[244px]' : 'bottom-4 left-4'}`}
      >
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
          {open ? (
            <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          ) : (
            <path d="M2.5 4.5h11M2.5 8h11M2.5 11.5h11" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          )}
        </svg>
      </button>
    </>
  );
}
