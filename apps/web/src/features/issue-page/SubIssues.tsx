/**
 * Sub-issues under the description: progress, the list (state icon opens the status picker,
 * the title opens the sub-issue), and an inline "add sub-issue" field that stays open after each
 * Enter (Linear's behaviour); "More properties" opens the create modal with the parent set.
 */
import { Link } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useRef, useState } from 'react';
import type { Issue } from '../../api/types.ts';
import { paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { inputClass } from '../../ui/Button.tsx';
import { Avatar, PlusIcon, PriorityIcon, StateIcon } from '../../ui/icons.tsx';

const CATEGORY_RANK = { triage: 0, started: 1, unstarted: 2, backlog: 3, completed: 4, canceled: 5 } as const;

/** The sub-issues block. */
export const SubIssues = observer(function SubIssues({ issue }: { issue: Issue }) {
  const store = useStore();
  const [adding, setAdding] = useState(false);
  const [title, setTitle] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const ws = store.workspace?.urlSlug ?? '';
  const children = store.issues
    .all()
    .filter((i) => i.parentId === issue.id && !i.archivedAt)
    .sort((a, b) => {
      const ca = CATEGORY_RANK[store.states.get(a.stateId)?.category ?? 'backlog'];
      const cb = CATEGORY_RANK[store.states.get(b.stateId)?.category ?? 'backlog'];
      return ca - cb || a.number - b.number;
    });
  const done = children.filter((c) => {
    const cat = store.states.get(c.stateId)?.category;
    return cat === 'completed' || cat === 'canceled';
  }).length;

  // The field clears at once so the next title can be typed while this one is saved; a refusal
  // puts the title back (unless something new was typed) and says why.
  const add = () => {
    const t = title.trim();
    if (!t) return;
    setTitle('');
    input.current?.focus();
    store.issueActions.create({ teamId: issue.teamId, title: t, parentId: issue.id }).catch((err: unknown) => {
      setTitle((cur) => cur || t);
      store.ui.toast(err instanceof Error ? err.message : String(err), 'error');
    });
  };

  return (
    <section className="mt-8" aria-label="Sub-issues" data-testid="sub-issues">
      <div className="mb-1.5 flex items-center gap-2">
        <h2 className="text-sm font-medium text-muted">Sub-issues</h2>
        {children.length > 0 && (
          <span className="text-sm text-faint">
            {done}/{children.length} done
          </span>
        )}
        <span className="flex-1" />
        <button
          type="button"
          onClick={() => {
            setAdding(true);
            setTimeout(() => input.current?.focus(), 0);
          }}
          className="flex h-6 items-center gap-1 rounded-md px-1.5 text-sm text-muted hover:bg-hover hover:text-fg"
        >
          <PlusIcon size={12} /> Add sub-issue
        </button>
      </div>
      {children.length > 0 && (
        <ul className="overflow-hidden rounded-lg border border-line">
          {children.map((c) => {
            const s = store.states.get(c.stateId);
            const who = store.users.get(c.assigneeId);
            return (
              <li key={c.id} className="flex h-9 items-center gap-2.5 border-b border-line px-3 last:border-0 hover:bg-hover" data-testid="sub-issue-row">
                <button
                  type="button"
                  aria-label={`Change status of ${c.identifier}`}
                  onClick={() => store.ui.openPicker('state', [c.id])}
                  className="flex h-6 w-6 items-center justify-center rounded hover:bg-selected"
                >
                  {s && <StateIcon category={s.category} color={s.color} />}
                </button>
                <PriorityIcon priority={c.priority} />
                <span className="w-16 shrink-0 text-sm text-muted">{c.identifier}</span>
                <Link to={paths.issue(ws, c.identifier) as '/'} className="min-w-0 flex-1 truncate hover:underline">
                  {c.title}
                </Link>
                {who && <Avatar name={who.name || who.email} size={18} />}
              </li>
            );
          })}
        </ul>
      )}
      {adding && (
        <form
          className="mt-2 flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <input
            ref={input}
            className={inputClass}
            value={title}
            maxLength={255}
            aria-label="Sub-issue title"
            placeholder="Sub-issue title, then Enter (Esc to stop)"
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setAdding(false);
                setTitle('');
              }
            }}
          />
          <button
            type="button"
            className="h-8 shrink-0 rounded-md px-2 text-sm text-muted hover:bg-hover hover:text-fg"
            onClick={() => store.ui.openCreateIssue({ teamId: issue.teamId, parentId: issue.id })}
          >
            More properties…
          </button>
        </form>
      )}
      {!adding && children.length === 0 && <p className="text-sm text-faint">Break this issue down: add sub-issues to track its parts.</p>}
    </section>
  );
});
