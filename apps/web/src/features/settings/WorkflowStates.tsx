/**
 * A team's workflow: its states by category (triage, backlog, unstarted, started, completed,
 * canceled), each renamable and recolourable, one default per category; states move up and down
 * within their category (`POST /teams/:id/states/reorder` with the whole new order); new states
 * join the end of their category; deleting a state with issues asks where they go.
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { STATE_CATEGORIES, type StateCategory, type WorkflowState } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { StateIcon } from '../../ui/icons.tsx';
import * as api from './api.ts';
import { ErrorText, Field, Section, selectClass, useAction } from './kit.tsx';

const CATEGORY_NAMES: Record<StateCategory, string> = {
  triage: 'Triage',
  backlog: 'Backlog',
  unstarted: 'Unstarted',
  started: 'Started',
  completed: 'Completed',
  canceled: 'Canceled',
};

/** The new order after moving `id` one step within its category (`dir` −1 up, +1 down), or null at an end. */
export function moveWithinCategory(states: readonly WorkflowState[], id: string, dir: -1 | 1): string[] | null {
  const order = [...states];
  const at = order.findIndex((s) => s.id === id);
  const to = at + dir;
  if (at < 0 || to < 0 || to >= order.length || order[to]!.category !== order[at]!.category) return null;
  [order[at], order[to]] = [order[to]!, order[at]!];
  return order.map((s) => s.id);
}

const StateRow = observer(function StateRow({ state, states, canManage, onError }: { state: WorkflowState; states: WorkflowState[]; canManage: boolean; onError: (m: string | null) => void }) {
  const store = useStore();
  const [name, setName] = useState(state.name);
  const [deleting, setDeleting] = useState(false);
  const [replacement, setReplacement] = useState('');
  const up = moveWithinCategory(states, state.id, -1);
  const down = moveWithinCategory(states, state.id, 1);
  const guard = async (fn: () => Promise<void>) => {
    onError(null);
    try {
      await fn();
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  const reorder = (ids: string[] | null) =>
    ids &&
    void guard(async () => {
      store.states.upsertMany(await api.reorderStates(state.teamId, ids));
    });
  const patch = (body: { name?: string; color?: string; isDefault?: true }) =>
    void guard(async () => {
      store.states.upsert(await api.updateState(state.id, body));
    });
  const issues = store.issues.by(state.teamId).filter((i) => i.stateId === state.id).length;

  return (
    <li className="px-3 py-2" data-testid="state-row" data-state={state.name}>
      <div className="flex items-center gap-2">
        <StateIcon category={state.category} color={state.color} />
        <input
          type="color"
          aria-label={`Colour of ${state.name}`}
          value={state.color}
          disabled={!canManage}
          onChange={(e) => patch({ color: e.target.value })}
          className="h-6 w-6 shrink-0 cursor-pointer rounded border border-line bg-transparent p-0 disabled:cursor-default"
        />
        <input
          className={`${inputClass.replace("h-8 w-full", "h-7 w-full")} flex-1`}
          aria-label={`Name of ${state.name}`}
          value={name}
          maxLength={50}
          disabled={!canManage}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => name.trim() && name.trim() !== state.name && patch({ name: name.trim() })}
          onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          e.currentTarget.blur();
        }}
        />
        <span className="w-16 shrink-0 text-right text-sm text-faint">{issues} issues</span>
        {state.isDefault ? (
          <span className="w-[92px] shrink-0 text-center text-sm text-muted">Default</span>
        ) : (
          <Button size="sm" variant="ghost" className="w-[92px]" disabled={!canManage} onClick={() => patch({ isDefault: true })}>
            Make default
          </Button>
        )}
        <Button size="sm" variant="ghost" aria-label={`Move ${state.name} up`} disabled={!canManage || !up} onClick={() => reorder(up)}>
          ↑
        </Button>
        <Button size="sm" variant="ghost" aria-label={`Move ${state.name} down`} disabled={!canManage || !down} onClick={() => reorder(down)}>
          ↓
        </Button>
        <Button size="sm" variant="ghost" aria-label={`Delete ${state.name}`} disabled={!canManage} onClick={() => setDeleting((d) => !d)}>
          ×
        </Button>
      </div>
      {deleting && (
        <div className="mt-2 flex flex-wrap items-center gap-2 pl-8 text-sm">
          {issues > 0 && (
            <label className="flex items-center gap-2">
              Move its {issues} issues to
              <select className={selectClass} value={replacement} onChange={(e) => setReplacement(e.target.value)}>
                <option value="">Choose…</option>
                {states
                  .filter((s) => s.id !== state.id)
                  .map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <Button
            size="sm"
            className="text-danger!"
            disabled={issues > 0 && !replacement}
            onClick={() =>
              void guard(async () => {
                await api.deleteState(state.id, replacement || undefined);
                store.states.remove(state.id);
              })
            }
          >
            Delete “{state.name}”
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDeleting(false)}>
            Cancel
          </Button>
        </div>
      )}
    </li>
  );
});

/** The workflow section of a team's settings. */
export const WorkflowStates = observer(function WorkflowStates({ teamId, canManage }: { teamId: string; canManage: boolean }) {
  const store = useStore();
  const states = store.statesOf(teamId);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [category, setCategory] = useState<StateCategory>('started');
  const [color, setColor] = useState('#f2c94c');
  const [run, busy, addError] = useAction();
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      store.states.upsert(await api.createState(teamId, { name: name.trim(), category, color }));
      setName('');
    });
  };
  return (
    <Section title="Workflow" description="Statuses an issue moves through. Reorder within a category; each category has one default." testId="workflow">
      <ErrorText error={error} testId="workflow-error" />
      <div className="mt-2 flex flex-col gap-3">
        {STATE_CATEGORIES.map((c) => {
          const list = states.filter((s) => s.category === c);
          if (!list.length) return null;
          return (
            <div key={c}>
              <h3 className="mb-1 text-sm font-medium text-faint">{CATEGORY_NAMES[c]}</h3>
              <ul className="divide-y divide-line rounded-lg border border-line">
                {list.map((s) => (
                  <StateRow key={`${s.id}:${s.name}`} state={s} states={states} canManage={canManage} onError={setError} />
                ))}
              </ul>
            </div>
          );
        })}
      </div>
      {canManage && (
        <form className="mt-4 flex flex-wrap items-end gap-2" onSubmit={add}>
          <div className="min-w-[180px] flex-1">
            <Field label="New status">
              <input className={inputClass} value={name} maxLength={50} required onChange={(e) => setName(e.target.value)} placeholder="In Review" />
            </Field>
          </div>
          <Field label="Category">
            <select className={selectClass} value={category} onChange={(e) => setCategory(e.target.value as StateCategory)}>
              {STATE_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {CATEGORY_NAMES[c]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Colour">
            <input type="color" value={color} onChange={(e) => setColor(e.target.value)} className="h-8 w-12 rounded border border-line bg-transparent p-0.5" />
          </Field>
          <Button type="submit" className="h-8" disabled={busy || !name.trim()}>
            Add status
          </Button>
          <div className="basis-full">
            <ErrorText error={addError} />
          </div>
        </form>
      )}
    </Section>
  );
});
