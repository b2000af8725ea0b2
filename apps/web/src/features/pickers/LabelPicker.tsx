/**
 * The label list used by the `L` picker, the create modal's label pill and the bulk bar: the
 * labels that apply to the team, plus — when the typed name matches no label exactly — a
 * "Create label “<name>”" option that creates a workspace label (`POST /labels`, teamId null) and
 * applies it at once. Workspace labels are the default scope, as in Settings › Labels; team labels
 * are created there.
 */
import { observer } from 'mobx-react-lite';
import { ApiError } from '../../api/client.ts';
import { useStore } from '../../store/context.tsx';
import { createLabel } from '../settings/api.ts';
import { ListDialog, type ListDialogProps, type ListOption } from './ListDialog.tsx';
import { applicableLabels, labelOptions } from './options.tsx';

/** Shown when no label matches and nothing has been typed. */
export const NO_LABELS_TEXT = 'No labels match. Type a name to create one, or manage labels in Settings › Labels.';

/** Colours given to labels created on the spot, in turn. */
const COLORS = ['#eb5757', '#f2994a', '#f2c94c', '#4cb782', '#26b5ce', '#5e6ad2', '#9b51e0', '#95a2b3'];

/** Option ids of "Create label …" entries start with this (never a label id: those are UUIDs). */
const CREATE = 'create-label:';

/** The "Create label “name”" option for `query`, unless it is empty or names an existing label (any case). */
export function createLabelOption(query: string, existingNames: readonly string[]): ListOption[] {
  const name = query.trim().replace(/\s+/g, ' ');
  if (!name || name.length > 100) return [];
  if (existingNames.some((n) => n.toLowerCase() === name.toLowerCase())) return [];
  return [{ id: `${CREATE}${name}`, label: `Create label “${name}”` }];
}

/** Props of {@link LabelListDialog}: the list dialog's, with the labels of `teamId` as options. */
export type LabelListDialogProps = Omit<ListDialogProps, 'options' | 'emptyText' | 'extra' | 'multiple' | 'testId'> & {
  /** The team whose labels apply ('' for issues of several teams: workspace labels only). */
  teamId: string;
};

/** The label picker (multiple choice, stays open). `onSelect` gets a label id, also for a label just created. */
export const LabelListDialog = observer(function LabelListDialog({ teamId, onSelect, ...rest }: LabelListDialogProps) {
  const store = useStore();
  const labels = applicableLabels(store, teamId);
  const names = labels.map((l) => l.name);
  const select = (id: string) => {
    if (!id.startsWith(CREATE)) {
      onSelect(id);
      return;
    }
    const name = id.slice(CREATE.length);
    void (async () => {
      try {
        const label = await createLabel({ name, color: COLORS[store.labels.all().length % COLORS.length]!, teamId: null });
        store.labels.upsert(label);
        onSelect(label.id);
      } catch (err) {
        store.ui.toast(err instanceof ApiError ? err.message : 'Could not create the label', 'error');
      }
    })();
  };
  return (
    <ListDialog
      {...rest}
      testId="label-picker"
      multiple
      emptyText={NO_LABELS_TEXT}
      options={labelOptions(store, teamId)}
      extra={(q) => createLabelOption(q, names)}
      extraLast
      onSelect={select}
    />
  );
});
