/**
 * Labels of one scope — the workspace's (shared by every team) or a team's: create (optionally
 * inside a group), rename, recolour, delete. Groups hold labels and are not applied themselves.
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import type { Label } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import * as api from './api.ts';
import { Empty, ErrorText, Field, selectClass, useAction } from './kit.tsx';

const PALETTE = ['#eb5757', '#f2994a', '#f2c94c', '#4cb782', '#26b5ce', '#5e6ad2', '#9b51e0', '#95a2b3'];

const LabelRow = observer(function LabelRow({ label, canManage, onError }: { label: Label; canManage: boolean; onError: (m: string | null) => void }) {
  const store = useStore();
  const [name, setName] = useState(label.name);
  const guard = async (fn: () => Promise<void>) => {
    onError(null);
    try {
      await fn();
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  const patch = (body: { name?: string; color?: string }) => void guard(async () => void store.labels.upsert(await api.updateLabel(label.id, body)));
  const children = store.labels.all().filter((l) => l.parentId === label.id && !l.archivedAt).length;
  return (
    <li className="flex items-center gap-2 px-3 py-2" data-testid="label-row" data-label={label.name}>
      <input
        type="color"
        aria-label={`Colour of ${label.name}`}
        value={label.color}
        disabled={!canManage}
        onChange={(e) => patch({ color: e.target.value })}
        className="h-6 w-6 shrink-0 cursor-pointer rounded border border-line bg-transparent p-0 disabled:cursor-default"
      />
      <input
        className={`${inputClass.replace("h-8 w-full", "h-7 w-full")} flex-1`}
        aria-label={`Name of ${label.name}`}
        value={name}
        maxLength={80}
        disabled={!canManage}
        onChange={(e) => setName(e.target.value)}
        onBlur={() => name.trim() && name.trim() !== label.name && patch({ name: name.trim() })}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          e.currentTarget.blur();
        }}
      />
      {label.isGroup && <span className="text-sm text-muted">Group · {children} labels</span>}
      {canManage && (
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Delete ${label.name}`}
          onClick={() => {
            if (!window.confirm(`Delete the label “${label.name}”? It is removed from every issue.`)) return;
            void guard(async () => {
              await api.deleteLabel(label.id);
              store.labels.remove(label.id);
            });
          }}
        >
          ×
        </Button>
      )}
    </li>
  );
});

/** The labels of `teamId` (null: the workspace's), with a form adding one. */
export const LabelList = observer(function LabelList({ teamId, canManage }: { teamId: string | null; canManage: boolean }) {
  const store = useStore();
  const labels = store.labels
    .all()
    .filter((l) => l.teamId === teamId && !l.archivedAt)
    .sort((a, b) => a.name.localeCompare(b.name));
  const groups = labels.filter((l) => l.isGroup);
  const top = labels.filter((l) => !l.parentId);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [color, setColor] = useState(PALETTE[labels.length % PALETTE.length]!);
  const [parentId, setParentId] = useState('');
  const [isGroup, setIsGroup] = useState(false);
  const [run, busy, addError] = useAction();
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      store.labels.upsert(await api.createLabel({ name: name.trim(), color, teamId, parentId: parentId || null, isGroup }));
      setName('');
      setColor(PALETTE[(labels.length + 1) % PALETTE.length]!);
    });
  };
  return (
    <div>
      <ErrorText error={error} />
      {labels.length === 0 ? (
        <Empty>No labels yet. Labels like “Bug” or “Frontend” make issues easy to filter.</Empty>
      ) : (
        <ul className="divide-y divide-line rounded-lg border border-line">
          {top.map((l) => (
            <li key={l.id} className="list-none">
              <ul>
                <LabelRow key={`${l.id}:${l.name}`} label={l} canManage={canManage} onError={setError} />
                {l.isGroup && (
                  <li className="list-none border-t border-line pl-6">
                    <ul className="divide-y divide-line">
                      {labels
                        .filter((c) => c.parentId === l.id)
                        .map((c) => (
                          <LabelRow key={`${c.id}:${c.name}`} label={c} canManage={canManage} onError={setError} />
                        ))}
                    </ul>
                  </li>
                )}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form className="mt-4 flex flex-wrap items-end gap-2" onSubmit={add} aria-label={teamId ? 'New team label' : 'New workspace label'}>
          <div className="min-w-[180px] flex-1">
            <Field label="New label">
              <input className={inputClass} value={name} maxLength={80} required onChange={(e) => setName(e.target.value)} placeholder="Bug" />
            </Field>
          </div>
          <Field label="Colour">
            <input type="color" value={color} onChange={(e) => setColor(e.target.value)} className="h-8 w-12 rounded border border-line bg-transparent p-0.5" />
          </Field>
          {groups.length > 0 && !isGroup && (
            <Field label="In group">
              <select className={selectClass} value={parentId} onChange={(e) => setParentId(e.target.value)}>
                <option value="">None</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <label className="flex h-8 items-center gap-1.5 text-sm text-muted">
            <input type="checkbox" className="accent-accent" checked={isGroup} onChange={(e) => setIsGroup(e.target.checked)} />
            Group
          </label>
          <Button type="submit" className="h-8" disabled={busy || !name.trim()}>
            Add label
          </Button>
          <div className="basis-full">
            <ErrorText error={addError} />
          </div>
        </form>
      )}
    </div>
  );
});
