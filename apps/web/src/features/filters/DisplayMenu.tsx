/**
 * Display options (Linear's "Display" menu, linear-ux.md §3): list or board, grouping and
 * sub-grouping, ordering, completed and sub-issue toggles, and which properties rows show.
 * Every change goes to the URL.
 */
import { VIEW_PROPERTIES, type ViewDisplay } from '@exponential/domain';
import type { Grouping, Ordering } from '../../store/filters.ts';
import { Popover } from './Popover.tsx';

const GROUPINGS: Array<[Grouping, string]> = [
  ['state', 'Status'],
  ['assignee', 'Assignee'],
  ['priority', 'Priority'],
  ['label', 'Label'],
  ['team', 'Team'],
  ['none', 'No grouping'],
];
const ORDERINGS: Array<[Ordering, string]> = [
  ['manual', 'Manual'],
  ['priority', 'Priority'],
  ['createdAt', 'Created'],
  ['updatedAt', 'Updated'],
  ['dueDate', 'Due date'],
];
const PROPERTY_NAMES: Record<(typeof VIEW_PROPERTIES)[number], string> = {
  identifier: 'ID',
  priority: 'Priority',
  state: 'Status',
  assignee: 'Assignee',
  labels: 'Labels',
  dueDate: 'Due date',
  estimate: 'Estimate',
  createdAt: 'Created',
  updatedAt: 'Updated',
};

const selectClass = 'h-7 w-[150px] rounded-md border border-line bg-bg px-1.5 text-sm';

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex h-9 items-center justify-between gap-3 px-3 text-sm text-muted">
      <span aria-hidden>{label}</span>
      {children}
    </div>
  );
}

/** Props of {@link DisplayMenu}. */
export interface DisplayMenuProps {
  display: ViewDisplay;
  onChange: (next: ViewDisplay) => void;
  open: boolean;
  setOpen: (o: boolean) => void;
  /** Offer team grouping (cross-team screens only). */
  teamGrouping: boolean;
}

/** The Display button and its panel. */
export function DisplayMenu({ display, onChange, open, setOpen, teamGrouping }: DisplayMenuProps) {
  const set = <K extends keyof ViewDisplay>(k: K, v: ViewDisplay[K]) => onChange({ ...display, [k]: v });
  const groupings = GROUPINGS.filter(([g]) => teamGrouping || g !== 'team');
  return (
    <Popover
      open={open}
      onClose={() => setOpen(false)}
      align="right"
      label="Display options"
      testId="display-menu"
      className="w-80"
      trigger={
        <button
          type="button"
          aria-haspopup="dialog"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          title="Display options"
          data-testid="display-button"
          className="inline-flex h-7 shrink-0 items-center gap-1.5 rounded-md border border-line px-2 text-sm text-muted shadow-xs hover:bg-hover hover:text-fg"
        >
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden>
            <path d="M2 4h10M2 10h10" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
            <circle cx="5" cy="4" r="1.6" fill="var(--bg)" stroke="currentColor" strokeWidth="1.3" />
            <circle cx="9" cy="10" r="1.6" fill="var(--bg)" stroke="currentColor" strokeWidth="1.3" />
          </svg>
          <span className="hidden sm:inline">Display</span>
        </button>
      }
    >
      <fieldset className="flex gap-1 p-2">
        <legend className="sr-only">Layout</legend>
        {(['list', 'board'] as const).map((l) => (
          <button
            key={l}
            type="button"
            aria-pressed={display.layout === l}
            onClick={() => set('layout', l)}
            className={`flex h-14 flex-1 flex-col items-center justify-center gap-1 rounded-md border text-sm ${display.layout === l ? 'border-line-strong bg-selected font-medium text-fg' : 'border-line text-muted hover:bg-hover'}`}
          >
            <LayoutGlyph layout={l} />
            {l === 'list' ? 'List' : 'Board'}
          </button>
        ))}
      </fieldset>
      <div className="border-t border-line py-1">
        <Row label={display.layout === 'board' ? 'Columns' : 'Grouping'}>
          <select aria-label="Grouping" className={selectClass} value={display.groupBy} onChange={(e) => set('groupBy', e.target.value as Grouping)}>
            {groupings.map(([g, n]) => (
              <option key={g} value={g}>
                {n}
              </option>
            ))}
          </select>
        </Row>
        <Row label={display.layout === 'board' ? 'Rows' : 'Sub-grouping'}>
          <select aria-label="Sub-grouping" className={selectClass} value={display.subGroupBy} onChange={(e) => set('subGroupBy', e.target.value as Grouping)}>
            {groupings
              .filter(([g]) => g === 'none' || g !== display.groupBy)
              .map(([g, n]) => (
                <option key={g} value={g}>
                  {n}
                </option>
              ))}
          </select>
        </Row>
        <Row label="Ordering">
          <select aria-label="Ordering" className={selectClass} value={display.orderBy} onChange={(e) => set('orderBy', e.target.value as Ordering)}>
            {ORDERINGS.map(([o, n]) => (
              <option key={o} value={o}>
                {n}
              </option>
            ))}
          </select>
        </Row>
      </div>
      <div className="border-t border-line py-1">
        <Row label="Show completed issues">
          <input type="checkbox" aria-label="Show completed issues" className="h-3.5 w-3.5 accent-[var(--accent)]" checked={display.showCompleted} onChange={(e) => set('showCompleted', e.target.checked)} />
        </Row>
        <Row label="Show sub-issues">
          <input type="checkbox" aria-label="Show sub-issues" className="h-3.5 w-3.5 accent-[var(--accent)]" checked={display.showSubIssues} onChange={(e) => set('showSubIssues', e.target.checked)} />
        </Row>
      </div>
      <fieldset className="border-t border-line p-3">
        <legend className="float-left mb-2 w-full text-sm text-muted">Display properties</legend>
        <div className="clear-both flex flex-wrap gap-1.5">
          {VIEW_PROPERTIES.map((p) => {
            const on = display.properties.includes(p);
            return (
              <button
                key={p}
                type="button"
                aria-pressed={on}
                onClick={() => set('properties', on ? display.properties.filter((x) => x !== p) : VIEW_PROPERTIES.filter((x) => x === p || display.properties.includes(x)))}
                className={`h-6 rounded-md border px-2 text-sm ${on ? 'border-line-strong bg-selected text-fg' : 'border-line text-faint hover:text-muted'}`}
              >
                {PROPERTY_NAMES[p]}
              </button>
            );
          })}
        </div>
      </fieldset>
    </Popover>
  );
}

function LayoutGlyph({ layout }: { layout: 'list' | 'board' }) {
  return layout === 'list' ? (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
      <path d="M3 4h10M3 8h10M3 12h10" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  ) : (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
      <rect x="2.5" y="2.5" width="4" height="11" rx="1" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <rect x="9.5" y="2.5" width="4" height="7" rx="1" fill="none" stroke="currentColor" strokeWidth="1.3" />
    </svg>
  );
}
