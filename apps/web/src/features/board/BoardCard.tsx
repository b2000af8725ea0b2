/**
 * A board card: identifier, title (two lines at most), then the chosen properties (priority,
 * state, labels, due date, estimate, assignee). Hover focuses it, a click opens it, shift- or
 * ⌘/Ctrl-click selects it, dragging moves it.
 */
import { observer } from 'mobx-react-lite';
import type { Issue } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import type { DisplayProperty } from '../../store/filters.ts';
import { listActions } from '../../store/viewsSelection.ts';
import { Avatar, PriorityIcon, PRIORITY_LABELS, StateIcon } from '../../ui/icons.tsx';
import { DueDate, LabelChips } from '../issues/list/parts.tsx';
import { useIssueDrag } from './dnd.tsx';

/** The visible part of a card (also drawn under the pointer while dragging). */
export const CardBody = observer(function CardBody({ issue, properties, overlay = false }: { issue: Issue; properties: ReadonlySet<DisplayProperty>; overlay?: boolean }) {
  const store = useStore();
  const state = store.states.get(issue.stateId);
  const assignee = store.users.get(issue.assigneeId);
  const labels = properties.has('labels') ? issue.labelIds.map((id) => store.labels.get(id)).filter((l) => !!l) : [];
  const done = state?.category === 'completed' || state?.category === 'canceled';
  const hasMeta =
    (properties.has('priority') && issue.priority !== 'none') || labels.length > 0 || (properties.has('dueDate') && !!issue.dueDate) || (properties.has('estimate') && issue.estimate !== null);
  return (
    <div className={`flex flex-col gap-1.5 ${overlay ? 'w-[288px] rounded-md border border-line bg-elevated p-2.5 shadow-overlay' : ''}`}>
      <div className="flex items-center gap-2 text-sm text-muted">
        {properties.has('identifier') && <span className="tabular-nums">{issue.identifier}</span>}
        <span className="flex-1" />
        {properties.has('assignee') && <Avatar name={assignee ? assignee.name || assignee.email : null} size={18} />}
      </div>
      <div className="flex items-start gap-1.5">
        {properties.has('state') && state && (
          <span className="mt-[3px]" title={`Status: ${state.name}`}>
            <StateIcon category={state.category} color={state.color} />
          </span>
        )}
        <span className="line-clamp-2 min-w-0 flex-1 font-medium text-fg">{issue.title}</span>
      </div>
      {hasMeta && (
      <div className="flex min-h-5 flex-wrap items-center gap-1.5">
        {properties.has('priority') && issue.priority !== 'none' && (
          <span className="inline-flex h-5 items-center rounded border border-line px-1" title={`Priority: ${PRIORITY_LABELS[issue.priority]}`}>
            <PriorityIcon priority={issue.priority} size={12} />
          </span>
        )}
        <LabelChips labels={labels} max={2} />
        {properties.has('dueDate') && <DueDate issue={issue} done={done} />}
        {properties.has('estimate') && issue.estimate !== null && <span className="rounded border border-line px-1 text-xs text-muted tabular-nums">{issue.estimate}</span>}
      </div>
      )}
    </div>
  );
});

/** Props of {@link BoardCard}. */
export interface BoardCardProps {
  issue: Issue;
  containerId: string;
  properties: ReadonlySet<DisplayProperty>;
  focused: boolean;
  selected: boolean;
  onOpen: (issue: Issue) => void;
  dragDisabled?: boolean;
}

/** A draggable card. */
export const BoardCard = observer(function BoardCard({ issue, containerId, properties, focused, selected, onOpen, dragDisabled }: BoardCardProps) {
  const store = useStore();
  const dnd = useIssueDrag(issue.id, containerId, dragDisabled || issue.number === 0);
  const { selection } = listActions(store);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the issue keys act on the focused card through the command registry
    // biome-ignore lint/a11y/useSemanticElements: cards of a virtualized column are absolutely positioned divs
    <div
      ref={dnd.setRef}
      {...dnd.listeners}
      role="listitem"
      data-testid="board-card"
      data-identifier={issue.identifier}
      data-focused={focused ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
      onMouseMove={() => {
        if (!focused) store.ui.focusIssue(issue.id);
      }}
      onClick={(e) => {
        if (e.shiftKey || e.metaKey || e.ctrlKey) selection.toggle(issue.id);
        else onOpen(issue);
      }}
      className={`relative cursor-default rounded-md border bg-elevated p-2.5 shadow-xs select-none ${
        selected ? 'border-accent ring-1 ring-accent' : focused ? 'border-line-strong' : 'border-line'
      } ${dnd.isDragging ? 'opacity-40' : ''} ${issue.number === 0 ? 'opacity-70' : ''}`}
    >
      {dnd.isOver && !dnd.isDragging && <span aria-hidden className="pointer-events-none absolute inset-x-1 -top-1 h-0.5 rounded bg-accent" />}
      <CardBody issue={issue} properties={properties} />
    </div>
  );
});
