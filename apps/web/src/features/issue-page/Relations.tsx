/**
 * Relations of an issue in the sidebar, grouped (blocked by, blocking, related, duplicate), each a
 * link with a remove button; "Add relation" picks the type, then the issue (the same pickers as
 * M then B / X / R / M). Resolved blockers (completed or canceled) are shown as such.
 */
import { Link } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import type { RelationType } from '../../api/details.ts';
import type { Issue } from '../../api/types.ts';
import { paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { PlusIcon, StateIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { Menu } from '../../ui/Menu.tsx';
import { RELATION_LABELS } from '../pickers/IssuePicker.tsx';

const ORDER: RelationType[] = ['blocked_by', 'blocks', 'related', 'duplicate', 'duplicated_by'];
const KEYS: Partial<Record<RelationType, string[]>> = { blocked_by: ['m', 'b'], blocks: ['m', 'x'], related: ['m', 'r'], duplicate: ['m', 'm'] };

/** The relations block. */
export const Relations = observer(function Relations({ issue }: { issue: Issue }) {
  const store = useStore();
  const views = store.details.relationsOf(issue.id);
  const ws = store.workspace?.urlSlug ?? '';
  const groups = ORDER.map((type) => [type, views.filter((v) => v.type === type)] as const).filter(([, list]) => list.length);

  return (
    <section className="mt-4 border-t border-line pt-3" aria-label="Relations" data-testid="relations">
      <div className="flex items-center justify-between px-2">
        <h2 className="text-sm font-medium text-faint">Relations</h2>
        <Menu
          label="Add relation"
          align="right"
          width="w-56"
          items={(['blocked_by', 'blocks', 'related', 'duplicate'] as const).map((type) => ({
            id: type,
            label: RELATION_LABELS[type],
            hint: KEYS[type] ? <Kbd keys={KEYS[type]!} /> : undefined,
            onSelect: () => store.ui.openPicker('relation', [issue.id], type),
          }))}
          trigger={(p) => (
            <button type="button" {...p} aria-label="Add relation" className="flex h-6 w-6 items-center justify-center rounded-md text-muted hover:bg-hover hover:text-fg">
              <PlusIcon size={12} />
            </button>
          )}
        />
      </div>
      {groups.length === 0 && <p className="px-2 py-1 text-sm text-faint">None yet: press M then B, X, R or M.</p>}
      {groups.map(([type, list]) => (
        <div key={type} className="mt-2">
          <div className={`px-2 text-sm ${type === 'blocked_by' ? 'text-[#d9822b]' : type === 'blocks' ? 'text-danger' : 'text-muted'}`}>{RELATION_LABELS[type]}</div>
          <ul>
            {list.map((v) => {
              const other = store.details.summary(v.otherId);
              const state = other ? store.states.get(other.stateId) : undefined;
              const resolved = state?.category === 'completed' || state?.category === 'canceled';
              return (
                <li key={v.id} className="group flex h-8 items-center gap-1 rounded-md px-2 hover:bg-hover" data-testid="relation-row">
                  {state && <StateIcon category={state.category} color={state.color} />}
                  {other ? (
                    <Link to={paths.issue(ws, other.identifier) as '/'} className={`min-w-0 flex-1 truncate ${resolved ? 'text-muted line-through' : ''}`} title={other.title}>
                      <span className="text-muted">{other.identifier}</span> {other.title}
                    </Link>
                  ) : (
                    <span className="min-w-0 flex-1 truncate text-muted">An issue you cannot see</span>
                  )}
                  <button
                    type="button"
                    aria-label={`Remove relation${other ? ` to ${other.identifier}` : ''}`}
                    onClick={() => void store.details.removeRelation(issue.id, v.id)}
                    className="flex h-6 w-6 shrink-0 items-center justify-center rounded text-faint opacity-0 group-hover:opacity-100 hover:text-fg focus-visible:opacity-100"
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
});
