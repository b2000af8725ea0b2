/**
 * The create-issue modal (C): team, title, description, status, priority and assignee.
 * ⌘/Ctrl+Enter creates (the registry's `issue.create.submit`), Esc closes, "Create more"
 * keeps the modal open with the same properties. The POST carries an Idempotency-Key that stays
 * the same across retries of one submission.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState } from 'react';
import { ApiError, uuid } from '../../api/client.ts';
import type { Priority } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import type { CreateIssueDefaults } from '../../store/ui.ts';
import { Button } from '../../ui/Button.tsx';
import { Avatar, ChevronDown, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { PickerDialog, type PickerOption } from '../../ui/PickerDialog.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import { assigneeOptions, NO_ASSIGNEE, priorityOptions, stateOptions } from './options.tsx';
import { textToHtml } from './text.ts';

type Pill = 'team' | 'state' | 'priority' | 'assignee';

function PillButton({ onClick, children, label }: { onClick: () => void; children: React.ReactNode; label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      onClick={onClick}
      className="inline-flex h-7 items-center gap-1.5 rounded-md border border-line bg-bg px-2 text-sm text-fg hover:bg-hover"
    >
      {children}
    </button>
  );
}

/** The modal. */
export const CreateIssueModal = observer(function CreateIssueModal({ defaults }: { defaults: CreateIssueDefaults }) {
  const store = useStore();
  const teams = store.sortedTeams();
  const [teamId, setTeamId] = useState(() => (defaults.teamId && store.teams.get(defaults.teamId) ? defaults.teamId : teams[0]?.id ?? ''));
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [stateId, setStateId] = useState(() => defaults.stateId ?? store.defaultState(teamId)?.id ?? '');
  const [priority, setPriority] = useState<Priority>(defaults.priority ?? 'none');
  const [assigneeId, setAssigneeId] = useState<string | null>(defaults.assigneeId ?? null);
  const [createMore, setCreateMore] = useState(false);
  const [pill, setPill] = useState<Pill | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idempotencyKey = useRef(uuid());
  const titleRef = useRef<HTMLInputElement>(null);

  const team = store.teams.get(teamId);
  const state = store.states.get(stateId);
  const assignee = store.users.get(assigneeId);
  const close = () => store.ui.closeCreateIssue();

  const submit = async () => {
    if (busy) return;
    if (!title.trim()) {
      setError('Add a title');
      titleRef.current?.focus();
      return;
    }
    if (!team) return;
    setBusy(true);
    setError(null);
    try {
      const created = await store.issueActions.create(
        {
          teamId: team.id,
          title: title.trim(),
          description: textToHtml(description),
          ...(stateId ? { stateId } : {}),
          priority,
          assigneeId,
        },
        idempotencyKey.current,
      );
      idempotencyKey.current = uuid();
      store.ui.toast(`Created ${created.identifier}`);
      if (createMore) {
        setTitle('');
        setDescription('');
        titleRef.current?.focus();
      } else {
        close();
        store.ui.focusIssue(created.id);
      }
    } catch (err) {
      // A 4xx means this submission is settled (refused); a network error may be retried with the same key.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 409) idempotencyKey.current = uuid();
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const submitRef = useRef(submit);
  submitRef.current = submit;

  useEffect(() => {
    store.ui.submitCreateIssue = () => void submitRef.current();
    return () => {
      store.ui.submitCreateIssue = null;
    };
  }, [store]);

  const picker = (() => {
    if (!pill) return null;
    let options: PickerOption[] = [];
    let current: string | null = null;
    let onSelect: (id: string) => void = () => {};
    if (pill === 'team') {
      options = teams.map((t) => ({ id: t.id, label: t.name, icon: <TeamBadge team={t} />, keywords: [t.key] }));
      current = teamId;
      onSelect = (id) => {
        setTeamId(id);
        setStateId(store.defaultState(id)?.id ?? '');
      };
    } else if (pill === 'state') {
      options = stateOptions(store, teamId);
      current = stateId;
      onSelect = setStateId;
    } else if (pill === 'priority') {
      options = priorityOptions();
      current = priority;
      onSelect = (p) => setPriority(p as Priority);
    } else {
      options = assigneeOptions(store);
      current = assigneeId ?? NO_ASSIGNEE;
      onSelect = (id) => setAssigneeId(id === NO_ASSIGNEE ? null : id);
    }
    const titles: Record<Pill, string> = { team: 'Team', state: 'Status', priority: 'Priority', assignee: 'Assignee' };
    return (
      <PickerDialog
        title={titles[pill]}
        placeholder={`${titles[pill]}…`}
        options={options}
        current={current}
        onSelect={onSelect}
        onClose={() => setPill(null)}
      />
    );
  })();

  return (
    <Modal label="New issue" onClose={close} width="w-[720px]" testId="create-issue">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="flex items-center gap-2 px-4 pt-3.5 text-sm">
          <PillButton label="Team" onClick={() => setPill('team')}>
            {team && <TeamBadge team={team} size={14} />}
            <span className="font-medium">{team?.key ?? 'Team'}</span>
            <ChevronDown className="text-faint" />
          </PillButton>
          <span className="text-faint">›</span>
          <span className="text-muted">New issue</span>
        </div>
        <div className="px-4 pt-3">
          <input
            ref={titleRef}
            autoFocus
            name="title"
            aria-label="Issue title"
            placeholder="Issue title"
            maxLength={255}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            className="w-full bg-transparent text-xl font-medium outline-none placeholder:text-faint"
          />
          <textarea
            name="description"
            aria-label="Description"
            placeholder="Add description…"
            rows={5}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            className="mt-2 w-full resize-none bg-transparent text-base leading-6 outline-none placeholder:text-faint"
          />
        </div>
        <div className="flex flex-wrap items-center gap-1.5 px-4 pb-3">
          <PillButton label="Status" onClick={() => setPill('state')}>
            {state && <StateIcon category={state.category} color={state.color} />}
            {state?.name ?? 'Status'}
          </PillButton>
          <PillButton label="Priority" onClick={() => setPill('priority')}>
            <PriorityIcon priority={priority} />
            {priority === 'none' ? 'Priority' : PRIORITY_LABELS[priority]}
          </PillButton>
          <PillButton label="Assignee" onClick={() => setPill('assignee')}>
            <Avatar name={assignee ? assignee.name || assignee.email : null} size={16} />
            {assignee ? assignee.name || assignee.email : 'Assignee'}
          </PillButton>
        </div>
        <div className="flex items-center gap-3 border-t border-line px-4 py-2.5">
          {error ? (
            <p role="alert" className="min-w-0 flex-1 truncate text-sm text-danger">
              {error}
            </p>
          ) : (
            <span className="flex-1" />
          )}
          <label className="flex items-center gap-1.5 text-sm text-muted select-none">
            <input type="checkbox" checked={createMore} onChange={(e) => setCreateMore(e.target.checked)} className="accent-accent" />
            Create more
          </label>
          <Button type="submit" variant="primary" size="sm" className="h-7" disabled={busy || !team}>
            {busy ? 'Creating…' : 'Create issue'}
            <Kbd keys={['mod+enter']} className="ml-1 [&_kbd]:border-white/30 [&_kbd]:bg-white/15 [&_kbd]:text-white" />
          </Button>
        </div>
      </form>
      {picker}
    </Modal>
  );
});

