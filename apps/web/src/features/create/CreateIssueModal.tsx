/**
 * The create-issue modal (C): team, title, rich-text description, and every property as a pill
 * (status, priority, assignee, labels, estimate, due date, parent), each opening the same picker
 * as on the issue page. ⌘/Ctrl+Enter creates (the registry's `issue.create.submit`, or the editor's
 * own key), ⌘/Ctrl+Shift+Enter creates and keeps the modal open with the same properties, as does
 * "Create more". The form is kept as a draft while open and restored by the next C when it was
 * closed without creating. The POST carries an Idempotency-Key that stays the same across retries
 * of one submission.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ApiError, uuid } from '../../api/client.ts';
import { useStore } from '../../store/context.tsx';
import type { CreateIssueDefaults } from '../../store/ui.ts';
import { Button } from '../../ui/Button.tsx';
import { Avatar, ChevronDown, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { LazyRichEditor, preloadRichEditor } from '../issue-page/LazyRichEditor.tsx';
import type { RichEditorHandle } from '../issue-page/RichEditor.tsx';
import { formatDue, } from '../pickers/dates.ts';
import {
  LabelDot,
  labelName,
} from '../pickers/options.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import { CreatePicker, type Pill } from './CreatePicker.tsx';
import { clearDraft, hasContent, type IssueDraft, loadDraft, saveDraft } from './drafts.ts';


function PillButton({ onClick, children, label, testId, muted }: { onClick: () => void; children: React.ReactNode; label: string; testId?: string; muted?: boolean }) {
  return (
    <button
      type="button"
      aria-label={label}
      onClick={onClick}
      data-testid={testId}
      className={`inline-flex h-7 max-w-[220px] items-center gap-1.5 rounded-md border border-line bg-bg px-2 text-sm hover:bg-hover ${muted ? 'text-muted' : 'text-fg'}`}
    >
      {children}
    </button>
  );
}

/** The initial form: a restored draft (plain C), else the defaults. */
function initialForm(store: ReturnType<typeof useStore>, defaults: CreateIssueDefaults): { form: IssueDraft; restored: boolean } {
  const teams = store.sortedTeams();
  const plain = !defaults.parentId && !defaults.stateId && defaults.assigneeId === undefined && !defaults.priority && !defaults.labelIds;
  const draft = plain && store.workspace ? loadDraft(store.workspace.id) : null;
  if (draft && store.teams.get(draft.teamId)) {
    const stateOk = store.states.get(draft.stateId)?.teamId === draft.teamId;
    return { form: { ...draft, stateId: stateOk ? draft.stateId : (store.defaultState(draft.teamId)?.id ?? '') }, restored: true };
  }
  const teamId = defaults.teamId && store.teams.get(defaults.teamId) ? defaults.teamId : (teams[0]?.id ?? '');
  return {
    restored: false,
    form: {
      teamId,
      title: '',
      description: null,
      stateId: defaults.stateId ?? store.defaultState(teamId)?.id ?? '',
      priority: defaults.priority ?? 'none',
      assigneeId: defaults.assigneeId ?? null,
      labelIds: defaults.labelIds ?? [],
      estimate: null,
      dueDate: null,
      parentId: defaults.parentId ?? null,
    },
  };
}

/** The modal. */
export const CreateIssueModal = observer(function CreateIssueModal({ defaults }: { defaults: CreateIssueDefaults }) {
  const store = useStore();
  const [{ form: initial, restored: wasRestored }] = useState(() => initialForm(store, defaults));
  const [form, setForm] = useState<IssueDraft>(initial);
  const [restored, setRestored] = useState(wasRestored);
  const [editorKey, setEditorKey] = useState(0);
  const [createMore, setCreateMore] = useState(false);
  const [pill, setPill] = useState<Pill | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idempotencyKey = useRef(uuid());
  const titleRef = useRef<HTMLTextAreaElement>(null);
  // The title wraps instead of scrolling sideways (a long title stays readable on a phone): the
  // one-line textarea grows with its text.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the height follows the title's text
  useLayoutEffect(() => {
    const el = titleRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [form.title]);
  const editor = useRef<RichEditorHandle | null>(null);
  const created = useRef(false);
  const wsId = store.workspace?.id ?? '';
  const set = (patch: Partial<IssueDraft>) => setForm((f) => ({ ...f, ...patch }));

  const team = store.teams.get(form.teamId);
  const state = store.states.get(form.stateId);
  const assignee = store.users.get(form.assigneeId);
  const parent = form.parentId ? store.issue(form.parentId) : undefined;
  const labels = form.labelIds.map((id) => store.labels.get(id)).filter((l) => !!l);

  useEffect(preloadRichEditor, []);
  useEffect(() => {
    if (wsId) saveDraft(wsId, form);
  }, [wsId, form]);
  // Closing with content (Esc, a click outside) keeps the draft: say so.
  const formRef = useRef(form);
  formRef.current = form;
  useEffect(
    () => () => {
      if (!created.current && hasContent(formRef.current)) store.ui.toast('Issue saved as a draft: press C to continue');
      else if (!created.current && wsId) clearDraft(wsId);
    },
    [store, wsId],
  );

  const close = () => store.ui.closeCreateIssue();
  const discard = () => {
    clearDraft(wsId);
    const fresh = initialForm(store, { teamId: form.teamId });
    setForm({ ...fresh.form, teamId: form.teamId, stateId: store.defaultState(form.teamId)?.id ?? '' });
    setRestored(false);
    setEditorKey((k) => k + 1);
    titleRef.current?.focus();
  };

  const submit = async (keepOpen = createMore) => {
    if (busy) return;
    const description = editor.current?.html() ?? form.description;
    const title = form.title.trim();
    if (!title) {
      setError('Add a title');
      titleRef.current?.focus();
      return;
    }
    if (!team) return;
    setBusy(true);
    setError(null);
    // Creating more: the fields clear at once, so the next issue can be typed during the request.
    if (keepOpen) {
      set({ title: '', description: null });
      editor.current?.clear();
      setRestored(false);
      titleRef.current?.focus();
    }
    try {
      const issue = await store.issueActions.create(
        {
          teamId: team.id,
          title,
          description,
          ...(form.stateId ? { stateId: form.stateId } : {}),
          priority: form.priority,
          assigneeId: form.assigneeId,
          labelIds: form.labelIds,
          estimate: form.estimate,
          dueDate: form.dueDate,
          parentId: form.parentId,
        },
        idempotencyKey.current,
      );
      idempotencyKey.current = uuid();
      store.ui.toast(`Created ${issue.identifier}`);
      if (!keepOpen) {
        clearDraft(wsId);
        created.current = true;
        close();
        store.ui.focusIssue(issue.id);
      }
    } catch (err) {
      // A 4xx means this submission is settled (refused); a network error may be retried with the same key.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 409) idempotencyKey.current = uuid();
      setError(err instanceof Error ? err.message : String(err));
      // Put the refused issue back unless the next one is already being typed.
      if (keepOpen && !formRef.current.title && !editor.current?.html()) {
        set({ title, description });
        setEditorKey((k) => k + 1);
      }
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

  const picker = pill ? <CreatePicker pill={pill} form={form} setForm={setForm} onClose={() => setPill(null)} /> : null;

  return (
    <Modal label="New issue" onClose={close} width="w-[760px]" testId="create-issue">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && e.shiftKey) {
            e.preventDefault();
            void submit(true);
          }
        }}
      >
        <div className="flex items-center gap-2 px-4 pt-3.5 text-sm">
          <PillButton label={`Team: ${team?.name ?? 'none'}`} onClick={() => setPill('team')} testId="create-team">
            {team && <TeamBadge team={team} size={14} />}
            <span className="font-medium">{team?.key ?? 'Team'}</span>
            <ChevronDown className="text-faint" />
          </PillButton>
          <span className="text-faint">›</span>
          <span className="text-muted">{parent ? `Sub-issue of ${parent.identifier}` : 'New issue'}</span>
          <span className="flex-1" />
          {restored && (
            <span className="flex items-center gap-2 text-sm text-muted" data-testid="draft-restored">
              Draft restored
              <button type="button" onClick={discard} className="rounded px-1.5 text-accent hover:bg-hover">
                Discard
              </button>
            </span>
          )}
        </div>
        <div className="px-4 pt-3">
          <textarea
            ref={titleRef}
            autoFocus
            rows={1}
            name="title"
            aria-label="Issue title"
            placeholder="Issue title"
            maxLength={255}
            value={form.title}
            // A title is one line: pasted line breaks become spaces.
            onChange={(e) => set({ title: e.target.value.replace(/\s*[\r\n]+\s*/g, ' ') })}
            onKeyDown={(e) => {
              // Enter moves on to the description; ⌘/Ctrl+Enter creates.
              if (e.key === 'Enter' && !e.metaKey && !e.ctrlKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                if (editor.current) editor.current.focus();
                else e.currentTarget.form?.querySelector<HTMLTextAreaElement>('[data-testid="editor-fallback"]')?.focus();
              }
            }}
            className="block w-full resize-none overflow-hidden bg-transparent text-xl font-medium outline-none placeholder:text-faint"
          />
          <div className="mt-2 max-h-[40vh] min-h-[120px] overflow-y-auto">
            <LazyRichEditor
              key={editorKey}
              html={form.description}
              label="Description"
              placeholder="Add description…"
              onReady={(h) => (editor.current = h)}
              onChange={(description) => set({ description })}
              onSubmit={() => void submitRef.current()}
              onCancel={close}
            />
          </div>
        </div>
        <fieldset className="flex min-w-0 flex-wrap items-center gap-1.5 px-4 pb-3" aria-label="Properties">
          <PillButton label={`Status: ${state?.name ?? 'none'}`} onClick={() => setPill('state')} testId="create-status">
            {state && <StateIcon category={state.category} color={state.color} />}
            {state?.name ?? 'Status'}
          </PillButton>
          <PillButton label={`Priority: ${PRIORITY_LABELS[form.priority]}`} onClick={() => setPill('priority')} testId="create-priority" muted={form.priority === 'none'}>
            <PriorityIcon priority={form.priority} />
            {form.priority === 'none' ? 'Priority' : PRIORITY_LABELS[form.priority]}
          </PillButton>
          <PillButton label={`Assignee: ${assignee ? assignee.name || assignee.email : 'none'}`} onClick={() => setPill('assignee')} testId="create-assignee" muted={!assignee}>
            <Avatar name={assignee ? assignee.name || assignee.email : null} size={16} />
            <span className="truncate">{assignee ? assignee.name || assignee.email : 'Assignee'}</span>
          </PillButton>
          <PillButton label={`Labels: ${labels.length ? labels.map((l) => l.name).join(', ') : 'none'}`} onClick={() => setPill('labels')} testId="create-labels" muted={!labels.length}>
            {labels.length ? (
              <>
                {labels.slice(0, 3).map((l) => (
                  <LabelDot key={l.id} color={l.color} />
                ))}
                <span className="truncate">{labels.length === 1 ? labelName(store, labels[0]!) : `${labels.length} labels`}</span>
              </>
            ) : (
              'Labels'
            )}
          </PillButton>
          <PillButton label={`Estimate: ${form.estimate ?? 'none'}`} onClick={() => setPill('estimate')} testId="create-estimate" muted={form.estimate === null}>
            {form.estimate === null ? 'Estimate' : `${form.estimate} ${form.estimate === 1 ? 'point' : 'points'}`}
          </PillButton>
          <PillButton label={`Due date: ${form.dueDate ?? 'none'}`} onClick={() => setPill('dueDate')} testId="create-due" muted={!form.dueDate}>
            {form.dueDate ? `Due ${formatDue(form.dueDate)}` : 'Due date'}
          </PillButton>
          <PillButton label={`Parent: ${parent?.identifier ?? 'none'}`} onClick={() => setPill('parent')} testId="create-parent" muted={!parent}>
            <span className="truncate">{parent ? `Parent ${parent.identifier}` : 'Parent'}</span>
          </PillButton>
        </fieldset>
        <div className="flex items-center gap-3 border-t border-line px-4 py-2.5">
          {error ? (
            <p role="alert" className="min-w-0 flex-1 truncate text-sm text-danger">
              {error}
            </p>
          ) : (
            <span className="hidden min-w-0 flex-1 truncate text-sm text-faint sm:block">
              <Kbd keys={['mod+shift+enter']} /> creates and keeps these properties
            </span>
          )}
          <label className="ml-auto flex items-center gap-1.5 text-sm text-muted select-none">
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
