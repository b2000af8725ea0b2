/**
 * The @-mention menu of the rich-text editor: TipTap's Mention node with a suggestion list of the
 * workspace's people, drawn by React in a small popup under the caret. Part of the lazy editor
 * chunk. Mentions are stored as `<span data-type="mention" data-id data-label>` (kept by the
 * server's sanitizer).
 */
import Mention from '@tiptap/extension-mention';
import { ReactRenderer } from '@tiptap/react';
import type { SuggestionKeyDownProps, SuggestionProps } from '@tiptap/suggestion';
import { type Ref, useImperativeHandle, useState } from 'react';
import { Avatar } from '../../ui/icons.tsx';

/** A person the menu offers. */
export interface MentionPerson {
  id: string;
  label: string;
  email: string;
}

/** People whose name or e-mail contains `query` (case-insensitive), names starting with it first, at most 8. */
export function matchPeople(people: readonly MentionPerson[], query: string): MentionPerson[] {
  const q = query.trim().toLowerCase();
  const hits = people.filter((p) => !q || p.label.toLowerCase().includes(q) || p.email.toLowerCase().includes(q));
  const starts = (p: MentionPerson) => (p.label.toLowerCase().startsWith(q) ? 0 : 1);
  return hits.sort((a, b) => starts(a) - starts(b) || a.label.localeCompare(b.label)).slice(0, 8);
}

interface ListHandle {
  onKeyDown: (e: KeyboardEvent) => boolean;
}

function MentionList({ items, command, ref }: SuggestionProps<MentionPerson> & { ref?: Ref<ListHandle> }) {
  const [active, setActive] = useState(0);
  // New suggestions start at the first one (state adjusted during render, as React recommends over an effect).
  const [shownItems, setShownItems] = useState(items);
  if (shownItems !== items) {
    setShownItems(items);
    setActive(0);
  }
  const pick = (i: number) => {
    const p = items[i];
    if (p) command({ id: p.id, label: p.label } as never);
  };
  useImperativeHandle(ref, () => ({
    onKeyDown: (e) => {
      if (e.key === 'ArrowDown' || (e.key === 'n' && e.ctrlKey)) {
        setActive((a) => (items.length ? (a + 1) % items.length : 0));
        return true;
      }
      if (e.key === 'ArrowUp' || (e.key === 'p' && e.ctrlKey)) {
        setActive((a) => (items.length ? (a - 1 + items.length) % items.length : 0));
        return true;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        if (!items.length) return false;
        pick(active);
        return true;
      }
      return false;
    },
  }));
  return (
    <div role="listbox" aria-label="Mention someone" className="w-64 rounded-lg border border-line bg-elevated p-1 shadow-overlay" data-testid="mention-menu">
      {items.length === 0 ? (
        <div className="px-2 py-1.5 text-sm text-muted">No one matches</div>
      ) : (
        items.map((p, i) => (
          <button
            key={p.id}
            type="button"
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(i);
            }}
            onMouseEnter={() => setActive(i)}
            className={`flex h-8 w-full items-center gap-2 rounded-md px-2 text-left ${i === active ? 'bg-hover' : ''}`}
          >
            <Avatar name={p.label} size={18} />
            <span className="min-w-0 flex-1 truncate">{p.label}</span>
          </button>
        ))
      )}
    </div>
  );
}

/** Places the popup under the caret (CSSOM writes: allowed by the CSP, unlike style attributes). */
function place(el: HTMLElement, rect: DOMRect | null | undefined) {
  if (!rect) return;
  const top = Math.min(rect.bottom + 6, window.innerHeight - 16 - el.offsetHeight);
  el.style.top = `${Math.max(8, top)}px`;
  el.style.left = `${Math.max(8, Math.min(rect.left, window.innerWidth - 272))}px`;
}

/** The Mention extension offering `people()` (read when the menu opens, so it stays current). */
export function mentionExtension(people: () => MentionPerson[]) {
  return Mention.configure({
    HTMLAttributes: { class: 'mention' },
    renderText: ({ node }) => `@${node.attrs.label ?? node.attrs.id}`,
    suggestion: {
      char: '@',
      items: ({ query }) => matchPeople(people(), query),
      render: () => {
        let renderer: ReactRenderer<ListHandle, SuggestionProps<MentionPerson>> | null = null;
        let host: HTMLDivElement | null = null;
        return {
          onStart: (props: SuggestionProps<MentionPerson>) => {
            renderer = new ReactRenderer(MentionList, { props, editor: props.editor });
            host = document.createElement('div');
            host.className = 'fixed z-[70]';
            host.append(renderer.element);
            document.body.append(host);
            requestAnimationFrame(() => host && place(host, props.clientRect?.()));
          },
          onUpdate: (props: SuggestionProps<MentionPerson>) => {
            renderer?.updateProps(props);
            if (host) place(host, props.clientRect?.());
          },
          // Escape is the plugin's own (it ends the suggestion, which calls onExit).
          onKeyDown: (props: SuggestionKeyDownProps) => (props.event.key === 'Escape' ? false : (renderer?.ref?.onKeyDown(props.event) ?? false)),
          onExit: () => {
            host?.remove();
            renderer?.destroy();
            host = null;
            renderer = null;
          },
        };
      },
    },
  });
}
