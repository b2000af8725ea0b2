/**
 * The issue description editor: the lazy entry point of the rich-text chunk (TipTap is fetched
 * only when an issue opens). Saves on blur when the HTML changed; the server sanitizes every write.
 */
import { RichEditor } from './RichEditor.tsx';

/** Props of {@link DescriptionEditor}. */
export interface DescriptionEditorProps {
  html: string | null;
  onSave: (html: string | null) => void;
  placeholder?: string;
}

/** The editor. */
export function DescriptionEditor({ html, onSave, placeholder = 'Add description…' }: DescriptionEditorProps) {
  return <RichEditor html={html} label="Description" placeholder={placeholder} onBlurChange={onSave} testId="description-editor" />;
}

export default DescriptionEditor;
