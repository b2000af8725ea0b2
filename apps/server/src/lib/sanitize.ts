/**
 * The one rich-text sanitizer (sanitize-html, allowlist). Every rich-text column — issue
 * descriptions, comments, and every later one (templates, projects, documents, inbound e-mail,
 * imports) — is written through `sanitizeRichText`.
 *
 * Allowed: the formatting TipTap produces (paragraphs, headings, lists, task lists, quotes, code,
 * tables, marks), links with http, https, mailto or relative URLs (always
 * `rel="noopener noreferrer nofollow"`), images from https, raster `data:` URLs or our own
 * attachment paths. Everything else — scripts, event handlers, styles, SVG, iframes, forms,
 * other URL schemes — is removed.
 */
import { createRequire } from 'node:module';
import type sanitizeHtml from 'sanitize-html';

/**
 * sanitize-html and what it pulls in (htmlparser2, postcss: about 0.4 MB of JavaScript) is loaded
 * by the first write that sanitizes, not at start. It is a CommonJS package, so `require` loads it
 * synchronously and the sanitizer keeps its synchronous signature. A failed load throws from that
 * call (the request's error handler answers 500 and logs it); Node retries a failed `require`.
 */
const requireCjs = createRequire(import.meta.url);
let sanitizer: typeof sanitizeHtml | undefined;
function loadSanitizer(): typeof sanitizeHtml {
  sanitizer ??= requireCjs('sanitize-html') as typeof sanitizeHtml;
  return sanitizer;
}

/**
 * Loads sanitize-html now (the server calls it a little after listening, so that the first write
 * does not wait for it). Throws when it cannot be loaded.
 */
export function preloadSanitizer(): void {
  loadSanitizer();
}

const RASTER_DATA_URL = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]+$/i;
/** Our own attachment downloads: plain path segments only (no `..`, `\`, `%`, query or fragment). */
const ATTACHMENT_PATH = /^\/api\/v1\/attachments\/[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/**
 * Every column that stores user-written rich text (HTML), as `table.column` with the Drizzle
 * table export and property that write it. Any code that inserts or updates one of these must
 * pass the value through {@link sanitizeRichText}; test/sanitize.test.ts scans the sources for
 * writers of these columns and fails when one does not import the sanitizer. Add new rich-text
 * columns (templates, project descriptions, documents…) here.
 */
export const RICH_TEXT_COLUMNS = [
  { table: 'issue', column: 'description', tableExport: 'issue', property: 'description' },
  { table: 'comment', column: 'body', tableExport: 'comment', property: 'body' },
] as const;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code',
    'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'mark', 'sub', 'sup', 'a', 'img',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div', 'label', 'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    pre: ['class'],
    ol: ['start'],
    ul: ['data-type'],
    li: ['data-type', 'data-checked'],
    span: ['data-type', 'data-id', 'data-label'],
    input: ['type', 'checked', 'disabled'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]+$/], pre: [/^language-[a-z0-9+#-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'math'],
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'noopener noreferrer nofollow', ...(attribs.target ? { target: '_blank' } : {}) },
    }),
    input: (tagName, attribs) => ({
      // Only task-list checkboxes, always inert.
      tagName: attribs.type === 'checkbox' ? tagName : 'span',
      attribs: attribs.type === 'checkbox' ? { type: 'checkbox', disabled: 'disabled', ...('checked' in attribs ? { checked: 'checked' } : {}) } : {},
    }),
  },
  exclusiveFilter: (frame) => {
    if (frame.tag === 'img') {
      const src = frame.attribs.src ?? '';
      if (/^data:/i.test(src)) return !RASTER_DATA_URL.test(src);
      if (src.startsWith('/')) return !ATTACHMENT_PATH.test(src);
      return !/^https:\/\/[^/\\]/i.test(src);
    }
    return false;
  },
};

/**
 * Sanitizes user-supplied HTML for storage and display.
 * @param html untrusted HTML (plain text is returned escaped as needed)
 * @returns safe HTML; an input that sanitizes to nothing but whitespace becomes ''
 */
export function sanitizeRichText(html: string): string {
  const out = loadSanitizer()(html, OPTIONS).trim();
  return out;
}

/**
 * The text of HTML with every tag removed (entities stay encoded, as sanitize-html leaves them).
 * @param html HTML, normally already sanitized
 */
export function stripAllTags(html: string): string {
  return loadSanitizer()(html, { allowedTags: [], allowedAttributes: {} });
}

/** Like {@link sanitizeRichText} but keeps null and undefined as they are. */
export function sanitizeOptional(html: string | null | undefined): string | null | undefined {
  if (html === null || html === undefined) return html;
  return sanitizeRichText(html);
}
