/**
 * A searchable option picker in a small dialog (the menu S, P and A open, and the create modal's
 * property pills): type to filter, arrows to move, Enter to choose; an option's digit shortcut
 * chooses it directly while the filter is empty (priority 0–4, as in Linear).
 */
import { Command } from 'cmdk';
import { type ReactNode, useState } from 'react';
import { Modal } from './Modal.tsx';

/** One choice. */
export interface PickerOption {
  id: string;
  label: string;
  icon?: ReactNode;
  keywords?: string[];
  /** A single digit that picks this option while the filter is empty. */
  shortcut?: string;
}

/** Props of {@link PickerDialog}. */
export interface PickerDialogProps {
  title: string;
  placeholder: string;
  options: PickerOption[];
  current?: string | null;
  onSelect: (id: string) => void;
  onClose: () => void;
  /** Shown above the input, e.g. the issue identifier being changed. */
  context?: ReactNode;
}

/** The picker dialog. */
export function PickerDialog({ title, placeholder, options, current, onSelect, onClose, context }: PickerDialogProps) {
  const [query, setQuery] = useState('');
  const choose = (id: string) => {
    onClose();
    onSelect(id);
  };
  return (
    <Modal label={title} onClose={onClose} width="w-[440px]" testId="picker">
      <Command label={title} loop defaultValue={options.find((o) => o.id === current)?.label}>
        {context && <div className="px-4 pt-3 text-sm text-muted">{context}</div>}
        <Command.Input
          autoFocus
          value={query}
          onValueChange={setQuery}
          placeholder={placeholder}
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
          <Command.Empty className="px-3 py-4 text-center text-muted">No match</Command.Empty>
          {options.map((o) => (
            <Command.Item
              key={o.id}
              value={o.label}
              keywords={o.keywords}
              onSelect={() => choose(o.id)}
              className="flex h-9 items-center gap-2.5 rounded-md px-3"
            >
              {o.icon}
              <span className="flex-1 truncate">{o.label}</span>
              {o.id === current && (
                <svg width="12" height="12" viewBox="0 0 12 12" aria-label="current" className="text-accent">
                  <path d="M2.5 6.3 5 8.7l4.5-5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              )}
              {o.shortcut && <span className="w-3 text-center text-sm text-faint">{o.shortcut}</span>}
            </Command.Item>
          ))}
        </Command.List>
      </Command>
    </Modal>
  );
}
