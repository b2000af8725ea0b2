/**
 * The contents of the filter popovers: the field list (type to find a field), a field's value
 * list with check marks (several values make "is any of"), and the due-date presets with a
 * custom before/after date.
 */
import type { FilterCondition } from '@exponential/domain';
import { Command } from 'cmdk';
import { useState } from 'react';
import { useStore } from '../../store/context.tsx';
import { inputClass } from '../../ui/Button.tsx';
import { DUE_PRESETS, type FieldDef, fieldDefs } from './fields.tsx';

const itemClass = 'flex h-8 items-center gap-2.5 rounded-md px-2.5 text-base';

/** Step one: choose a field (or add a nested group). */
export function FieldList({ teamId, onField, onGroup }: { teamId?: string; onField: (d: FieldDef) => void; onGroup?: () => void }) {
  return (
    <Command label="Filter by" loop>
      <Command.Input autoFocus placeholder="Filter by…" className="h-10 w-full border-b border-line bg-transparent px-3 text-base outline-none placeholder:text-faint" />
      <Command.List className="max-h-[320px] overflow-y-auto p-1">
        <Command.Empty className="px-3 py-3 text-center text-muted">No such field</Command.Empty>
        {fieldDefs(teamId).map((d) => (
          <Command.Item key={d.field} value={d.name} onSelect={() => onField(d)} className={itemClass}>
            <span className="flex w-4 justify-center text-muted">{d.icon}</span>
            {d.name}
          </Command.Item>
        ))}
        {onGroup && (
          <Command.Item value="Add group (any of / all of)" onSelect={onGroup} className={`${itemClass} border-t border-line text-muted`}>
            <span className="flex w-4 justify-center">( )</span>
            Add a nested group
          </Command.Item>
        )}
      </Command.List>
    </Command>
  );
}

/** Step two: a field's values, each toggled on or off. */
export function ValueList({ def, teamId, selected, onToggle }: { def: FieldDef; teamId?: string; selected: ReadonlySet<string>; onToggle: (id: string) => void }) {
  const store = useStore();
  const options = def.options(store, teamId);
  return (
    <Command label={def.name} loop>
      <Command.Input autoFocus placeholder={`${def.name}…`} className="h-10 w-full border-b border-line bg-transparent px-3 text-base outline-none placeholder:text-faint" />
      <Command.List className="max-h-[320px] overflow-y-auto p-1">
        <Command.Empty className="px-3 py-3 text-center text-muted">No match</Command.Empty>
        {options.map((o) => (
          <Command.Item key={o.id} value={`${o.label} ${o.id}`} keywords={o.keywords} onSelect={() => onToggle(o.id)} className={itemClass} data-testid="filter-value">
            <span
              aria-hidden
              className={`flex h-3.5 w-3.5 shrink-0 items-center justify-center rounded-[3px] border ${selected.has(o.id) ? 'border-accent bg-accent text-white' : 'border-line-strong'}`}
            >
              {selected.has(o.id) && (
                <svg width="9" height="9" viewBox="0 0 12 12" aria-hidden>
                  <path d="M2.5 6.3 5 8.7l4.5-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              )}
            </span>
            {o.icon}
            <span className="flex-1 truncate">{o.label}</span>
            <span className="sr-only">{selected.has(o.id) ? '(selected)' : ''}</span>
          </Command.Item>
        ))}
      </Command.List>
    </Command>
  );
}

/** Due-date presets and a custom date. */
export function DueMenu({ onPick }: { onPick: (c: FilterCondition) => void }) {
  const [op, setOp] = useState<'before' | 'after'>('before');
  const [date, setDate] = useState('');
  return (
    <div className="p-1">
      {DUE_PRESETS.map((p) => (
        <button key={p.id} type="button" className={`${itemClass} w-full text-left hover:bg-hover`} onClick={() => onPick(p.condition())}>
          {p.label}
        </button>
      ))}
      <form
        className="mt-1 flex items-center gap-1.5 border-t border-line px-1.5 pt-2 pb-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (/^\d{4}-\d{2}-\d{2}$/.test(date)) onPick({ field: 'dueDate', op, value: date });
        }}
      >
        <select aria-label="Before or after" value={op} onChange={(e) => setOp(e.target.value as 'before' | 'after')} className="h-8 rounded-md border border-line bg-bg px-1.5 text-base">
          <option value="before">Before</option>
          <option value="after">After</option>
        </select>
        <input aria-label="Date" type="date" value={date} onChange={(e) => setDate(e.target.value)} className={`${inputClass} flex-1`} />
        <button type="submit" className="h-8 rounded-md bg-accent px-2.5 text-sm font-medium text-white disabled:opacity-50" disabled={!date}>
          Apply
        </button>
      </form>
    </div>
  );
}
