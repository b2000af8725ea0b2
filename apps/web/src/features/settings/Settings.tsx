/**
 * Settings (a lazy chunk): a navigation of sections for the account (profile and appearance,
 * security, API tokens) and the workspace (general, members, teams, labels, applications, audit
 * log, import and export), each a screen of its own under `/$workspace/settings/$section`
 * (`/settings` opens My account; `/settings/teams/$teamKey` a team's settings).
 */
import { Link, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useEffect, useRef } from 'react';
import { useStore } from '../../store/context.tsx';
import { AccountSettings } from './AccountSettings.tsx';
import { ApiSettings } from './ApiSettings.tsx';
import { AppsSettings } from './AppsSettings.tsx';
import { AuditLog } from './AuditLog.tsx';
import { ImportExport } from './ImportExport.tsx';
import { useIsAdmin } from './kit.tsx';
import { LabelsSettings } from './LabelsSettings.tsx';
import { MembersSettings } from './MembersSettings.tsx';
import { SECTIONS, type SectionId, settingsPath } from './sections.ts';
import { SecuritySettings } from './SecuritySettings.tsx';
import { TeamSettings } from './TeamSettings.tsx';
import { TeamsSettings } from './TeamsSettings.tsx';
import { WorkspaceSettings } from './WorkspaceSettings.tsx';

function Screen({ section, teamKey }: { section: SectionId; teamKey?: string }) {
  switch (section) {
    case 'account':
      return <AccountSettings />;
    case 'security':
      return <SecuritySettings />;
    case 'api':
      return <ApiSettings />;
    case 'workspace':
      return <WorkspaceSettings />;
    case 'members':
      return <MembersSettings />;
    case 'teams':
      return teamKey ? <TeamSettings teamKey={teamKey} /> : <TeamsSettings />;
    case 'labels':
      return <LabelsSettings />;
    case 'applications':
      return <AppsSettings />;
    case 'audit':
      return <AuditLog />;
    case 'import-export':
      return <ImportExport />;
  }
}

/** `/$workspace/settings[/$section[/$teamKey]]`. */
export const Settings = observer(function Settings() {
  const store = useStore();
  const params = useParams({ strict: false }) as { section?: string; teamKey?: string };
  const isAdmin = useIsAdmin();
  const known = SECTIONS.find((s) => s.id === params.section);
  const section: SectionId = known?.id ?? 'account';
  const ws = store.workspace;
  const sectionsRef = useRef<HTMLDivElement>(null);
  // On a phone the current section may sit beyond the scrolled row: bring it into view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the section changes
  useEffect(() => {
    sectionsRef.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [section]);
  useEffect(() => {
    document.title = `${known?.title ?? 'Settings'} · Settings · exponential`;
  }, [known?.title]);
  if (!ws || !store.me) return null;

  const groups = ['Account', 'Workspace'] as const;
  return (
    <div className="flex min-h-0 flex-1 flex-col md:flex-row" data-testid="settings">
      <nav aria-label="Settings" className="shrink-0 border-line bg-sidebar max-md:border-b md:w-[220px] md:overflow-y-auto md:border-r md:px-3 md:py-5">
        {/* On a phone the sections scroll sideways; the right edge fades so a cut one reads as "more". */}
        <div ref={sectionsRef} className="flex gap-4 overflow-x-auto px-3 py-2 max-md:[mask-image:linear-gradient(to_right,#000_calc(100%-24px),transparent)] max-md:pr-6 md:flex-col md:gap-5 md:p-0">
          {groups.map((g) => (
            <div key={g} className="flex shrink-0 gap-1 md:flex-col md:gap-0.5">
              <div className="hidden px-2 pb-1 text-sm font-medium text-faint md:block">{g === 'Workspace' ? ws.name : g}</div>
              {SECTIONS.filter((s) => s.group === g && (!s.admin || isAdmin)).map((s) => (
                <Link
                  key={s.id}
                  to={settingsPath(ws.urlSlug, s.id) as '/'}
                  aria-current={s.id === section ? 'page' : undefined}
                  className={`flex h-7 shrink-0 items-center rounded-md px-2 text-base whitespace-nowrap ${
                    s.id === section ? 'bg-selected font-medium text-fg' : 'text-muted hover:bg-hover hover:text-fg'
                  }`}
                >
                  {s.title}
                </Link>
              ))}
            </div>
          ))}
        </div>
      </nav>
      <div className="min-h-0 min-w-0 flex-1 overflow-y-auto">
        {/* Below md the menu button floats at the bottom left: room for it under the last control. */}
        <div className="mx-auto max-w-[760px] px-5 py-8 max-md:pb-24 sm:px-8">
          <Screen section={section} teamKey={params.teamKey} />
        </div>
      </div>
    </div>
  );
});

export default Settings;
