/**
 * The rich-text description editor (TipTap). Loaded lazily: this module and TipTap form their own
 * chunk, fetched only when an issue page opens. Saves on blur when the HTML changed; the server
 * sanitizes every write.
 */
import StarterKit from '@tiptap/starter-kit';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect, useRef, useState } from 'react';

/** Props of {@link DescriptionEditor}. */
export interface DescriptionEditorProps {
  html: string | null;
  onSave: (html: string | null) => void;
  placeholder?: string;
}

/** Normalizes an empty document to null. */
function normalize(html: string): string | null {
  return html === '<p></p>' || html.trim() === '' ? null : html;
}

/** The editor. */
export function DescriptionEditor({ html, onSave, placeholder = 'Add description…' }: DescriptionEditorProps) {
  const saved = useRef(html);
  const onSaveRef = useRef(onSave);
  onSaveRef.current = onSave;
  const [empty, setEmpty] = useState(!html);
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: { openOnClick: false, autolink: true }, heading: { levels: [1, 2, 3] } })],
    content: html ?? '',
    // The CSP allows no inline <style>: TipTap's base styles live in index.css instead.
    injectCSS: false,
    shouldRerenderOnTransaction: false,
    editorProps: { attributes: { 'aria-label': 'Description', class: 'ProseMirror min-h-[6em]' } },
    onUpdate: ({ editor: e }) => setEmpty(e.isEmpty),
    onBlur: ({ editor: e }) => {
      const next = normalize(e.getHTML());
      if (next !== normalize(saved.current ?? '')) {
        saved.current = next;
        onSaveRef.current(next);
      }
    },
  });

  // A change from elsewhere (sync, another tab) replaces the content unless the user is editing.
  useEffect(() => {
    if (!editor || editor.isFocused || html === saved.current) return;
    saved.current = html;
    editor.commands.setContent(html ?? '', { emitUpdate: false });
    setEmpty(editor.isEmpty);
  }, [editor, html]);

  return (
    <div className="prose-issue relative" data-testid="description-editor">
      {empty && <div className="pointer-events-none absolute top-[0.4em] left-0 text-faint">{placeholder}</div>}
      <EditorContent editor={editor} />
    </div>
  );
}

export default DescriptionEditor;
