/**
 * Teams: the workspace's teams (each opens its settings) and a form creating one: name, key
 * (suggested from the name, editable; the key prefixes issue identifiers) and whether it is
 * private (visible to its members only).
 */
import { Link } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { go } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import { teamKeyFor } from '../onboarding/names.ts';
import * as api from './api.ts';
import { AdminOnly, ErrorText, Field, PageTitle, Section, useAction, useIsAdmin } from './kit.tsx';
import { settingsPath } from './sections.ts';

/** The screen. */
export const TeamsSettings = observer(function TeamsSettings() {
  const store = useStore();
  const isAdmin = useIsAdmin();
  const ws = store.workspace!;
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [isPrivate, setPrivate] = useState(false);
  const [run, busy, error] = useAction();
  const teams = store.sortedTeams();

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const t = await api.createTeam({ name: name.trim(), ...(key ? { key } : {}), isPrivate });
      store.teams.upsert(t);
      store.states.upsertMany(await api.listStates(t.id));
      store.ui.toast(`Created team ${t.name} (${t.key})`);
      go(settingsPath(ws.urlSlug, 'teams', t.key));
    });
  };

  return (
    <>
      <PageTitle title="Teams" description="Teams own issues, workflows and labels. Each has a key that prefixes its issue IDs." />
      <Section title="Your teams" testId="teams">
        <ul className="divide-y divide-line rounded-lg border border-line">
          {teams.map((t) => (
            <li key={t.id}>
              <Link to={settingsPath(ws.urlSlug, 'teams', t.key) as '/'} className="flex items-center gap-3 px-4 py-3 hover:bg-hover" data-testid="team-row">
                <TeamBadge team={t} size={20} />
                <span className="min-w-0 flex-1">
                  <span className="font-medium">{t.name}</span>
                  <span className="ml-2 text-sm text-muted">{t.key}</span>
                </span>
                {t.isPrivate && <span className="rounded-full border border-line px-2 text-sm text-muted">Private</span>}
                <span className="text-sm text-faint">{t.issueCount} issues</span>
                <span aria-hidden className="text-faint">
                  ›
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Create a team" testId="create-team">
        {!isAdmin ? (
          <AdminOnly what="create teams" />
        ) : (
          <form className="flex flex-col gap-3" onSubmit={create}>
            <div className="grid gap-3 sm:grid-cols-[1fr_140px]">
              <Field label="Team name">
                <input
                  className={inputClass}
                  value={name}
                  maxLength={100}
                  required
                  onChange={(e) => {
                    setName(e.target.value);
                    if (!keyEdited) setKey(teamKeyFor(e.target.value));
                  }}
                />
              </Field>
              <Field label="Key" hint="1–7 letters or digits">
                <input
                  className={`${inputClass} uppercase`}
                  value={key}
                  maxLength={7}
                  pattern="[A-Z][A-Z0-9]{0,6}"
                  title="An upper-case letter, then up to 6 letters or digits"
                  onChange={(e) => {
                    setKeyEdited(true);
                    setKey(e.target.value.toUpperCase().replace(/[^A-Z0-9]/g, ''));
                  }}
                />
              </Field>
            </div>
            <label className="flex items-start gap-2.5">
              <input type="checkbox" className="mt-1 accent-accent" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
              <span>
                Private team
                <span className="block text-sm text-muted">Only its members see its issues.</span>
              </span>
            </label>
            <ErrorText error={error} />
            <div>
              <Button type="submit" variant="primary" disabled={busy || !name.trim()}>
                {busy ? 'Creating…' : 'Create team'}
              </Button>
            </div>
          </form>
        )}
      </Section>
    </>
  );
});
