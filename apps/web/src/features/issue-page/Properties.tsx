/**
 * The issue's properties sidebar: status, priority, assignee, labels, estimate, due date and
 * parent edit in place (each opens the same picker as its key), then the relations. No save
 * buttons: every change is written at once (optimistic, undoable).
 */
import { Link } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import type { Issue } from '../../api/types.ts';
import { paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import type { PickerKind } from '../../store/ui.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { dueTone, formatDue } from '../pickers/dates.ts';
import { LabelDot, labelName } from '../pickers/options.tsx';
import { Relations } from './Relations.tsx';

const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' });

/** One editable property: a label and a button opening its picker. */
export function Property(props: { label: string; keys?: string[]; onClick: () => void; children: React.ReactNode; testId: string; empty?: boolean }) {
  return (
    <div className="flex min-h-8 items-center gap-2">
      <span className="w-[76px] shrink-0 px-2 text-sm text-muted">{props.label}</span>
      <button
        type="button"
        onClick={props.onClick}
        data-testid={props.testId}
        aria-label={`${props.label}${props.keys ? ` (${props.keys.join(' ').toUpperCase()})` : ''}`}
        title={props.keys ? `${props.label} (${props.keys.join(' ').toUpperCase()})` : props.label}
        className={`group flex min-h-8 min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1 text-left hover:bg-hover ${props.empty ? 'text-faint' : ''}`}
      >
        {props.children}
        <span className="flex-1" />
        {props.keys && (
          <span className="hidden shrink-0 group-hover:inline-flex group-focus-visible:inline-flex">
            <Kbd keys={props.keys} />
          </span>
        )}
      </button>
    </div>
  );
}

/** The sidebar (or, on narrow screens, the block under the title). */
export const Properties = observer(function Properties({ issue }: { issue: Issue }) {
  const store = useStore();
  const state = store.states.get(issue.stateId);
  const assignee = store.users.get(issue.assigneeId);
  const parent = issue.parentId ? store.issue(issue.parentId) : undefined;
  const labels = issue.labelIds.map((id) => store.labels.get(id)).filter((l) => !!l);
  const open = (kind: PickerKind) => () => store.ui.openPicker(kind, [issue.id]);
  const ws = store.workspace?.urlSlug ?? '';
  const tone = issue.dueDate ? dueTone(issue.dueDate) : 'later';

  return (
    <aside
      className="shrink-0 border-line bg-sidebar px-3 py-4 max-lg:border-b lg:w-[288px] lg:overflow-y-auto lg:border-l"
      aria-label="Properties"
      data-testid="properties"
    >
      <h2 className="mb-1 px-2 text-sm font-medium text-faint">Properties</h2>
      <Property label="Status" keys={['s']} onClick={open('state')} testId="prop-status">
        {state && <StateIcon category={state.category} color={state.color} />}
        <span className="truncate">{state?.name ?? '—'}</span>
      </Property>
      <Property label="Priority" keys={['p']} onClick={open('priority')} testId="prop-priority" empty={issue.priority === 'none'}>
        <PriorityIcon priority={issue.priority} />
        <span className="truncate">{PRIORITY_LABELS[issue.priority]}</span>
      </Property>
      <Property label="Assignee" keys={['a']} onClick={open('assignee')} testId="prop-assignee" empty={!assignee}>
        <Avatar name={assignee ? assignee.name || assignee.email : null} size={18} />
        <span className="truncate">{assignee ? assignee.name || assignee.email : 'Unassigned'}</span>
      </Property>
      <Property label="Labels" keys={['l']} onClick={open('labels')} testId="prop-labels" empty={!labels.length}>
        {labels.length ? (
          <span className="flex min-w-0 flex-wrap gap-1">
            {labels.map((l) => (
              <span key={l.id} className="inline-flex h-5 items-center gap-1.5 rounded-full border border-line bg-bg px-2 text-sm" data-testid="label-chip">
                <LabelDot color={l.color} />
                {labelName(store, l)}
              </span>
            ))}
          </span>
        ) : (
          <span>Add labels</span>
        )}
      </Property>
      <Property label="Estimate" keys={['e']} onClick={open('estimate')} testId="prop-estimate" empty={issue.estimate === null}>
        <span className="truncate">{issue.estimate === null ? 'No estimate' : `${issue.estimate} ${issue.estimate === 1 ? 'point' : 'points'}`}</span>
      </Property>
      <Property label="Due date" keys={['shift+d']} onClick={open('dueDate')} testId="prop-due" empty={!issue.dueDate}>
        {issue.dueDate ? (
          <span className={`truncate ${tone === 'overdue' ? 'text-danger' : tone === 'soon' ? 'text-[#d9822b]' : ''}`}>
            {formatDue(issue.dueDate)}
            {tone === 'overdue' && <span className="ml-1.5 text-sm">overdue</span>}
          </span>
        ) : (
          <span>No due date</span>
        )}
      </Property>
      <Property label="Parent" keys={['mod+shift+p']} onClick={open('parent')} testId="prop-parent" empty={!parent}>
        <span className="truncate">{parent ? `${parent.identifier} ${parent.title}` : 'No parent'}</span>
      </Property>
      {parent && (
        <div className="mb-1 ml-[84px] px-2">
          <Link to={paths.issue(ws, parent.identifier) as '/'} className="text-sm text-accent hover:underline">
            Open parent
          </Link>
        </div>
      )}
      <Relations issue={issue} />
      <div className="mt-5 space-y-1.5 border-t border-line px-2 pt-4 text-sm text-muted">
        <div className="flex justify-between gap-2">
          <span>Created</span>
          <span className="text-fg">{dateTime.format(new Date(issue.createdAt))}</span>
        </div>
        <div className="flex justify-between gap-2">
          <span>Updated</span>
          <span className="text-fg">{dateTime.format(new Date(issue.updatedAt))}</span>
        </div>
      </div>
    </aside>
  );
});
