/** One issue row of a list: priority, identifier, state, title, date, assignee. */
import { observer } from 'mobx-react-lite';
import type { Issue } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import { Avatar, PriorityIcon, PRIORITY_LABELS, StateIcon } from '../../ui/icons.tsx';

const dateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Props of {@link IssueRow}. */
export interface IssueRowProps {
  issue: Issue;
  focused: boolean;
  onOpen: (issue: Issue) => void;
  showTeam?: boolean;
}

/** An issue row; hovering focuses it (single-key commands then act on it). */
export const IssueRow = observer(function IssueRow({ issue, focused, onOpen }: IssueRowProps) {
  const store = useStore();
  const state = store.states.get(issue.stateId);
  const assignee = store.users.get(issue.assigneeId);
  const pick = (kind: 'state' | 'priority' | 'assignee') => (e: React.MouseEvent) => {
    e.stopPropagation();
    store.ui.focusIssue(issue.id);
    store.ui.openPicker(kind, [issue.id]);
  };
  return (
    <div
      role="listitem"
      aria-current={focused ? 'true' : undefined}
      data-testid="issue-row"
      data-identifier={issue.identifier}
      data-focused={focused ? 'true' : undefined}
      onMouseMove={() => {
        if (!focused) store.ui.focusIssue(issue.id);
      }}
      onClick={() => onOpen(issue)}
      className={`group flex h-10 cursor-default items-center gap-3 border-b border-line/60 pr-5 pl-4 ${
        focused ? 'bg-hover' : 'hover:bg-hover/60'
      } ${issue.number === 0 ? 'opacity-70' : ''}`}
    >
      <button type="button" tabIndex={-1} title={`Priority: ${PRIORITY_LABELS[issue.priority]}`} onClick={pick('priority')} className="rounded p-0.5 hover:bg-selected">
        <PriorityIcon priority={issue.priority} />
      </button>
      <span className="w-[64px] shrink-0 truncate text-muted tabular-nums">{issue.identifier}</span>
      <button type="button" tabIndex={-1} title={state ? `Status: ${state.name}` : 'Status'} onClick={pick('state')} className="rounded p-0.5 hover:bg-selected">
        {state ? <StateIcon category={state.category} color={state.color} /> : <span className="inline-block h-3.5 w-3.5" />}
      </button>
      <span className="min-w-0 flex-1 truncate font-medium text-fg">{issue.title}</span>
      <span className="shrink-0 text-sm text-faint tabular-nums">{dateFmt.format(new Date(issue.createdAt))}</span>
      <button
        type="button"
        tabIndex={-1}
        title={assignee ? `Assignee: ${assignee.name || assignee.email}` : 'Unassigned'}
        onClick={pick('assignee')}
        className="rounded-full hover:ring-2 hover:ring-line-strong"
      >
        <Avatar name={assignee ? assignee.name || assignee.email : null} size={20} />
      </button>
    </div>
  );
});
