/**
 * One team's settings: name, key (renaming it renumbers nothing: identifiers follow the key),
 * privacy and triage; its members (add from the workspace, remove); its workflow; its labels;
 * deletion.
 */
import { Link } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import type { Team } from '../../api/types.ts';
import { go } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { Avatar } from '../../ui/icons.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import * as api from './api.ts';
import { AdminOnly, Empty, ErrorText, Field, LoadingRows, PageTitle, Section, selectClass, useAction, useIsAdmin, useLoad, useRole } from './kit.tsx';
import { LabelList } from './LabelList.tsx';
import { settingsPath } from './sections.ts';
import { WorkflowStates } from './WorkflowStates.tsx';

const General = observer(function General({ team, canManage }: { team: Team; canManage: boolean }) {
  const store = useStore();
  const ws = store.workspace!;
  const [name, setName] = useState(team.name);
  const [key, setKey] = useState(team.key);
  const [isPrivate, setPrivate] = useState(team.isPrivate);
  const [triage, setTriage] = useState(team.triageEnabled);
  const [run, busy, error] = useAction();
  const dirty = name.trim() !== team.name || key !== team.key || isPrivate !== team.isPrivate || triage !== team.triageEnabled;
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body: Parameters<typeof api.updateTeam>[1] = {};
      if (name.trim() !== team.name) body.name = name.trim();
      if (key !== team.key) body.key = key;
      if (isPrivate !== team.isPrivate) body.isPrivate = isPrivate;
      if (triage !== team.triageEnabled) body.triageEnabled = triage;
      const t = await api.updateTeam(team.id, body);
      store.teams.upsert(t);
      store.ui.toast('Team updated');
      if (t.key !== team.key) go(settingsPath(ws.urlSlug, 'teams', t.key), { replace: true });
    });
  };
  return (
    <Section title="General" testId="team-general">
      <form className="flex flex-col gap-3" onSubmit={save}>
        <div className="grid gap-3 sm:grid-cols-[1fr_140px]">
          <Field label="Name">
            <input className={inputClass} value={name} maxLength={100} required disabled={!canManage} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Key" hint={`Issues read ${key || '…'}-123`}>
            <input
              className={`${inputClass} uppercase`}
              value={key}
              maxLength={7}
              required
              pattern="[A-Z][A-Z0-9]{0,6}"
              disabled={!canManage}
              onChange={(e) => setKey(e.target.value.toUpperCase().replace(/[^A-Z0-9]/g, ''))}
            />
          </Field>
        </div>
        <label className="flex items-start gap-2.5">
          <input type="checkbox" className="mt-1 accent-accent" checked={isPrivate} disabled={!canManage} onChange={(e) => setPrivate(e.target.checked)} />
          <span>
            Private team
            <span className="block text-sm text-muted">Only members of the team see its issues.</span>
          </span>
        </label>
        <label className="flex items-start gap-2.5">
          <input type="checkbox" className="mt-1 accent-accent" checked={triage} disabled={!canManage} onChange={(e) => setTriage(e.target.checked)} />
          <span>
            Triage
            <span className="block text-sm text-muted">New issues from outside the team wait in Triage before joining the backlog.</span>
          </span>
        </label>
        <ErrorText error={error} />
        {canManage && (
          <div>
            <Button type="submit" variant="primary" disabled={busy || !dirty}>
              {busy ? 'Saving…' : 'Save'}
            </Button>
          </div>
        )}
      </form>
    </Section>
  );
});

const Members = observer(function Members({ team, canManage }: { team: Team; canManage: boolean }) {
  const store = useStore();
  const members = useLoad(() => api.listTeamMembers(team.id), [team.id]);
  const workspace = useLoad(api.listMembers);
  const [adding, setAdding] = useState('');
  const [run, busy, error] = useAction();
  const inTeam = new Set((members.data ?? []).map((m) => m.id));
  const candidates = (workspace.data ?? []).filter((m) => !inTeam.has(m.userId));
  return (
    <Section title="Members" description="People who belong to the team." testId="team-members">
      <ErrorText error={members.error ?? error} />
      {!members.data && !members.error && <LoadingRows what="team members" rowHeight={39} />}
      {members.data && members.data.length === 0 && <Empty>No members yet.</Empty>}
      <ul className={members.data?.length ? 'divide-y divide-line rounded-lg border border-line' : 'hidden'}>
        {(members.data ?? []).map((m) => (
          <li key={m.id} className="flex items-center gap-3 px-4 py-2">
            <Avatar name={m.name || m.email} size={22} />
            <span className="min-w-0 flex-1 truncate">
              {m.name || m.email} <span className="text-sm text-muted">{m.email}</span>
            </span>
            {(canManage || m.id === store.userId) && (
              <Button
                size="sm"
                variant="ghost"
                disabled={busy}
                aria-label={`Remove ${m.name || m.email} from ${team.name}`}
                onClick={() =>
                  void run(async () => {
                    await api.removeTeamMember(team.id, m.id);
                    members.setData((members.data ?? []).filter((x) => x.id !== m.id));
                  })
                }
              >
                {m.id === store.userId ? 'Leave' : 'Remove'}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {canManage && candidates.length > 0 && (
        <form
          className="mt-3 flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const m = candidates.find((c) => c.userId === adding);
            if (!m) return;
            void run(async () => {
              await api.addTeamMember(team.id, m.userId);
              members.setData([...(members.data ?? []), { id: m.userId, name: m.name, email: m.email, avatarUrl: m.avatarUrl }]);
              setAdding('');
            });
          }}
        >
          <Field label="Add a member">
            <select className={`${selectClass} min-w-[240px]`} value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">Choose someone…</option>
              {candidates.map((c) => (
                <option key={c.userId} value={c.userId}>
                  {c.name || c.email}
                </option>
              ))}
            </select>
          </Field>
          <Button type="submit" className="h-8" disabled={!adding || busy}>
            Add
          </Button>
        </form>
      )}
    </Section>
  );
});

/** `/$workspace/settings/teams/$teamKey`. */
export const TeamSettings = observer(function TeamSettings({ teamKey }: { teamKey: string }) {
  const store = useStore();
  const isAdmin = useIsAdmin();
  const role = useRole();
  const team = store.team(teamKey);
  const ws = store.workspace!;
  const [run, busy, error] = useAction();
  if (!team) {
    return (
      <Empty>
        There is no team {teamKey}.{' '}
        <Link to={settingsPath(ws.urlSlug, 'teams') as '/'} className="text-accent hover:underline">
          See all teams
        </Link>
      </Empty>
    );
  }
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted">
        <Link to={settingsPath(ws.urlSlug, 'teams') as '/'} className="hover:text-fg">
          Teams
        </Link>{' '}
        › {team.name}
      </nav>
      <div className="flex items-center gap-3">
        <TeamBadge team={team} size={28} />
        <PageTitle title={team.name} description={`${team.key} · ${team.issueCount} issues${team.isPrivate ? ' · private' : ''}`} />
      </div>
      {!isAdmin && (
        <div className="mt-3">
          <AdminOnly what="change a team's settings or workflow" />
        </div>
      )}
      <General key={`${team.id}:${team.updatedAt}`} team={team} canManage={isAdmin} />
      <Members team={team} canManage={isAdmin} />
      <WorkflowStates teamId={team.id} canManage={isAdmin} />
      <Section title="Labels" description={`Labels only ${team.name} uses. Workspace labels are available too.`} testId="team-labels">
        <LabelList teamId={team.id} canManage={role !== 'guest'} />
      </Section>
      {isAdmin && (
        <Section title="Delete team" description="Deleting a team deletes its issues. This cannot be undone.">
          <ErrorText error={error} />
          <Button
            className="mt-2 text-danger!"
            disabled={busy}
            onClick={() => {
              if (window.prompt(`Type ${team.key} to delete the team ${team.name} and its issues.`) !== team.key) return;
              void run(async () => {
                await api.deleteTeam(team.id);
                store.teams.remove(team.id);
                go(settingsPath(ws.urlSlug, 'teams'), { replace: true });
              });
            }}
          >
            Delete {team.name}
          </Button>
        </Section>
      )}
    </>
  );
});
