/**
 * The property pickers opened by S, P, A, L, E, Shift+D, the sidebar and the palette, applied to
 * one or several issues with optimistic writes (each change is undoable with ⌘/Ctrl+Z). Also the
 * parent and related-issue pickers (issue search), and triage's decline (reason) and duplicate
 * (canonical issue) dialogs.
 */
import { observer } from 'mobx-react-lite';
import type { Issue, Priority } from '../../api/types.ts';
import type { RelationType } from '../../api/details.ts';
import { useStore } from '../../store/context.tsx';
import type { PickerKind } from '../../store/ui.ts';
import { DeclineDialog } from '../triage/DeclineDialog.tsx';
import { markDuplicates } from '../triage/triage.ts';
import { duePresets, formatDue, parseTypedDate } from './dates.ts';
import { LabelListDialog } from './LabelPicker.tsx';
import { ListDialog } from './ListDialog.tsx';
import { assigneeOptions, estimateOptions, issueOptions, NONE, parseEstimate, priorityOptions, stateOptions } from './options.tsx';

const TITLES: Record<PickerKind, [string, string]> = {
  state: ['Change status', 'Change status to…'],
  priority: ['Change priority', 'Set priority to…'],
  assignee: ['Assign', 'Assign to…'],
  labels: ['Labels', 'Add or remove labels…'],
  estimate: ['Estimate', 'Set estimate to…'],
  dueDate: ['Due date', 'Type a date (2026-12-24, 3d, 2w) or pick…'],
  parent: ['Set parent issue', 'Search issues…'],
  relation: ['Add relation', 'Search issues…'],
  triageDecline: ['Decline', ''],
  triageDuplicate: ['Mark as duplicate of…', 'Search for the original issue…'],
};

/** Human names of relation types, from the issue's side. */
export const RELATION_LABELS: Record<RelationType, string> = {
  blocks: 'Blocks',
  blocked_by: 'Blocked by',
  related: 'Related to',
  duplicate: 'Duplicate of',
  duplicated_by: 'Duplicated by',
};

/** Picker for `kind` acting on `issueIds`. */
export const IssuePicker = observer(function IssuePicker({ kind, issueIds, arg }: { kind: PickerKind; issueIds: string[]; arg?: string }) {
  const store = useStore();
  const issues = issueIds.map((id) => store.issues.get(id)).filter((i): i is Issue => !!i);
  const first = issues[0];
  const close = () => store.ui.closePicker();
  if (!first) return null;
  const [title, placeholder] = TITLES[kind];
  const single = issues.length === 1;
  const context = single ? `${first.identifier} — ${first.title}` : `${issues.length} issues`;
  const ids = issues.map((i) => i.id);
  const update = (patch: Parameters<typeof store.issueActions.update>[1], only = ids) => void store.issueActions.updateMany(only, patch);
  const common = { title, placeholder, context, onClose: close };

  switch (kind) {
    case 'state': {
      const sameTeam = issues.filter((i) => i.teamId === first.teamId).map((i) => i.id);
      return (
        <ListDialog
          {...common}
          options={stateOptions(store, first.teamId)}
          selected={single ? [first.stateId] : []}
          onSelect={(stateId) => update({ stateId }, sameTeam)}
        />
      );
    }
    case 'priority':
      return <ListDialog {...common} options={priorityOptions()} selected={single ? [first.priority] : []} onSelect={(p) => update({ priority: p as Priority })} />;
    case 'assignee':
      return (
        <ListDialog
          {...common}
          options={assigneeOptions(store)}
          selected={single ? [first.assigneeId ?? NONE] : []}
          onSelect={(id) => update({ assigneeId: id === NONE ? null : id })}
        />
      );
    case 'labels':
      return (
        <LabelListDialog
          {...common}
          teamId={first.teamId}
          selected={first.labelIds}
          onSelect={(labelId) => {
            // Toggle against the first issue's current labels (read now: the dialog stays open).
            const on = !(store.issues.get(first.id)?.labelIds ?? []).includes(labelId);
            for (const id of ids) {
              const cur = store.issues.get(id)?.labelIds ?? [];
              const next = on ? [...new Set([...cur, labelId])] : cur.filter((l) => l !== labelId);
              void store.issueActions.update(id, { labelIds: next });
            }
          }}
        />
      );
    case 'estimate':
      return (
        <ListDialog
          {...common}
          options={estimateOptions()}
          selected={single ? [first.estimate === null ? NONE : String(first.estimate)] : []}
          extra={(q) => {
            const n = parseEstimate(q);
            return n === null || estimateOptions().some((o) => o.id === String(n)) ? [] : [{ id: String(n), label: `Set estimate to ${n}` }];
          }}
          onSelect={(id) => update({ estimate: id === NONE ? null : Number(id) })}
        />
      );
    case 'dueDate': {
      const today = new Date();
      const presets = duePresets(today).map((p) => ({ id: p.date, label: p.label, detail: formatDue(p.date, today, true) }));
      return (
        <ListDialog
          {...common}
          testId="due-date-picker"
          options={[...presets, ...(first.dueDate ? [{ id: NONE, label: 'Remove due date', keywords: ['none', 'clear'] }] : [])]}
          selected={single && first.dueDate ? [first.dueDate] : []}
          extra={(q) => {
            const d = parseTypedDate(q, today);
            return d ? [{ id: d, label: `Due ${formatDue(d, today, true)}`, keywords: [q] }] : [];
          }}
          onSelect={(id) => update({ dueDate: id === NONE ? null : id })}
        />
      );
    }
    case 'parent': {
      const exclude = new Set([...ids, ...issues.flatMap((i) => descendants(store.issues.all(), i.id))]);
      return (
        <IssueSearch
          {...common}
          exclude={exclude}
          none={first.parentId ? 'Remove parent' : undefined}
          current={single ? first.parentId : null}
          onSelect={(id) => update({ parentId: id === NONE ? null : id })}
        />
      );
    }
    case 'relation': {
      const type = (arg as RelationType | undefined) ?? 'related';
      return (
        <IssueSearch
          {...common}
          title={`${RELATION_LABELS[type]}…`}
          exclude={new Set(ids)}
          current={null}
          onSelect={(id) => {
            for (const i of ids) void store.details.addRelation(i, type, id);
          }}
        />
      );
    }
    case 'triageDuplicate':
      return <IssueSearch {...common} exclude={new Set(ids)} current={null} onSelect={(id) => void markDuplicates(store, issues, id)} />;
    case 'triageDecline':
      return <DeclineDialog issues={issues} onClose={close} />;
  }
});

/** Ids of every issue below `id` (sub-issues, their sub-issues, …), so a parent cannot become its own descendant. */
export function descendants(all: readonly Issue[], id: string): string[] {
  const children = new Map<string, string[]>();
  for (const c of all) if (c.parentId) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  const seen = new Set<string>();
  const queue = [id];
  while (queue.length) {
    for (const c of children.get(queue.pop()!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      queue.push(c);
    }
  }
  return [...seen];
}

const IssueSearch = observer(function IssueSearch(props: {
  title: string;
  placeholder: string;
  context: string;
  exclude: ReadonlySet<string>;
  current: string | null;
  none?: string;
  onSelect: (id: string) => void;
  onClose: () => void;
}) {
  const store = useStore();
  return (
    <ListDialog
      title={props.title}
      placeholder={props.placeholder}
      context={props.context}
      testId="issue-search-picker"
      emptyText="No issue matches"
      options={[...(props.none ? [{ id: NONE, label: props.none }] : []), ...issueOptions(store, '', props.exclude, 200)]}
      selected={props.current ? [props.current] : []}
      onSelect={props.onSelect}
      onClose={props.onClose}
    />
  );
});
