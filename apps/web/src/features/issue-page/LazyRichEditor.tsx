/**
 * The rich-text editor behind a lazy import, with a stand-in that never loses a keystroke.
 *
 * The editor (Tiptap/ProseMirror) is a large chunk; on a slow machine it can take a second or more
 * after a modal opens. Until it arrives, an empty editor is stood in for by a plain `<textarea>`
 * with the same accessible name: what is typed there becomes paragraphs (HTML-escaped) in the
 * editor's content, and the focus moves to the editor's end when it mounts. ⌘/Ctrl+Enter and
 * Escape do in the stand-in what they do in the editor. Content that is already rich (a restored
 * draft, a comment being edited) is shown read-only until the editor is ready.
 */
import { lazy, Suspense, useRef } from 'react';
import type { RichEditorHandle, RichEditorProps } from './RichEditor.tsx';
import { RichText } from './RichText.tsx';

const loadRichEditor = () => import('./RichEditor.tsx');
const RichEditor = lazy(loadRichEditor);

/** Starts loading the editor's chunk (idempotent; the module loader caches it). */
export function preloadRichEditor(): void {
  void loadRichEditor().catch(() => {
    // A failed preload is retried by the lazy component when it renders.
  });
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Plain text to editor HTML: one `<p>` per line, every character escaped, so typed markup stays
 * text. Returns null for blank text (the editor's "empty").
 */
export function plainTextToHtml(text: string): string | null {
  if (!text.trim()) return null;
  return text
    .split(/\r?\n/)
    .map((line) => `<p>${line.replace(/[&<>"']/g, (c) => ESCAPES[c]!)}</p>`)
    .join('');
}

/** Props of {@link LazyRichEditor}: the editor's, plus the classes of the stand-in. */
export interface LazyRichEditorProps extends RichEditorProps {
  /** Classes of the stand-in (match the editor's height and type). */
  fallbackClassName?: string;
}

/** The lazily loaded {@link RichEditor} with a keystroke-keeping stand-in. */
export function LazyRichEditor({ fallbackClassName = 'min-h-[6em]', ...props }: LazyRichEditorProps) {
  // The text typed in the stand-in (so its own HTML is recognised as "plain", not "rich").
  const typed = useRef('');
  const focused = useRef(false);
  const plain = props.html === null || props.html === plainTextToHtml(typed.current);

  const fallback = plain ? (
    <textarea
      aria-label={props.label}
      placeholder={props.placeholder}
      // biome-ignore lint/a11y/noAutofocus: same as the editor it stands in for
      autoFocus={props.autofocus}
      defaultValue={typed.current}
      data-testid="editor-fallback"
      onFocus={() => (focused.current = true)}
      onBlur={(e) => {
        // Leaving the field, not being replaced by the editor (removal may also blur).
        if (e.currentTarget.isConnected) focused.current = false;
      }}
      onChange={(e) => {
        typed.current = e.target.value;
        props.onChange?.(plainTextToHtml(e.target.value));
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && !e.shiftKey && props.onSubmit) {
          e.preventDefault();
          props.onSubmit();
        } else if (e.key === 'Escape' && props.onCancel) {
          e.preventDefault();
          props.onCancel();
        }
      }}
      className={`prose-issue block w-full resize-none bg-transparent outline-none placeholder:text-faint ${fallbackClassName}`}
    />
  ) : (
    <RichText html={props.html ?? ''} className={fallbackClassName} />
  );

  return (
    <Suspense fallback={fallback}>
      <RichEditor
        {...props}
        onReady={(handle: RichEditorHandle) => {
          if (focused.current) {
            focused.current = false;
            handle.focus();
          }
          props.onReady?.(handle);
        }}
      />
    </Suspense>
  );
}
