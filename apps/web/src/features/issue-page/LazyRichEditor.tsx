/**
 * The rich-text editor behind a lazy import, with a stand-in that never loses a keystroke.
 *
 * The editor (Tiptap/ProseMirror) is a large chunk; on a slow machine it can take a second or more
 * after a modal opens. Until it is ready, an empty editor is stood in for by a plain `<textarea>`
 * with the same accessible name; ⌘/Ctrl+Enter and Escape do there what they do in the editor.
 * The editor mounts hidden beside it, and once its view is ready the swap happens in one task: the
 * stand-in's text becomes paragraphs (HTML-escaped) in the editor, the editor is shown, the stand-in
 * removed and, if it had the focus, the editor takes it at the end. No key can fall between the two.
 * Content that is already rich (a restored draft, a comment being edited) is shown read-only until
 * the editor is ready.
 */
import { lazy, Suspense, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
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
  const [ready, setReady] = useState(false);
  const standIn = useRef<HTMLTextAreaElement>(null);
  // Whether the content is what the stand-in can show (nothing yet, or what was typed there).
  const [plain] = useState(() => props.html === null);

  // The swap runs in a task of its own (onReady may be called from inside a React effect, where
  // flushSync cannot render); until then keys still land in the stand-in, which is read at the swap.
  const onReady = (handle: RichEditorHandle) => {
    window.setTimeout(() => swap(handle), 0);
  };
  const swap = (handle: RichEditorHandle) => {
    const field = standIn.current;
    const hadFocus = !!field && document.activeElement === field;
    if (field) {
      const html = plainTextToHtml(field.value);
      if (html !== props.html) props.onChange?.(html);
      handle.replace(html);
    }
    flushSync(() => setReady(true));
    if (hadFocus || (props.autofocus && !field)) handle.focus();
    props.onReady?.(handle);
  };

  return (
    <>
      {!ready &&
        (plain ? (
          <textarea
            ref={standIn}
            aria-label={props.label}
            placeholder={props.placeholder}
            autoFocus={props.autofocus}
            data-testid="editor-fallback"
            onChange={(e) => props.onChange?.(plainTextToHtml(e.target.value))}
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
        ))}
      <div hidden={!ready}>
        <Suspense fallback={null}>
          <RichEditor {...props} autofocus={ready ? props.autofocus : false} onReady={onReady} />
        </Suspense>
      </div>
    </>
  );
}
