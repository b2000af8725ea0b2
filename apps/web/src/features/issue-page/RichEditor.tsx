/**
 * The rich-text editor (TipTap) used for descriptions and comments: Markdown-style input rules
 * (`# ` headings, `- ` and `1. ` lists, `[ ] ` checklists, ``` code blocks, `> ` quotes), links,
 * @mentions of people, and `ENG-123` references shown as links (a decoration: the stored HTML keeps
 * plain text). Part of a lazy chunk, with TipTap. `injectCSS: false`: the CSP forbids inline
 * styles, so ProseMirror's base styles live in index.css.
 *
 * Keys inside: ⌘/Ctrl+Enter runs `onSubmit`, Escape runs `onCancel` (else leaves the field).
 */
import { Extension } from '@tiptap/core';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Placeholder } from '@tiptap/extensions';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { Node as PMNode } from '@tiptap/pm/model';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { observer } from 'mobx-react-lite';
import { useEffect, useRef } from 'react';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { findIssueRefs } from './issueRefs.ts';
import { type MentionPerson, mentionExtension } from './mentions.tsx';
import './rich-text.css';

/** What a parent can do with a mounted editor. */
export interface RichEditorHandle {
  /** Focuses the editor with the caret at the end, synchronously. */
  focus: () => void;
  clear: () => void;
  /** The current HTML, null when empty. */
  html: () => string | null;
  /** Replaces the content, keeping its spaces as they are (a trailing space typed last survives); no change event. */
  replace: (html: string | null) => void;
}

/** Props of {@link RichEditor}. */
export interface RichEditorProps {
  html: string | null;
  /** Accessible name of the editing area. */
  label: string;
  placeholder?: string;
  autofocus?: boolean;
  /** Smaller type and spacing (comments). */
  compact?: boolean;
  /** Called when the editor loses focus and the content changed since the last save. */
  onBlurChange?: (html: string | null) => void;
  /** Called on every change. */
  onChange?: (html: string | null) => void;
  /** ⌘/Ctrl+Enter. */
  onSubmit?: () => void;
  /** Escape (when no menu is open). */
  onCancel?: () => void;
  onReady?: (handle: RichEditorHandle) => void;
  testId?: string;
}

/** Normalizes an empty document to null. */
export function emptyToNull(html: string): string | null {
  return html === '<p></p>' || html.trim() === '' ? null : html;
}

const refsKey = new PluginKey<DecorationSet>('issueRefs');

/** Decorates `KEY-123` words (known team keys only, never in code) as links; a click opens the issue. */
function issueRefsExtension(keys: () => ReadonlySet<string>, open: (identifier: string) => void) {
  const build = (doc: PMNode) => {
    const decos: Decoration[] = [];
    const k = keys();
    doc.descendants((node, pos, parent) => {
      if (!node.isText || parent?.type.name === 'codeBlock' || node.marks.some((m) => m.type.name === 'code' || m.type.name === 'link')) return;
      for (const r of findIssueRefs(node.text ?? '', k)) {
        decos.push(Decoration.inline(pos + r.from, pos + r.to, { class: 'issue-ref', 'data-issue-ref': r.identifier, title: `Open ${r.identifier}` }));
      }
    });
    return DecorationSet.create(doc, decos);
  };
  return Extension.create({
    name: 'issueRefs',
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key: refsKey,
          state: { init: (_, state) => build(state.doc), apply: (tr, old) => (tr.docChanged ? build(tr.doc) : old) },
          props: {
            decorations: (state) => refsKey.getState(state),
            handleClick: (_view, _pos, event) => {
              const el = (event.target as HTMLElement | null)?.closest?.('[data-issue-ref]');
              if (!el || event.shiftKey || event.altKey) return false;
              open(el.getAttribute('data-issue-ref')!);
              return true;
            },
          },
        }),
      ];
    },
  });
}

/** The editor. */
export const RichEditor = observer(function RichEditor(props: RichEditorProps) {
  const store = useStore();
  const saved = useRef(props.html);
  const cb = useRef(props);
  cb.current = props;

  const editor = useEditor({
    extensions: [
      StarterKit.configure({ link: { openOnClick: false, autolink: true, defaultProtocol: 'https' }, heading: { levels: [1, 2, 3] } }),
      TaskList,
      TaskItem.configure({ nested: true }),
      Placeholder.configure({ placeholder: props.placeholder ?? '' }),
      mentionExtension(() =>
        store.users
          .all()
          .filter((u) => u.name || u.email)
          .map((u): MentionPerson => ({ id: u.id, label: u.name || u.email, email: u.email })),
      ),
      issueRefsExtension(
        () => new Set(store.teams.all().map((t) => t.key)),
        (identifier) => store.workspace && go(paths.issue(store.workspace.urlSlug, identifier)),
      ),
      // Before StarterKit's hard break, which also binds Mod-Enter.
      Extension.create({
        name: 'submitKey',
        priority: 1000,
        addKeyboardShortcuts() {
          return {
            'Mod-Enter': () => {
              if (!cb.current.onSubmit) return false;
              cb.current.onSubmit();
              return true;
            },
          };
        },
      }),
      // After the mention menu, which closes itself on Escape first.
      Extension.create({
        name: 'escapeKey',
        priority: 50,
        addKeyboardShortcuts() {
          return {
            // biome-ignore lint/correctness/noComponentHookFactories: `Escape` is the key name in TipTap's shortcut map (a plain handler returning a boolean), not a React component
            Escape: ({ editor: e }) => {
              if (cb.current.onCancel) cb.current.onCancel();
              else e.commands.blur();
              return true;
            },
          };
        },
      }),
    ],
    content: props.html ?? '',
    injectCSS: false,
    autofocus: props.autofocus ? 'end' : false,
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: {
        'aria-label': props.label,
        'aria-multiline': 'true',
        role: 'textbox',
        class: `ProseMirror ${props.compact ? 'min-h-[1.6em]' : 'min-h-[6em]'}`,
      },
    },
    onUpdate: ({ editor: e }) => cb.current.onChange?.(emptyToNull(e.getHTML())),
    onBlur: ({ editor: e }) => {
      const next = emptyToNull(e.getHTML());
      if (cb.current.onBlurChange && next !== emptyToNull(saved.current ?? '')) {
        saved.current = next;
        cb.current.onBlurChange(next);
      }
    },
  });

  // A change from elsewhere (sync, another tab, undo) replaces the content unless the user is editing.
  useEffect(() => {
    if (!editor || editor.isFocused || props.html === saved.current) return;
    saved.current = props.html;
    editor.commands.setContent(props.html ?? '', { emitUpdate: false });
  }, [editor, props.html]);

  // The handle is given once the view is mounted and initialised (commands throw before that).
  useEffect(() => {
    if (!editor) return;
    const ready = () =>
      cb.current.onReady?.({
        // At once, not in the next frame as Tiptap's `focus` command does: a key pressed right
        // after must land in the editor, at the end.
        focus: () => {
          editor.view.dispatch(editor.state.tr.setSelection(TextSelection.atEnd(editor.state.doc)));
          editor.view.focus();
        },
        clear: () => {
          saved.current = null;
          editor.commands.clearContent(false);
        },
        html: () => emptyToNull(editor.getHTML()),
        replace: (html) => {
          saved.current = html;
          editor.commands.setContent(html ?? '', { emitUpdate: false, parseOptions: { preserveWhitespace: true } });
        },
      });
    if (editor.isInitialized) ready();
    else editor.on('create', ready);
    return () => {
      editor.off('create', ready);
    };
  }, [editor]);

  return (
    <div className={`prose-issue ${props.compact ? 'prose-compact' : ''}`} data-testid={props.testId}>
      <EditorContent editor={editor} />
    </div>
  );
});

export default RichEditor;
