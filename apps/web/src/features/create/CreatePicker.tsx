/**
 * The property pickers of the create-issue modal: the same lists as on the issue page, writing to
 * the form instead of the issue (team, status, priority, assignee, labels, estimate, due date,
 * parent).
 */
import { observer } from 'mobx-react-lite';
import type { Priority } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import { duePresets, formatDue, parseTypedDate } from '../pickers/dates.ts';
import { LabelListDialog } from '../pickers/LabelPicker.tsx';
import { ListDialog, type ListOption } from '../pickers/ListDialog.tsx';
import { assigneeOptions, estimateOptions, issueOptions, NONE, parseEstimate, priorityOptions, stateOptions } from '../pickers/options.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import type { IssueDraft } from './drafts.ts';

/** A property pill of the modal. */
export type Pill = 'team' | 'state' | 'priority' | 'assignee' | 'labels' | 'estimate' | 'dueDate' | 'parent';

/** The picker of one pill. */
export const CreatePicker = observer(function CreatePicker({
  pill,
  form,
  setForm,
  onClose,
}: {
  pill: Pill;
  form: IssueDraft;
  setForm: (fn: (f: IssueDraft) => IssueDraft) => void;
  onClose: () => void;
}) {
  const store = useStore();
  const set = (patch: Partial<IssueDraft>) => setForm((f) => ({ ...f, ...patch }));
  const common = { onClose, context: 'New issue' };
  switch (pill) {
    case 'team':
      return (
        <ListDialog
          {...common}
          title="Team"
          placeholder="Team…"
          options={store.sortedTeams().map((t): ListOption => ({ id: t.id, label: t.name, icon: <TeamBadge team={t} />, keywords: [t.key] }))}
          selected={[form.teamId]}
          onSelect={(id) => {
            if (id === form.teamId) return;
            // States and team labels belong to the team: reset them for the new one.
            const keep = form.labelIds.filter((l) => store.labels.get(l)?.teamId === null);
            set({ teamId: id, stateId: store.defaultState(id)?.id ?? '', labelIds: keep });
          }}
        />
      );
    case 'state':
      return <ListDialog {...common} title="Status" placeholder="Status…" options={stateOptions(store, form.teamId)} selected={[form.stateId]} onSelect={(stateId) => set({ stateId })} />;
    case 'priority':
      return <ListDialog {...common} title="Priority" placeholder="Priority…" options={priorityOptions()} selected={[form.priority]} onSelect={(p) => set({ priority: p as Priority })} />;
    case 'assignee':
      return (
        <ListDialog
          {...common}
          title="Assignee"
          placeholder="Assign to…"
          options={assigneeOptions(store)}
          selected={[form.assigneeId ?? NONE]}
          onSelect={(id) => set({ assigneeId: id === NONE ? null : id })}
        />
      );
    case 'labels':
      return (
        <LabelListDialog
          {...common}
          title="Labels"
          placeholder="Add labels…"
          teamId={form.teamId}
          selected={form.labelIds}
          onSelect={(id) => setForm((f) => ({ ...f, labelIds: f.labelIds.includes(id) ? f.labelIds.filter((l) => l !== id) : [...f.labelIds, id] }))}
        />
      );
    case 'estimate':
      return (
        <ListDialog
          {...common}
          title="Estimate"
          placeholder="Set estimate to…"
          options={estimateOptions()}
          selected={[form.estimate === null ? NONE : String(form.estimate)]}
          extra={(q) => {
            const n = parseEstimate(q);
            return n === null || estimateOptions().some((o) => o.id === String(n)) ? [] : [{ id: String(n), label: `Set estimate to ${n}` }];
          }}
          onSelect={(id) => set({ estimate: id === NONE ? null : Number(id) })}
        />
      );
    case 'dueDate': {
      const today = new Date();
      return (
        <ListDialog
          {...common}
          title="Due date"
          placeholder="Type a date (2026-12-24, 3d, 2w) or pick…"
          testId="due-date-picker"
          options={[
            ...duePresets(today).map((p) => ({ id: p.date, label: p.label, detail: formatDue(p.date, today, true) })),
            ...(form.dueDate ? [{ id: NONE, label: 'Remove due date' }] : []),
          ]}
          selected={form.dueDate ? [form.dueDate] : []}
          extra={(q) => {
            const d = parseTypedDate(q, today);
            return d ? [{ id: d, label: `Due ${formatDue(d, today, true)}`, keywords: [q] }] : [];
          }}
          onSelect={(id) => set({ dueDate: id === NONE ? null : id })}
        />
      );
    }
    case 'parent':
      return (
        <ListDialog
          {...common}
          title="Parent issue"
          placeholder="Search issues…"
          testId="issue-search-picker"
          options={[...(form.parentId ? [{ id: NONE, label: 'Remove parent' }] : []), ...issueOptions(store, '', new Set(), 200)]}
          selected={form.parentId ? [form.parentId] : []}
          onSelect={(id) => set({ parentId: id === NONE ? null : id })}
        />
      );
  }
});
