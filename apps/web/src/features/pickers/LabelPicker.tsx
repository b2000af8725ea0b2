/**
 * The label list used by the `L` picker, the create modal's label pill and the bulk bar: the
 * labels that apply to the team, plus — when the typed name matches no label exactly — options
 * that create the label (`POST /labels`) and apply it at once: first "Create label “<name>” in
 * <team>" (a team label, what Enter picks: Linear creates labels in the team of the issue being
 * edited), then "Create workspace label “<name>”" (teamId null, usable by every team). Without one
 * team (issues of several teams in the bulk bar) only the workspace label is offered.
 */
import { observer } from 'mobx-react-lite';
import { ApiError } from '../../api/client.ts';
import { useStore } from '../../store/context.tsx';
import { PlusIcon } from '../../ui/icons.tsx';
import { createLabel } from '../settings/api.ts';
import { ListDialog, type ListDialogProps, type ListOption } from './ListDialog.tsx';
import { applicableLabels, labelOptions } from './options.tsx';

/** Shown when no label matches and nothing has been typed. */
export const NO_LABELS_TEXT = 'No labels match. Type a name to create one, or manage labels in Settings › Labels.';

/** Colours given to labels created on the spot, in turn. */
const COLORS = ['#eb5757', '#f2994a', '#f2c94c', '#4cb782', '#26b5ce', '#5e6ad2', '#9b51e0', '#95a2b3'];

/** Option ids of "Create label …" entries start with this (never a label id: those are UUIDs). */
const CREATE = 'create-label:';

/** Where a label created from the picker goes: the team's id, or null for the workspace. */
export type LabelScope = string | null;

/** The option id creating `name` in `scope`. */
const createId = (scope: LabelScope, name: string) => `${CREATE}${scope ?? ''}:${name}`;

/** The scope and name an option id made by {@link createLabelOptions} stands for (null for any other id). */
export function parseCreateId(id: string): { scope: LabelScope; name: string } | null {
  if (!id.startsWith(CREATE)) return null;
  const rest = id.slice(CREATE.length);
  const at = rest.indexOf(':');
  return { scope: rest.slice(0, at) || null, name: rest.slice(at + 1) };
}

/**
 * The "Create label …" options for `query` (spaces collapsed), none when it is empty, longer than
 * 100 characters or names an existing label (any case): in `team` first when there is one, then
 * in the workspace.
 */
export function createLabelOptions(query: string, existingNames: readonly string[], team: { id: string; name: string } | null): ListOption[] {
  const name = query.trim().replace(/\s+/g, ' ');
  if (!name || name.length > 100) return [];
  if (existingNames.some((n) => n.toLowerCase() === name.toLowerCase())) return [];
  const icon = (
    <span aria-hidden className="inline-flex w-3.5 justify-center text-muted">
      <PlusIcon size={12} />
    </span>
  );
  const workspace = { id: createId(null, name), label: `Create workspace label “${name}”`, icon, action: true };
  return team ? [{ id: createId(team.id, name), label: `Create label “${name}” in ${team.name}`, icon, action: true }, workspace] : [workspace];
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
  const team = teamId ? store.teams.get(teamId) : undefined;
  const select = (id: string) => {
    const create = parseCreateId(id);
    if (!create) {
      onSelect(id);
      return;
    }
    void (async () => {
      try {
        const label = await createLabel({ name: create.name, color: COLORS[store.labels.all().length % COLORS.length]!, teamId: create.scope });
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
      extra={(q) => createLabelOptions(q, names, team ? { id: team.id, name: team.name } : null)}
      extraLast
      onSelect={select}
    />
  );
});
