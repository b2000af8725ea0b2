/**
 * Validation of a parsed {@link ImportDoc}, the same rules for every format, before any write.
 *
 * It converts rich text to sanitized HTML, checks texts (no NUL, valid Unicode, lengths), numbers,
 * dates and references, and resolves what cannot be kept: in a strict document (our own export)
 * every such fault is an error; in a foreign export a dangling parent or link, an empty comment,
 * an over-long name are warnings and the value is dropped or shortened. Then, in `skip` mode, the
 * entities with errors are removed (with what depends on them) instead of failing the import.
 */
import { codePointLength } from '../../lib/text.ts';
import { COMMENT_MAX } from '../comments/comments.schemas.ts';
import { DESCRIPTION_MAX, TITLE_MAX } from '../issues/issues.schemas.ts';
import type { ImportDoc, ImportIssue, Problem } from './imports.model.ts';
import { isCalendarDate } from './imports.dates.ts';
import { Slicer } from './imports.slicer.ts';
import { markSanitized, toSafeHtml } from './imports.text.ts';
import { sanitizeRichText } from '../../lib/sanitize.ts';

/** Longest label and label-group name (the labels API's limit). */
export const LABEL_NAME_MAX = 80;
/** Longest workflow state name (the workflow states API's limit). */
export const STATE_NAME_MAX = 50;
/** Longest team name (the teams API's limit). */
export const TEAM_NAME_MAX = 100;

/** What validation decided. */
export interface Validation {
  /** Errors that stop an all-or-nothing import. */
  errors: Problem[];
  /** Entities removed in skip mode (issues, comments, relations, history events). */
  skipped: number;
}

/** `issues[3].title`, or `row 5, title` for a CSV row. */
export function fieldPath(path: string, field: string): string {
  return path.startsWith('row ') ? `${path}, ${field}` : `${path}.${field}`;
}

const badText = (s: string) => s.includes('\u0000') || !s.isWellFormed();
const truncate = (s: string, max: number) => [...s].slice(0, max).join('');

/**
 * Every path that holds `errPath`: itself and each prefix that ends before a `.`, `,` or `[`
 * (`issues[3].title` → `issues`, `issues[3]`, `issues[3].title`; never `issues[30]` for `issues[3]`).
 */
export function enclosing(errPath: string): string[] {
  const out = [errPath];
  for (let k = 1; k < errPath.length; k++) {
    const c = errPath.charCodeAt(k);
    if (c === 46 || c === 44 || c === 91) out.push(errPath.slice(0, k));
  }
  return out;
}

/**
 * Validates and normalizes `doc` in place, letting the event loop run between slices of work
 * (rich-text conversion is the costly part: about 0.1 ms per issue).
 * @param mode `all` keeps everything and reports errors; `skip` removes entities with errors
 * @param slicer decides when to yield (default: a fresh {@link Slicer})
 */
export async function validateDoc(doc: ImportDoc, mode: 'all' | 'skip', slicer: Slicer = new Slicer()): Promise<Validation> {
  const p = doc.problems;
  const strictOr = (path: string, message: string): 'error' | 'warning' => {
    p.push({ severity: doc.strict ? 'error' : 'warning', path, message });
    return doc.strict ? 'error' : 'warning';
  };
  const err = (path: string, message: string) => p.push({ severity: 'error', path, message });
  const text = (value: string | null | undefined, path: string): boolean => {
    if (value && badText(value)) {
      err(path, 'contains a NUL character or invalid Unicode');
      return false;
    }
    return true;
  };

  for (const t of doc.teams) {
    text(t.name, fieldPath(t.path, 'name'));
    if (codePointLength(t.name) > TEAM_NAME_MAX) t.name = truncate(t.name, TEAM_NAME_MAX);
  }
  for (const u of doc.users) text(u.name, fieldPath(u.path, 'name'));
  for (const s of doc.states) {
    s.name = s.name.trim();
    text(s.name, fieldPath(s.path, 'name'));
    if (codePointLength(s.name) > STATE_NAME_MAX && strictOr(fieldPath(s.path, 'name'), `must be at most ${STATE_NAME_MAX} characters`) === 'warning') {
      s.name = truncate(s.name, STATE_NAME_MAX);
    }
  }
  for (const l of doc.labels) {
    for (const [key, field] of [['name', 'name'], ['group', 'group']] as const) {
      const v = l[key]?.trim();
      if (!v) continue;
      text(v, fieldPath(l.path, field));
      if (codePointLength(v) > LABEL_NAME_MAX) {
        if (strictOr(l.path.endsWith('.name') ? l.path : fieldPath(l.path, field), `must be at most ${LABEL_NAME_MAX} characters (it has ${codePointLength(v)})`) === 'warning') {
          l[key] = truncate(v, LABEL_NAME_MAX);
        }
      } else l[key] = v;
    }
  }

  const byRef = new Map<string, ImportIssue>();
  const numbers = new Map<string, string>();
  const names = doc.names;
  for (const i of doc.issues) {
    await slicer.maybe();
    if (byRef.has(i.ref)) err(i.path, `the issue ${i.ref} appears twice (also ${byRef.get(i.ref)!.path})`);
    byRef.set(i.ref, i);
    if (i.number !== null && i.number !== undefined) {
      const k = `${i.teamRef}\u0000${i.number}`;
      if (numbers.has(k) && doc.strict) err(fieldPath(i.path, 'number'), `number ${i.number} repeats ${numbers.get(k)} in the same team`);
      else if (numbers.has(k)) i.number = null;
      numbers.set(k, i.path);
    }
    i.title = i.title.trim();
    if (!i.title) err(fieldPath(i.path, 'title'), 'must not be empty');
    else if (text(i.title, fieldPath(i.path, 'title')) && codePointLength(i.title) > TITLE_MAX) {
      if (strictOr(fieldPath(i.path, 'title'), `must be at most ${TITLE_MAX} characters`) === 'warning') {
        const full = i.title;
        i.title = truncate(full, TITLE_MAX);
        i.descriptionSuffix = `<p>Full title: ${full.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>${i.descriptionSuffix ?? ''}`;
      }
    }
    if (i.description && text(i.description.text, fieldPath(i.path, 'description'))) {
      if (i.description.text.length > DESCRIPTION_MAX) err(fieldPath(i.path, 'description'), `must be at most ${DESCRIPTION_MAX} characters`);
    }
    const html = i.description && !badText(i.description.text) ? toSafeHtml(i.description, names) : '';
    const full = i.descriptionSuffix ? sanitizeRichText(`${html}${toSafeHtml({ format: 'html', text: i.descriptionSuffix })}`) : html;
    i.html = full || null;
    if (i.html) markSanitized(i, i.html);
    // The source text is not needed once converted (the writer stores `html`): release it, which
    // saves tens of MB on a 100,000-issue file.
    if (i.description) i.description = { format: i.description.format, text: '' };
    if (i.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(i.dueDate)) {
      if (strictOr(fieldPath(i.path, 'dueDate'), `"${i.dueDate}" is not a YYYY-MM-DD date`) === 'warning') i.dueDate = null;
    } else if (i.dueDate && !isCalendarDate(i.dueDate)) {
      if (strictOr(fieldPath(i.path, 'dueDate'), `"${i.dueDate}" is not a valid calendar date`) === 'warning') i.dueDate = null;
    }
    if (i.estimate !== null && i.estimate !== undefined && (i.estimate < 0 || i.estimate > 1_000_000)) {
      if (strictOr(fieldPath(i.path, 'estimate'), 'must be between 0 and 1,000,000') === 'warning') i.estimate = null;
    }
  }
  for (const i of doc.issues) {
    if (i.parentRef && !byRef.has(i.parentRef)) {
      strictOr(fieldPath(i.path, 'parent'), `the parent ${i.parentRef} is not in the file; the issue is imported without it`);
      i.parentRef = null;
    }
  }
  // Parent cycles (only a hand-made file can have them): the link closing the cycle is dropped.
  for (const i of doc.issues) {
    const seen = new Set<string>([i.ref]);
    let cur = i.parentRef ? byRef.get(i.parentRef) : undefined;
    while (cur) {
      if (seen.has(cur.ref)) {
        strictOr(fieldPath(i.path, 'parent'), `the parent chain of ${i.ref} loops back to itself`);
        i.parentRef = null;
        break;
      }
      seen.add(cur.ref);
      cur = cur.parentRef ? byRef.get(cur.parentRef) : undefined;
    }
  }

  const keptComments: ImportDoc['comments'] = [];
  for (const c of doc.comments) {
    await slicer.maybe();
    if (!byRef.has(c.issueRef)) {
      strictOr(c.path, `the comment's issue ${c.issueRef} is not in the file; not imported`);
      continue;
    }
    if (!text(c.body.text, c.path)) {
      keptComments.push(c);
      continue;
    }
    c.html = toSafeHtml(c.body, names);
    if (!c.html) {
      if (strictOr(c.path, 'must not be empty') === 'warning') continue;
    } else {
      markSanitized(c, c.html);
      if (c.html.length > COMMENT_MAX * 2) err(c.path, `must be at most ${COMMENT_MAX} characters`);
    }
    keptComments.push(c);
  }
  doc.comments = keptComments;

  const relKeys = new Set<string>();
  doc.relations = doc.relations.filter((r) => {
    for (const ref of [r.fromRef, r.toRef]) {
      if (!byRef.has(ref)) {
        strictOr(r.path, `links to ${ref}, which is not in the file; the link is not imported`);
        return false;
      }
    }
    if (r.fromRef === r.toRef) {
      strictOr(r.path, 'an issue cannot be related to itself');
      return false;
    }
    const key = `${r.kind}\u0000${r.fromRef}\u0000${r.toRef}`;
    const reverse = `${r.kind}\u0000${r.toRef}\u0000${r.fromRef}`;
    // Both ends of a link list it: the second mention is the same fact, not a new relation.
    if (relKeys.has(key) || (r.kind === 'related' && relKeys.has(reverse))) return false;
    if (relKeys.has(reverse)) {
      strictOr(r.path, `${r.toRef} already ${r.kind === 'blocks' ? 'blocks' : 'duplicates'} ${r.fromRef}; the reverse link is not imported`);
      return false;
    }
    relKeys.add(key);
    return true;
  });

  let skipped = 0;
  let errors = p.filter((x) => x.severity === 'error');
  if (mode === 'skip' && errors.length) {
    // Paths that hold an error (`issues[3]` holds `issues[3].title`): a set, so each lookup is O(1).
    const faulty = new Set(errors.flatMap((e) => enclosing(e.path)));
    const bad = (path: string) => faulty.has(path);
    // A nested comment's error (`issues[3].comments[0].body`) drops the comment, not its issue.
    const commentPaths = new Set(doc.comments.map((c) => c.path));
    const issueErrors = errors.filter((e) => !enclosing(e.path).some((x) => commentPaths.has(x)));
    const issueFaulty = new Set(issueErrors.flatMap((e) => enclosing(e.path)));
    const dropped = new Set(doc.issues.filter((i) => issueFaulty.has(i.path)).map((i) => i.ref));
    doc.issues = doc.issues.filter((i) => !dropped.has(i.ref));
    for (const i of doc.issues) if (i.parentRef && dropped.has(i.parentRef)) i.parentRef = null;
    const before = doc.comments.length + doc.relations.length + doc.history.length + doc.labels.length;
    doc.comments = doc.comments.filter((c) => !dropped.has(c.issueRef) && !bad(c.path));
    doc.relations = doc.relations.filter((r) => !dropped.has(r.fromRef) && !dropped.has(r.toRef) && !bad(r.path));
    doc.history = doc.history.filter((h) => !dropped.has(h.issueRef) && !bad(h.path));
    doc.labels = doc.labels.filter((l) => !bad(l.path));
    const kept = new Set(doc.labels.map((l) => l.ref));
    for (const i of doc.issues) i.labelRefs = i.labelRefs.filter((r) => kept.has(r));
    skipped = dropped.size + before - (doc.comments.length + doc.relations.length + doc.history.length + doc.labels.length);
    // What could not be tied to an entity (a broken header, an unknown format) still stops it.
    errors = errors.filter((e) => !/^(issues|comments|relations|history|labels|states|members)\[|^\[|^row ([2-9]|\d{2,})/.test(e.path));
  }
  return { errors, skipped };
}
