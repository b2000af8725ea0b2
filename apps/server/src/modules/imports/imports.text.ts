/**
 * Rich text of imported issues and comments → sanitized HTML. Every conversion ends in
 * lib/sanitize.ts `sanitizeRichText`, the one sanitizer of the app.
 * - `html` (Jira XML, our own export): sanitized as is;
 * - `markdown` (GitHub, Linear, Trello): markdown-it (CommonMark + GFM tables and strikethrough),
 *   raw HTML allowed because GitHub allows it — the sanitizer then keeps only the safe part;
 * - `jira` (Jira wiki markup in CSV and REST JSON): jira2md turns it into Markdown, then as above
 *   but with raw HTML off (Jira shows `<b>` literally, so we do too). Jira's `{color}` spans are
 *   dropped, `[~accountid:…]` mentions become `@name` when the name is known;
 * - `plain`: escaped, line breaks kept.
 */
import j2m from 'jira2md';
import MarkdownIt from 'markdown-it';
import { sanitizeRichText } from '../../lib/sanitize.ts';
import type { RichText } from './imports.model.ts';

const gfm = new MarkdownIt({ html: true, linkify: true, breaks: false });
const jiraMd = new MarkdownIt({ html: false, linkify: true, breaks: true });

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Plain text as HTML paragraphs (blank lines split paragraphs, single breaks become `<br>`). */
export function plainToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/**
 * Jira wiki markup as HTML.
 * @param names Jira account id → display name, for `[~accountid:…]` mentions
 */
export function jiraToHtml(text: string, names: ReadonlyMap<string, string> = new Map()): string {
  const prepared = text
    .replace(/\r\n?/g, '\n')
    .replace(/\{color(?::[^}]*)?\}/g, '')
    .replace(/\[~(?:accountid:)?([^\]]+)\]/g, (_m, id: string) => `@${names.get(id) ?? id}`)
    // `\\` is Jira's forced line break.
    .replace(/\\\\/g, '\n');
  return jiraMd.render(j2m.to_markdown(prepared));
}

/** Converts a rich text to sanitized HTML ('' when nothing is left). */
export function toSafeHtml(rt: RichText, names?: ReadonlyMap<string, string>): string {
  switch (rt.format) {
    case 'html':
      return sanitizeRichText(rt.text);
    case 'markdown':
      return sanitizeRichText(gfm.render(rt.text.replace(/\r\n?/g, '\n')));
    case 'jira':
      return sanitizeRichText(jiraToHtml(rt.text, names));
    default:
      return sanitizeRichText(plainToHtml(rt.text));
  }
}

/** True when `s` holds a NUL character or a lone surrogate (not valid Unicode): such text is not stored. */
export const badText = (s: string): boolean => s.includes('\u0000') || !s.isWellFormed();

/**
 * An issue's description as stored: the description converted ({@link toSafeHtml}) followed by
 * `suffix` (attachment links, checklists: HTML the parsers make), sanitized together; null when
 * nothing is left. A description with a NUL or invalid Unicode counts as empty (validation
 * reports it). Pure: the import writer runs it in a worker thread (imports.convert.ts).
 * @param names Jira account id → display name, for mentions
 */
export function descriptionHtml(description: RichText | null | undefined, suffix: string | null | undefined, names?: ReadonlyMap<string, string>): string | null {
  const html = description && !badText(description.text) ? toSafeHtml(description, names) : '';
  const full = suffix ? sanitizeRichText(`${html}${toSafeHtml({ format: 'html', text: suffix })}`) : html;
  return full || null;
}

/** An `<h3>` heading and a list of links (attachments, checklists) appended to a description. */
export function linkList(title: string, links: Array<{ name: string; url?: string | null }>): string {
  if (!links.length) return '';
  const items = links.map((l) => {
    const name = escapeHtml(l.name);
    return `<li>${l.url && /^https?:\/\//i.test(l.url) ? `<a href="${escapeHtml(l.url).replace(/"/g, '&quot;')}">${name}</a>` : name}</li>`;
  });
  return `<h3>${escapeHtml(title)}</h3><ul>${items.join('')}</ul>`;
}

/** A task list (`[x] item`) as TipTap's task-list HTML. */
export function taskList(title: string, items: Array<{ name: string; done: boolean }>): string {
  if (!items.length) return '';
  const lis = items.map((i) => `<li data-type="taskItem" data-checked="${i.done}"><p>${escapeHtml(i.name)}</p></li>`);
  return `<h3>${escapeHtml(title)}</h3><ul data-type="taskList">${lis.join('')}</ul>`;
}

/** Owner (an issue or comment of a document) → the HTML that validation produced with the sanitizer. */
const sanitized = new WeakMap<object, string>();

/** Records that `html` is the sanitizer's own output for `owner` (set by validation). */
export function markSanitized(owner: object, html: string): void {
  sanitized.set(owner, html);
}

/**
 * The HTML to store for `owner`: `html` itself when validation marked exactly this string as the
 * sanitizer's output, else `html` run through `sanitizeRichText` (the sanitizer is idempotent, so
 * both give the same text; this only saves sanitizing twice).
 */
export function safeHtmlOf(owner: object, html: string): string {
  return sanitized.get(owner) === html ? html : sanitizeRichText(html);
}
