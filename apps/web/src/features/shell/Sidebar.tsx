/**
 * The sidebar: workspace switcher, search (⌘K) and new issue (C), My issues, the user's teams with
 * their Triage (when on, with the number of issues waiting) / Issues / Active / Backlog views, and
 * Settings.
 */
import { Link, useRouterState } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import type { Team } from '../../api/types.ts';
import { go, paths, type TeamView } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { ChevronDown, NavIcon, PlusIcon, SearchIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { Menu } from '../../ui/Menu.tsx';
import { triageIssues } from '../triage/triage.ts';
import { SidebarViews } from '../views/SidebarViews.tsx';

function NavLink({ href, icon, label, active, indent = false, count }: { href: string; icon: React.ReactNode; label: string; active: boolean; indent?: boolean; count?: number }) {
  return (
    <Link
      to={href as '/'}
      className={`flex h-7 items-center gap-2 rounded-md px-2 text-base ${indent ? 'pl-7' : ''} ${
        active ? 'bg-selected font-medium text-fg' : 'text-muted hover:bg-hover hover:text-fg'
      }`}
      aria-current={active ? 'page' : undefined}
    >
      {icon}
      <span className="flex-1 truncate">{label}</span>
      {count !== undefined && (
        <span className="text-sm text-faint tabular-nums" data-testid="nav-count">
          {count}
        </span>
      )}
    </Link>
  );
}

/** A team's square badge: its key's first letter in a colour from the key. */
export function TeamBadge({ team, size = 16 }: { team: Pick<Team, 'key'>; size?: number }) {
  let h = 0;
  for (const c of team.key) h = (h * 31 + c.charCodeAt(0)) % 360;
  return (
    <span
      aria-hidden
      className="inline-flex shrink-0 items-center justify-center rounded font-semibold text-white"
      style={{ width: size, height: size, fontSize: size * 0.6, background: `hsl(${h} 50% 55%)` }}
    >
      {team.key[0]}
    </span>
  );
}

const TeamSection = observer(function TeamSection({ team, ws, pathname }: { team: Team; ws: string; pathname: string }) {
  const store = useStore();
  const [open, setOpen] = useState(true);
  const views: [TeamView, string, 'issues' | 'active' | 'backlog' | 'triage'][] = [
    // Triage first, as in Linear, while the team has it on.
    ...(team.triageEnabled ? [['triage', 'Triage', 'triage'] as [TeamView, string, 'triage']] : []),
    ['all', 'Issues', 'issues'],
    ['active', 'Active', 'active'],
    ['backlog', 'Backlog', 'backlog'],
  ];
  return (
    <div>
      <button
        type="button"
        className="flex h-7 w-full items-center gap-2 rounded-md px-2 text-left text-base text-fg hover:bg-hover"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <TeamBadge team={team} />
        <span className="flex-1 truncate font-medium">{team.name}</span>
        <ChevronDown className={`text-faint transition-transform ${open ? '' : '-rotate-90'}`} />
      </button>
      {open &&
        views.map(([view, label, icon]) => {
          const href = paths.team(ws, team.key, view);
          const count = view === 'triage' ? triageIssues(store, team.id).length : 0;
          return <NavLink key={view} href={href} icon={<NavIcon name={icon} />} label={label} active={pathname === href} indent count={count || undefined} />;
        })}
    </div>
  );
});

/** The sidebar. */
export const Sidebar = observer(function Sidebar() {
  const store = useStore();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const ws = store.workspace;
  if (!ws || !store.me) return null;
  const others = store.me.workspaces.filter((w) => w.id !== ws.id);

  return (
    <nav aria-label="Sidebar" className="flex w-[232px] shrink-0 flex-col gap-0.5 border-r border-line bg-sidebar px-2.5 py-2.5">
      <div className="mb-2 flex items-center gap-1">
        <Menu
          label="Workspace"
          width="w-64"
          items={[
            { id: 'email', label: <span className="text-muted">{store.me.user.email}</span> },
            ...others.map((w) => ({
              id: w.id,
              label: w.name,
              icon: <WorkspaceBadge name={w.name} />,
              onSelect: () => go(paths.workspace(w.urlSlug)),
            })),
            { id: 'sep', separator: true },
            { id: 'new', label: 'Create or join a workspace', onSelect: () => go(paths.onboarding()) },
            { id: 'settings', label: 'Settings', hint: <Kbd keys={['g', 's']} />, onSelect: () => go(paths.settings(ws.urlSlug)) },
            { id: 'signout', label: 'Sign out', onSelect: () => void store.signOut() },
          ]}
          trigger={(p) => (
            <button
              type="button"
              {...p}
              data-testid="workspace-switcher"
              className="flex h-8 min-w-0 flex-1 items-center gap-2 rounded-md px-1.5 text-left hover:bg-hover"
            >
              <WorkspaceBadge name={ws.name} />
              <span className="truncate font-semibold">{ws.name}</span>
              <ChevronDown className="text-faint" />
            </button>
          )}
        />
        <button
          type="button"
          aria-label="New issue"
          title="New issue (C)"
          onClick={() => store.ui.openCreateIssue({})}
          className="flex h-8 w-8 items-center justify-center rounded-md border border-line bg-elevated text-muted shadow-xs hover:text-fg"
        >
          <PlusIcon />
        </button>
      </div>
      <button
        type="button"
        onClick={() => store.ui.setPalette(true)}
        className="mb-2 flex h-7 items-center gap-2 rounded-md px-2 text-left text-muted hover:bg-hover hover:text-fg"
      >
        <SearchIcon />
        <span className="min-w-0 flex-1 truncate">Search</span>
        <Kbd keys={['mod+k']} />
      </button>
      <NavLink href={paths.myIssues(ws.urlSlug)} icon={<NavIcon name="my" />} label="My issues" active={pathname === paths.myIssues(ws.urlSlug)} />
      <SidebarViews />
      <div className="mt-4 mb-1 px-2 text-sm font-medium text-faint">Your teams</div>
      <div className="flex min-h-0 flex-1 flex-col gap-0.5 overflow-y-auto">
        {store.sortedTeams().map((t) => (
          <TeamSection key={t.id} team={t} ws={ws.urlSlug} pathname={pathname} />
        ))}
      </div>
      <NavLink href={paths.settings(ws.urlSlug)} icon={<NavIcon name="settings" />} label="Settings" active={pathname === paths.settings(ws.urlSlug) || pathname.startsWith(`${paths.settings(ws.urlSlug)}/`)} />
      <button
        type="button"
        onClick={() => store.ui.setHelp(true)}
        className="flex h-7 items-center gap-2 rounded-md px-2 text-left text-muted hover:bg-hover hover:text-fg"
      >
        <span className="inline-flex h-3.5 w-3.5 items-center justify-center rounded-full border border-current text-[9px]">?</span>
        <span className="flex-1">Keyboard shortcuts</span>
        <Kbd keys={['?']} />
      </button>
    </nav>
  );
});

/** A workspace's square badge with its initial. */
export function WorkspaceBadge({ name }: { name: string }) {
  return (
    <span aria-hidden className="inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-md bg-accent text-[11px] font-semibold text-white">
      {name.trim()[0]?.toUpperCase() ?? 'W'}
    </span>
  );
}
