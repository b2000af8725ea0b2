/**
 * The searchable list behind every property picker (status, priority, assignee, labels, estimate,
 * parent, related issue): type to filter, arrows to move, Enter to choose. Single choice closes
 * the dialog; multiple choice (labels) toggles, clears the typed filter (so the next name can be
 * typed at once) and stays open until Escape. While the filter is empty, an option's digit
 * chooses it directly (priority 0–4, as in Linear).
 * `extra(query)` adds options computed from the typed text (e.g. "Set estimate to 7").
 */
import { Command } from 'cmdk';
import { type ReactNode, useState } from 'react';
import { Modal } from '../../ui/Modal.tsx';

/** One choice. Labels must be unique within a list (they are the filter's values). */
export interface ListOption {
  id: string;
  label: string;
  icon?: ReactNode;
  keywords?: string[];
  /** A single digit that picks this option while the filter is empty. */
  shortcut?: string;
  /** Shown dimmed after the label. */
  detail?: string;
  /** An action rather than a choice ("Create label …"): no checkbox in a multiple-choice list. */
  action?: boolean;
}

/** Props of {@link ListDialog}. */
export interface ListDialogProps {
  title: string;
  placeholder: string;
  options: ListOption[];
  /** Chosen ids (one for single choice). */
  selected?: readonly string[];
  /** Multiple choice: ids chosen for some but not all of the items edited (a dash in the box). */
  partial?: readonly string[];
  multiple?: boolean;
  onSelect: (id: string) => void;
  onClose: () => void;
  /** Above the input, e.g. the identifier of the issue being changed. */
  context?: ReactNode;
  /** Options derived from the typed text, listed first (last with `extraLast`). */
  extra?: (query: string) => ListOption[];
  /** List `extra` after the options (e.g. "Create label …" below the labels that match). */
  extraLast?: boolean;
  /** Rendered under the list (e.g. a date field). */
  footer?: ReactNode;
  testId?: string;
  emptyText?: string;
}

function Check({ on, mixed = false }: { on: boolean; mixed?: boolean }) {
  return (
    <span
      aria-hidden
      className={`inline-flex h-3.5 w-3.5 shrink-0 items-center justify-center rounded-[4px] border ${on || mixed ? 'border-accent bg-accent text-white' : 'border-line-strong'}`}
    >
      {on ? (
        <svg width="9" height="9" viewBox="0 0 12 12" aria-hidden>
          <path d="M2.5 6.3 5 8.7l4.5-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      ) : (
        mixed && (
          <svg width="9" height="9" viewBox="0 0 12 12" aria-hidden>
            <path d="M3 6h6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
        )
      )}
    </span>
  );
}

/** The dialog. */
export function ListDialog(props: ListDialogProps) {
  const { title, options, selected = [], partial = [], multiple = false, onSelect, onClose } = props;
  const [query, setQuery] = useState('');
  const extra = props.extra?.(query) ?? [];
  const choose = (id: string) => {
    if (!multiple) onClose();
    // The next label is typed from scratch (cmdk then makes the first option active).
    else setQuery('');
    onSelect(id);
  };
  const first = options.find((o) => selected.includes(o.id));
  return (
    <Modal label={title} onClose={onClose} width="w-[440px]" testId={props.testId ?? 'picker'}>
      <Command label={title} loop defaultValue={first?.label} shouldFilter>
        <div className="flex items-center justify-between gap-2 px-4 pt-3 text-sm text-muted">
          <span className="truncate">{props.context ?? title}</span>
          {multiple && <span className="shrink-0 text-faint">Enter to toggle · Esc when done</span>}
        </div>
        <Command.Input
          autoFocus
          value={query}
          onValueChange={setQuery}
          placeholder={props.placeholder}
          aria-label={props.placeholder}
          onKeyDown={(e) => {
            if (query === '' && /^[0-9]$/.test(e.key)) {
              const hit = options.find((o) => o.shortcut === e.key);
              if (hit) {
                e.preventDefault();
                choose(hit.id);
              }
            }
          }}
          className="h-11 w-full border-b border-line bg-transparent px-4 text-base outline-none placeholder:text-faint"
        />
        <Command.List className="max-h-[320px] overflow-y-auto p-1.5">
          <Command.Empty className="px-3 py-4 text-center text-muted">{props.emptyText ?? 'No match'}</Command.Empty>
          {(props.extraLast ? [...options, ...extra] : [...extra, ...options]).map((o) => {
            const on = selected.includes(o.id);
            const mixed = !on && partial.includes(o.id);
            return (
              <Command.Item
                key={o.id}
                value={o.label}
                keywords={o.keywords}
                onSelect={() => choose(o.id)}
                className="flex h-9 items-center gap-2.5 rounded-md px-3"
                data-option-id={o.id}
                aria-checked={multiple && !o.action ? (on ? true : mixed ? 'mixed' : false) : undefined}
              >
                {multiple && !o.action && <Check on={on} mixed={mixed} />}
                {o.icon}
                <span className="min-w-0 flex-1 truncate">
                  {o.label}
                  {o.detail && <span className="ml-2 text-faint">{o.detail}</span>}
                </span>
                {!multiple && on && (
                  <svg width="12" height="12" viewBox="0 0 12 12" aria-label="current" className="text-accent">
                    <path d="M2.5 6.3 5 8.7l4.5-5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
                  </svg>
                )}
                {o.shortcut && <span className="w-3 text-center text-sm text-faint">{o.shortcut}</span>}
              </Command.Item>
            );
          })}
        </Command.List>
        {props.footer}
      </Command>
    </Modal>
  );
}
