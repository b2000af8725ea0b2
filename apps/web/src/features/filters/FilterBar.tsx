/**
 * The filter bar (Linear's filter chips, linear-ux.md §4): each condition is a chip "field ·
 * operator · values"; the operator switches between is and is not, the values reopen their list,
 * × removes the chip. Chips are joined by "and" or "or" (click to switch), and nested groups show
 * in brackets with their own conjunction. Every change replaces the filter in the URL; the list
 * is recomputed from the local store.
 */
import type { FilterCondition, FilterNode } from '@exponential/domain';
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import { useStore } from '../../store/context.tsx';
import { PlusIcon } from '../../ui/icons.tsx';
import { defOf, type FieldDef, valueLabel } from './fields.tsx';
import { DueMenu, FieldList, ValueList } from './FilterMenu.tsx';
import { Popover } from './Popover.tsx';
import { appendAt, childrenOf, compact, type Conjunction, conjunctionOf, isGroup, makeGroup, negate, opLabel, rootOf, selectedValues, setConjunction, toggledCondition, updateAt } from './tree.ts';

/** Props of {@link FilterBar} and {@link AddFilterButton}. */
export interface FilterEditorProps {
  filter: FilterNode | undefined;
  onChange: (next: FilterNode | undefined) => void;
  /** The team of a team screen (status then means its workflow states). */
  teamId?: string;
}

/** A chip-sized button. */
const chipPart = 'inline-flex h-6 items-center gap-1 px-1.5 text-sm hover:bg-hover';

/**
 * Where new conditions go: the "Filter" button adds to the root group; a group's "+" adds inside
 * it. While a field's values are being picked the new condition is already in the tree.
 */
function AddMenu({ teamId, path, root, onChange, onClose }: { teamId?: string; path: number[]; root: ReturnType<typeof rootOf>; onChange: FilterEditorProps['onChange']; onClose: () => void }) {
  const [def, setDef] = useState<FieldDef | null>(null);
  const [at, setAt] = useState<number[] | null>(null);
  const group = path.reduce<FilterNode>((g, i) => childrenOf(g as never)[i] as FilterNode, root);
  const current = at ? (at.reduce<FilterNode>((g, i) => childrenOf(g as never)[i] as FilterNode, root) as FilterCondition) : undefined;
  if (!def) {
    return (
      <FieldList
        teamId={teamId}
        onField={(d) => setDef(d)}
        onGroup={
          path.length < 2
            ? () => {
                const c: Conjunction = conjunctionOf(group as never) === 'and' ? 'or' : 'and';
                onChange(appendAt(root, path, makeGroup(c, [])));
                onClose();
              }
            : undefined
        }
      />
    );
  }
  if (def.field === 'dueDate') {
    return (
      <DueMenu
        onPick={(c) => {
          onChange(compact(appendAt(root, path, c)));
          onClose();
        }}
      />
    );
  }
  return (
    <ValueList
      def={def}
      teamId={teamId}
      selected={selectedValues(current)}
      onToggle={(id) => {
        const next = toggledCondition(def.field, current, id);
        if (!at) {
          if (!next) return;
          const index = childrenOf(group as never).length;
          setAt([...path, index]);
          onChange(appendAt(root, path, next));
          return;
        }
        if (!next) setAt(null);
        onChange(compact(updateAt(root, at, () => next)));
      }}
    />
  );
}

/** The "Filter" button (F): adds a condition to the root group. */
export function AddFilterButton({ filter, onChange, teamId, open, setOpen }: FilterEditorProps & { open: boolean; setOpen: (o: boolean) => void }) {
  const root = rootOf(filter);
  return (
    <Popover
      open={open}
      onClose={() => setOpen(false)}
      label="Add filter"
      testId="filter-menu"
      trigger={
        <button
          type="button"
          aria-haspopup="dialog"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          title="Filter (F)"
          className="inline-flex h-7 shrink-0 items-center gap-1.5 whitespace-nowrap rounded-md px-2 text-sm text-muted hover:bg-hover hover:text-fg"
          data-testid="filter-button"
        >
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden>
            <path d="M2 3.5h10M4 7h6M6 10.5h2" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
          </svg>
          Filter
        </button>
      }
    >
      {open && <AddMenu teamId={teamId} path={[]} root={root} onChange={onChange} onClose={() => setOpen(false)} />}
    </Popover>
  );
}

/** The chips of the current filter (nothing when there is no filter). */
export const FilterBar = observer(function FilterBar({ filter, onChange, teamId }: FilterEditorProps) {
  const root = rootOf(filter);
  if (!childrenOf(root).length) return null;
  return (
    <div className="flex min-h-10 flex-wrap items-center gap-1.5 border-b border-line px-5 py-1.5" data-testid="filter-bar">
      <GroupChips root={root} path={[]} onChange={onChange} teamId={teamId} />
      <button type="button" className="ml-1 h-6 rounded px-1.5 text-sm text-muted hover:bg-hover hover:text-fg" onClick={() => onChange(undefined)}>
        Clear
      </button>
    </div>
  );
});

const GroupChips = observer(function GroupChips({ root, path, onChange, teamId }: { root: ReturnType<typeof rootOf>; path: number[]; onChange: FilterEditorProps['onChange']; teamId?: string }) {
  const group = path.length ? (path.reduce<FilterNode>((g, i) => childrenOf(g as never)[i] as FilterNode, root) as ReturnType<typeof rootOf>) : root;
  const conj = conjunctionOf(group);
  const kids = childrenOf(group);
  const [adding, setAdding] = useState(false);
  return (
    <>
      {kids.map((k, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no ids; a chip is its position in the group
        <span key={i} className="contents">
          {i > 0 && (
            <button
              type="button"
              className="h-6 rounded px-1 text-xs font-medium text-muted uppercase hover:bg-hover hover:text-fg"
              title="Switch between all (and) and any (or)"
              data-testid="filter-conjunction"
              onClick={() => onChange(compact(setConjunction(root, path, conj === 'and' ? 'or' : 'and')))}
            >
              {conj}
            </button>
          )}
          {isGroup(k) ? (
            <span className="inline-flex flex-wrap items-center gap-1 rounded-md border border-dashed border-line-strong px-1 py-0.5" data-testid="filter-group">
              <span className="text-faint">(</span>
              <GroupChips root={root} path={[...path, i]} onChange={onChange} teamId={teamId} />
              <span className="text-faint">)</span>
              <button type="button" aria-label="Remove group" className="rounded px-1 text-faint hover:bg-hover hover:text-fg" onClick={() => onChange(compact(updateAt(root, [...path, i], () => null)))}>
                ×
              </button>
            </span>
          ) : (
            <ConditionChip condition={k} root={root} path={[...path, i]} onChange={onChange} teamId={teamId} />
          )}
        </span>
      ))}
      {path.length > 0 && (
        <Popover
          open={adding}
          onClose={() => setAdding(false)}
          label="Add filter to group"
          trigger={
            <button type="button" aria-haspopup="dialog" aria-label="Add filter to group" onClick={() => setAdding(!adding)} className="rounded p-1 text-faint hover:bg-hover hover:text-fg">
              <PlusIcon size={10} />
            </button>
          }
        >
          {adding && <AddMenu teamId={teamId} path={path} root={root} onChange={onChange} onClose={() => setAdding(false)} />}
        </Popover>
      )}
    </>
  );
});

const ConditionChip = observer(function ConditionChip({ condition, root, path, onChange, teamId }: { condition: FilterCondition; root: ReturnType<typeof rootOf>; path: number[]; onChange: FilterEditorProps['onChange']; teamId?: string }) {
  const store = useStore();
  const [editing, setEditing] = useState(false);
  const def = defOf(condition.field, teamId);
  const values = Array.isArray(condition.value) ? condition.value : condition.value !== undefined ? [condition.value] : [];
  const valueText =
    condition.field === 'dueDate' || condition.field === 'title'
      ? values.join(', ')
      : values.length > 2
        ? `${values.length} values`
        : values.map((v) => valueLabel(store, condition.field, v)).join(', ');
  const set = (next: FilterCondition | null) => onChange(compact(updateAt(root, path, () => next)));
  return (
    <span className="inline-flex h-7 items-center overflow-hidden rounded-md border border-line bg-elevated shadow-xs" data-testid="filter-chip">
      <span className={`${chipPart} text-muted`}>
        <span className="flex w-3.5 justify-center">{def?.icon}</span>
        {def?.name ?? condition.field}
      </span>
      <button type="button" className={`${chipPart} border-l border-line text-muted`} title="Switch is / is not" data-testid="filter-op" onClick={() => set({ ...condition, op: negate(condition.op) })}>
        {opLabel(condition.op)}
      </button>
      {values.length > 0 && def && (
        <Popover
          open={editing}
          onClose={() => setEditing(false)}
          label={`${def.name} values`}
          trigger={
            <button type="button" aria-haspopup="dialog" className={`${chipPart} border-l border-line font-medium`} onClick={() => setEditing(!editing)}>
              {valueText}
            </button>
          }
        >
          {editing &&
            (def.field === 'dueDate' ? (
              <DueMenu
                onPick={(c) => {
                  set(c);
                  setEditing(false);
                }}
              />
            ) : (
              <ValueList def={def} teamId={teamId} selected={selectedValues(condition)} onToggle={(id) => set(toggledCondition(condition.field, condition, id))} />
            ))}
        </Popover>
      )}
      <button type="button" aria-label={`Remove ${def?.name ?? condition.field} filter`} className={`${chipPart} border-l border-line text-faint hover:text-fg`} onClick={() => set(null)}>
        ×
      </button>
    </span>
  );
});
