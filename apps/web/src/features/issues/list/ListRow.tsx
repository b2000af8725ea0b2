/**
 * One issue row of a list, showing the properties the display options select. Hover focuses it
 * (single-key commands act on it); a click opens it, shift-click selects a range, ⌘/Ctrl-click or
 * the checkbox toggles it; dragging moves it (see features/board/dnd.tsx). An issue waiting in
 * triage shows Accept, Duplicate and Decline (the 1, 2 and 3 keys; the last two ask first).
 */
import { observer } from 'mobx-react-lite';
import type { Issue } from '../../../api/types.ts';
import type { DisplayProperty } from '../../../store/filters.ts';
import { useStore } from '../../../store/context.tsx';
import { Avatar, PriorityIcon, PRIORITY_LABELS, StateIcon } from '../../../ui/icons.tsx';
import type { DragBinding } from '../../board/dndLazy.ts';
import { askTriage, triage } from '../../triage/triage.ts';
import { DueDate, LabelChips, shortDate } from './parts.tsx';

/** Props of {@link ListRow}. */
export interface ListRowProps {
  issue: Issue;
  focused: boolean;
  selected: boolean;
  properties: ReadonlySet<DisplayProperty>;
  onOpen: (issue: Issue) => void;
  /** Shift-click (range) or ⌘/Ctrl-click and checkbox (toggle). */
  onSelect: (issue: Issue, mode: 'range' | 'toggle') => void;
  /** Drag handle and drop target, once drag and drop has loaded. */
  drag?: DragBinding;
}

/** A list row. */
export const ListRow = observer(function ListRow({ issue, focused, selected, properties, onOpen, onSelect, drag }: ListRowProps) {
  const store = useStore();
  const state = store.states.get(issue.stateId);
  const assignee = store.users.get(issue.assigneeId);
  const pick = (kind: 'state' | 'priority' | 'assignee') => (e: React.MouseEvent) => {
    e.stopPropagation();
    store.ui.focusIssue(issue.id);
    store.ui.openPicker(kind, [issue.id]);
  };
  const labels = properties.has('labels') ? issue.labelIds.map((id) => store.labels.get(id)).filter((l) => !!l) : [];
  const done = state?.category === 'completed' || state?.category === 'canceled';
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the list's keys (J/K, Enter, X) act on the focused row through the command registry
    // biome-ignore lint/a11y/useSemanticElements: rows of a virtualized list are absolutely positioned divs, not <li>
    <div
      ref={drag?.setRef}
      {...drag?.listeners}
      role="listitem"
      aria-current={focused ? 'true' : undefined}
      data-testid="issue-row"
      data-identifier={issue.identifier}
      data-focused={focused ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
      onMouseMove={() => {
        if (!focused) store.ui.focusIssue(issue.id);
      }}
      onClick={(e) => {
        if (e.shiftKey) onSelect(issue, 'range');
        else if (e.metaKey || e.ctrlKey) onSelect(issue, 'toggle');
        else onOpen(issue);
      }}
      className={`group/row relative flex h-10 cursor-default items-center gap-2.5 border-b border-line/60 pr-5 pl-2 select-none ${
        selected ? 'bg-accent-soft' : focused ? 'bg-hover' : 'hover:bg-hover/60'
      } ${issue.number === 0 ? 'opacity-70' : ''} ${drag?.isDragging ? 'opacity-40' : ''}`}
    >
      {drag?.isOver && !drag.isDragging && <span aria-hidden className="pointer-events-none absolute inset-x-0 top-0 h-0.5 bg-accent" />}
      <span className="flex w-4 shrink-0 items-center justify-center">
        <input
          type="checkbox"
          aria-label={`Select ${issue.identifier}`}
          checked={selected}
          tabIndex={-1}
          onClick={(e) => e.stopPropagation()}
          onPointerDown={(e) => e.stopPropagation()}
          onChange={() => onSelect(issue, 'toggle')}
          className={`h-3.5 w-3.5 accent-[var(--accent)] ${selected || focused ? 'opacity-100' : 'opacity-0 group-hover/row:opacity-100'}`}
        />
      </span>
      {properties.has('priority') && (
        <button type="button" tabIndex={-1} title={`Priority: ${PRIORITY_LABELS[issue.priority]}`} onClick={pick('priority')} className="rounded p-0.5 hover:bg-selected">
          <PriorityIcon priority={issue.priority} />
        </button>
      )}
      {properties.has('identifier') && <span className="w-[64px] shrink-0 truncate text-muted tabular-nums">{issue.identifier}</span>}
      {properties.has('state') && (
        <button type="button" tabIndex={-1} title={state ? `Status: ${state.name}` : 'Status'} onClick={pick('state')} className="rounded p-0.5 hover:bg-selected">
          {state ? <StateIcon category={state.category} color={state.color} /> : <span className="inline-block h-3.5 w-3.5" />}
        </button>
      )}
      <span className="min-w-0 flex-1 truncate font-medium text-fg" data-testid="issue-title">
        {issue.title}
      </span>
      <LabelChips labels={labels} />
      {properties.has('dueDate') && <DueDate issue={issue} done={done} />}
      {properties.has('estimate') && issue.estimate !== null && (
        <span className="shrink-0 rounded border border-line px-1 text-xs text-muted tabular-nums" title="Estimate">
          {issue.estimate}
        </span>
      )}
      {properties.has('createdAt') && (
        <span className="w-12 shrink-0 text-right text-sm text-faint tabular-nums" title={`Created ${issue.createdAt}`}>
          {shortDate(issue.createdAt)}
        </span>
      )}
      {properties.has('updatedAt') && (
        <span className="w-12 shrink-0 text-right text-sm text-faint tabular-nums" title={`Updated ${issue.updatedAt}`}>
          {shortDate(issue.updatedAt)}
        </span>
      )}
      {state?.category === 'triage' && (
        <span className="flex shrink-0 items-center gap-1" data-testid="triage-actions">
          {(
            [
              ['accept', 'Accept', '1', 'border border-line hover:border-line-strong'],
              ['duplicate', 'Duplicate', '2', 'hidden md:block'],
              ['decline', 'Decline', '3', ''],
            ] as const
          ).map(([action, label, key, extra]) => (
            <button
              key={action}
              type="button"
              tabIndex={-1}
              title={`${label} (${key})`}
              aria-label={`${label} ${issue.identifier}`}
              onClick={(e) => {
                e.stopPropagation();
                if (action === 'accept') triage(store, [issue], action);
                else askTriage(store, [issue], action === 'decline' ? 'triageDecline' : 'triageDuplicate');
              }}
              className={`h-6 rounded-md px-2 text-sm text-muted hover:bg-selected hover:text-fg ${extra}`}
            >
              {label}
            </button>
          ))}
        </span>
      )}
      {properties.has('assignee') && (
        <button
          type="button"
          tabIndex={-1}
          title={assignee ? `Assignee: ${assignee.name || assignee.email}` : 'Unassigned'}
          onClick={pick('assignee')}
          className="rounded-full hover:ring-2 hover:ring-line-strong"
        >
          <Avatar name={assignee ? assignee.name || assignee.email : null} size={20} />
        </button>
      )}
    </div>
  );
});
