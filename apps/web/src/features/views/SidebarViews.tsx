/** The sidebar's "Views" section: the saved views this user can see (personal and shared). */
import { Link, useRouterState } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useEffect, useState } from 'react';
import { useStore } from '../../store/context.tsx';
import { viewsOf } from '../../store/views.ts';
import { ChevronDown } from '../../ui/icons.tsx';

/** The URL of a saved view. */
export function viewPath(ws: string, viewId: string): string {
  return `/${encodeURIComponent(ws)}/view/${encodeURIComponent(viewId)}`;
}

/** A layers glyph for views. */
export function ViewGlyph() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden className="shrink-0 text-muted">
      <path d="M7 2 12.5 5 7 8 1.5 5Z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
      <path d="m1.5 8.2 5.5 3 5.5-3" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

/** The Views section (hidden while there are none). */
export const SidebarViews = observer(function SidebarViews() {
  const store = useStore();
  const views = viewsOf(store);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const [open, setOpen] = useState(true);
  const ws = store.workspace;
  useEffect(() => {
    if (ws) void views.load();
  }, [ws, views]);
  if (!ws || !views.views.length) return null;
  return (
    <div className="mt-4" data-testid="sidebar-views">
      <button type="button" className="mb-1 flex w-full items-center gap-1 px-2 text-left text-sm font-medium text-faint hover:text-muted" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Views
        <ChevronDown className={`transition-transform ${open ? '' : '-rotate-90'}`} />
      </button>
      {open &&
        views.sorted().map((v) => {
          const href = viewPath(ws.urlSlug, v.id);
          const active = pathname === href;
          return (
            <Link
              key={v.id}
              to={href as '/'}
              aria-current={active ? 'page' : undefined}
              className={`flex h-7 items-center gap-2 rounded-md px-2 text-base ${active ? 'bg-selected font-medium text-fg' : 'text-muted hover:bg-hover hover:text-fg'}`}
            >
              <ViewGlyph />
              <span className="min-w-0 flex-1 truncate">{v.name}</span>
              {!v.isPersonal && <span className="text-xs text-faint">shared</span>}
            </Link>
          );
        })}
    </div>
  );
});
