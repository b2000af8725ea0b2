/** Conversions between plain text (the create modal's textarea) and the stored HTML. */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/**
 * Plain text to paragraphs: blank lines separate paragraphs, single newlines become `<br>`.
 * Returns null for blank text.
 */
export function textToHtml(text: string): string | null {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (!trimmed) return null;
  return trimmed
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
