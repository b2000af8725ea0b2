/**
 * The comment composer (new comments and replies): the lazy rich-text editor with @mentions,
 * ⌘/Ctrl+Enter to post, Escape to leave. An unsent comment is kept as a draft in localStorage per
 * issue (and thread) and comes back on the next visit, as Linear keeps unsent comments.
 */
import { useRef, useState } from 'react';
import { useStore } from '../../store/context.tsx';
import { Button } from '../../ui/Button.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { LazyRichEditor } from '../issue-page/LazyRichEditor.tsx';
import type { RichEditorHandle } from '../issue-page/RichEditor.tsx';

const draftKey = (issueId: string, parentId: string | null) => `exponential.commentDraft.${issueId}${parentId ? `.${parentId}` : ''}`;

/** Whether rich text has no visible text (null, empty paragraphs, bare tags). */
export function isBlank(html: string | null | undefined): boolean {
  return !html?.replace(/<[^>]*>/g, '').trim();
}

/** Reads a stored draft (null when none or storage is unavailable). */
export function readDraft(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores or (null) removes a draft. */
export function writeDraft(key: string, html: string | null): void {
  try {
    if (html) localStorage.setItem(key, html);
    else localStorage.removeItem(key);
  } catch {
    // Storage full or disabled: the draft lives only in the editor.
  }
}

/** Props of {@link Composer}. */
export interface ComposerProps {
  issueId: string;
  /** Set for a reply. */
  parentId?: string | null;
  placeholder?: string;
  autofocus?: boolean;
  /** Called after posting, or on Escape in a reply. */
  onDone?: () => void;
  /** Edit mode: the initial body and what to do with the new one (no draft kept). */
  initial?: string;
  onSave?: (html: string) => Promise<boolean>;
  submitLabel?: string;
}

/** The composer. */
export function Composer({ issueId, parentId = null, placeholder = 'Leave a comment…', autofocus, onDone, initial, onSave, submitLabel = 'Comment' }: ComposerProps) {
  const store = useStore();
  const key = draftKey(issueId, parentId);
  const editing = initial !== undefined;
  const [html, setHtml] = useState<string | null>(() => (editing ? initial : readDraft(key)));
  const [busy, setBusy] = useState(false);
  const handle = useRef<RichEditorHandle | null>(null);
  const empty = isBlank(html);

  const submit = async () => {
    const body = handle.current?.html() ?? html;
    if (!body || isBlank(body) || busy) return;
    setBusy(true);
    const ok = onSave ? await onSave(body) : await store.details.addComment(issueId, body, parentId);
    setBusy(false);
    if (!ok) return;
    if (!editing) {
      writeDraft(key, null);
      handle.current?.clear();
      setHtml(null);
    }
    onDone?.();
  };

  return (
    <div className="rounded-lg border border-line bg-elevated px-3 pt-2 pb-2 shadow-xs focus-within:border-line-strong" data-testid={parentId ? 'reply-composer' : editing ? 'edit-composer' : 'comment-composer'}>
      <LazyRichEditor
          fallbackClassName="prose-compact min-h-[1.6em] py-1"
          html={html}
          label={parentId ? 'Reply' : editing ? 'Edit comment' : 'Comment'}
          placeholder={placeholder}
          compact
          autofocus={autofocus}
          onReady={(h) => (handle.current = h)}
          onChange={(next) => {
            setHtml(next);
            if (!editing) writeDraft(key, next);
          }}
          onSubmit={() => void submit()}
          onCancel={onDone}
        />
      <div className="mt-1 flex items-center justify-end gap-2">
        {onDone && (
          <Button size="sm" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        )}
        <Button size="sm" variant={empty ? 'secondary' : 'primary'} disabled={empty || busy} onClick={() => void submit()} title="⌘/Ctrl+Enter">
          {submitLabel}
          <Kbd keys={['mod+enter']} className={`ml-1 ${empty ? '' : '[&_kbd]:border-white/30 [&_kbd]:bg-white/15 [&_kbd]:text-white'}`} />
        </Button>
      </div>
    </div>
  );
}
