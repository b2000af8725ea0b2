/** The S / P / A pickers applied to issues (optimistic writes through the store). */
import { observer } from 'mobx-react-lite';
import type { Priority } from '../../api/types.ts';
import type { PickerKind } from '../../store/ui.ts';
import { useStore } from '../../store/context.tsx';
import { PickerDialog } from '../../ui/PickerDialog.tsx';
import { assigneeOptions, NO_ASSIGNEE, priorityOptions, stateOptions } from './options.tsx';

const TITLES: Record<PickerKind, [string, string]> = {
  state: ['Change status', 'Change status to…'],
  priority: ['Change priority', 'Set priority to…'],
  assignee: ['Assign', 'Assign to…'],
};

/** Picker for `kind` acting on `issueIds` (all of the first issue's team, for states). */
export const IssuePicker = observer(function IssuePicker({ kind, issueIds }: { kind: PickerKind; issueIds: string[] }) {
  const store = useStore();
  const issues = issueIds.map((id) => store.issues.get(id)).filter((i) => !!i);
  const first = issues[0];
  const close = () => store.ui.closePicker();
  if (!first) return null;
  const [title, placeholder] = TITLES[kind];
  const ids = issues.filter((i) => kind !== 'state' || i.teamId === first.teamId).map((i) => i.id);
  const context = issues.length === 1 ? first.identifier : `${issues.length} issues`;
  if (kind === 'state') {
    return (
      <PickerDialog
        title={title}
        placeholder={placeholder}
        context={context}
        options={stateOptions(store, first.teamId)}
        current={issues.length === 1 ? first.stateId : null}
        onClose={close}
        onSelect={(stateId) => void store.issueActions.updateMany(ids, { stateId })}
      />
    );
  }
  if (kind === 'priority') {
    return (
      <PickerDialog
        title={title}
        placeholder={placeholder}
        context={context}
        options={priorityOptions()}
        current={issues.length === 1 ? first.priority : null}
        onClose={close}
        onSelect={(p) => void store.issueActions.updateMany(ids, { priority: p as Priority })}
      />
    );
  }
  return (
    <PickerDialog
      title={title}
      placeholder={placeholder}
      context={context}
      options={assigneeOptions(store)}
      current={issues.length === 1 ? (first.assigneeId ?? NO_ASSIGNEE) : null}
      onClose={close}
      onSelect={(id) => void store.issueActions.updateMany(ids, { assigneeId: id === NO_ASSIGNEE ? null : id })}
    />
  );
});
