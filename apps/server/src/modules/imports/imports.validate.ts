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
import type { ImportBatch, ImportComment, ImportDoc, ImportIssue, IssueKey, Problem } from './imports.model.ts';
import { isCalendarDate } from './imports.dates.ts';
import { Slicer } from './imports.slicer.ts';
import { badText, descriptionHtml, markSanitized, toSafeHtml } from './imports.text.ts';

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

/** What skip mode removes: issues (and what hangs on them), entities at faulty paths, labels. */
export interface SkipFilter {
  /** Refs of the issues removed. */
  dropped: Set<string>;
  /** Paths that hold an error (`issues[3]` holds `issues[3].title`). */
  faulty: Set<string>;
  /** Refs of the labels kept. */
  keptLabels: Set<string>;
}

/** Applies skip mode's removals to a batch (issues, their comments and history, label links), in place. */
export function applySkip(batch: ImportBatch, f: SkipFilter): void {
  batch.issues = batch.issues.filter((i) => !f.dropped.has(i.ref));
  for (const i of batch.issues) i.labelRefs = i.labelRefs.filter((r) => f.keptLabels.has(r));
  batch.comments = batch.comments.filter((c) => !f.dropped.has(c.issueRef) && !f.faulty.has(c.path));
  batch.history = batch.history.filter((h) => !f.dropped.has(h.issueRef) && !f.faulty.has(h.path));
}

/**
 * Sets `i.html` to the issue's description (and suffix) as sanitized HTML, or null
 * ({@link descriptionHtml}), and releases the source text (the writer stores `html`). Costly
 * (markdown-it + sanitize-html, about 0.1 ms per issue): the writer has it done batch by batch in
 * a worker thread (imports.convert.ts), this being the same conversion in the calling thread.
 * @param names Jira account id → display name, for mentions
 */
export function convertIssue(i: ImportIssue, names?: ReadonlyMap<string, string>): void {
  setIssueHtml(i, descriptionHtml(i.description, i.descriptionSuffix, names));
}

/**
 * Stores `html` ({@link descriptionHtml}'s output for `i`, made here or in the conversion worker)
 * as the issue's description, marked as the sanitizer's output, and releases the source text.
 */
export function setIssueHtml(i: ImportIssue, html: string | null): void {
  i.html = html;
  if (html) markSanitized(i, html);
  if (i.description) i.description = { format: i.description.format, text: '' };
  if (i.descriptionSuffix) i.descriptionSuffix = null;
}

/**
 * The validation rules, applied entity by entity so a streamed document (a CSV read in batches)
 * is checked without holding it: {@link globals} for teams, people, states and labels; {@link issue}
 * and {@link comment} for each issue and comment (an issue before its comments); then
 * {@link parents}, {@link relations} and {@link finish} for what needs every issue. It keeps one
 * {@link IssueKey} per issue (`keys`), not the issues.
 */
export class DocValidator {
  /** One key per issue validated, in order. */
  keys: IssueKey[] = [];
  private byRef = new Map<string, IssueKey>();
  private numbers = new Map<string, string>();
  private readonly p: Problem[];

  /**
   * @param doc the document whose `problems` receive what is found, and whose `strict`, `names`,
   *   lists of teams, states, labels and relations are checked
   * @param keyOf the key kept for an issue (default: the issue itself)
   */
  constructor(private readonly doc: ImportDoc, private readonly keyOf: (i: ImportIssue) => IssueKey = (i) => i) {
    this.p = doc.problems;
  }

  private strictOr(path: string, message: string): 'error' | 'warning' {
    this.p.push({ severity: this.doc.strict ? 'error' : 'warning', path, message });
    return this.doc.strict ? 'error' : 'warning';
  }

  private err(path: string, message: string): void {
    this.p.push({ severity: 'error', path, message });
  }

  private text(value: string | null | undefined, path: string): boolean {
    if (value && badText(value)) {
      this.err(path, 'contains a NUL character or invalid Unicode');
      return false;
    }
    return true;
  }

  /** Checks and normalizes teams, people, states and labels (names: trimmed, shortened when allowed). */
  globals(): void {
    const doc = this.doc;
    for (const t of doc.teams) {
      this.text(t.name, fieldPath(t.path, 'name'));
      if (codePointLength(t.name) > TEAM_NAME_MAX) t.name = truncate(t.name, TEAM_NAME_MAX);
    }
    for (const u of doc.users) this.text(u.name, fieldPath(u.path, 'name'));
    for (const s of doc.states) {
      s.name = s.name.trim();
      this.text(s.name, fieldPath(s.path, 'name'));
      if (codePointLength(s.name) > STATE_NAME_MAX && this.strictOr(fieldPath(s.path, 'name'), `must be at most ${STATE_NAME_MAX} characters`) === 'warning') {
        s.name = truncate(s.name, STATE_NAME_MAX);
      }
    }
    for (const l of doc.labels) {
      for (const [key, field] of [['name', 'name'], ['group', 'group']] as const) {
        const v = l[key]?.trim();
        if (!v) continue;
        this.text(v, fieldPath(l.path, field));
        if (codePointLength(v) > LABEL_NAME_MAX) {
          if (this.strictOr(l.path.endsWith('.name') ? l.path : fieldPath(l.path, field), `must be at most ${LABEL_NAME_MAX} characters (it has ${codePointLength(v)})`) === 'warning') {
            l[key] = truncate(v, LABEL_NAME_MAX);
          }
        } else l[key] = v;
      }
    }
  }

  /** Checks and normalizes one issue (title, number, texts, due date, estimate) and keeps its key. */
  issue(i: ImportIssue): void {
    const had = this.byRef.get(i.ref);
    if (had) this.err(i.path, `the issue ${i.ref} appears twice (also ${had.path})`);
    if (i.number !== null && i.number !== undefined) {
      const k = `${i.teamRef}\u0000${i.number}`;
      if (this.numbers.has(k) && this.doc.strict) this.err(fieldPath(i.path, 'number'), `number ${i.number} repeats ${this.numbers.get(k)} in the same team`);
      else if (this.numbers.has(k)) i.number = null;
      this.numbers.set(k, i.path);
    }
    i.title = i.title.trim();
    if (!i.title) this.err(fieldPath(i.path, 'title'), 'must not be empty');
    else if (this.text(i.title, fieldPath(i.path, 'title')) && codePointLength(i.title) > TITLE_MAX) {
      if (this.strictOr(fieldPath(i.path, 'title'), `must be at most ${TITLE_MAX} characters`) === 'warning') {
        const full = i.title;
        i.title = truncate(full, TITLE_MAX);
        i.descriptionSuffix = `<p>Full title: ${full.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>${i.descriptionSuffix ?? ''}`;
      }
    }
    if (i.description && this.text(i.description.text, fieldPath(i.path, 'description'))) {
      if (i.description.text.length > DESCRIPTION_MAX) this.err(fieldPath(i.path, 'description'), `must be at most ${DESCRIPTION_MAX} characters`);
    }
    if (i.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(i.dueDate)) {
      if (this.strictOr(fieldPath(i.path, 'dueDate'), `"${i.dueDate}" is not a YYYY-MM-DD date`) === 'warning') i.dueDate = null;
    } else if (i.dueDate && !isCalendarDate(i.dueDate)) {
      if (this.strictOr(fieldPath(i.path, 'dueDate'), `"${i.dueDate}" is not a valid calendar date`) === 'warning') i.dueDate = null;
    }
    if (i.estimate !== null && i.estimate !== undefined && (i.estimate < 0 || i.estimate > 1_000_000)) {
      if (this.strictOr(fieldPath(i.path, 'estimate'), 'must be between 0 and 1,000,000') === 'warning') i.estimate = null;
    }
    const key = this.keyOf(i);
    this.byRef.set(i.ref, key);
    this.keys.push(key);
  }

  /** Drops parents missing from the file, then the link that closes a parent cycle. */
  parents(): void {
    const byRef = this.byRef;
    for (const i of this.keys) {
      if (i.parentRef && !byRef.has(i.parentRef)) {
        this.strictOr(fieldPath(i.path, 'parent'), `the parent ${i.parentRef} is not in the file; the issue is imported without it`);
        i.parentRef = null;
      }
    }
    // Parent cycles (only a hand-made file can have them): the link closing the cycle is dropped.
    for (const i of this.keys) {
      const seen = new Set<string>([i.ref]);
      let cur = i.parentRef ? byRef.get(i.parentRef) : undefined;
      while (cur) {
        if (seen.has(cur.ref)) {
          this.strictOr(fieldPath(i.path, 'parent'), `the parent chain of ${i.ref} loops back to itself`);
          i.parentRef = null;
          break;
        }
        seen.add(cur.ref);
        cur = cur.parentRef ? byRef.get(cur.parentRef) : undefined;
      }
    }
  }

  /**
   * Checks one comment (its issue must have been validated before it) and converts its body:
   * {@link commentStart}, then {@link commentBody}.
   * @param converted the body already converted by {@link descriptionHtml} (null when empty), else
   *   it is converted here
   * @returns false when the comment is left out (a foreign export's empty or orphan comment)
   */
  comment(c: ImportComment, converted?: string | null): boolean {
    const start = this.commentStart(c);
    if (start === 'drop') return false;
    return start === 'keep' || this.commentBody(c, converted);
  }

  /**
   * The checks of a comment that need no conversion: its issue is in the file, its text is valid.
   * @returns `drop` (left out), `keep` (kept as it is: its text has an error, nothing to convert)
   *   or `convert` (call {@link commentBody} with its converted body)
   */
  commentStart(c: ImportComment): 'drop' | 'keep' | 'convert' {
    if (!this.byRef.has(c.issueRef)) {
      this.strictOr(c.path, `the comment's issue ${c.issueRef} is not in the file; not imported`);
      return 'drop';
    }
    return this.text(c.body.text, c.path) ? 'convert' : 'keep';
  }

  /**
   * The checks of a comment on its converted body (not empty, not too long); stores the body.
   * @param converted the body converted by {@link descriptionHtml} (in the conversion worker,
   *   imports.convert.ts; null when empty), else it is converted here
   * @returns false when the comment is left out (a foreign export's empty comment)
   */
  commentBody(c: ImportComment, converted?: string | null): boolean {
    c.html = converted !== undefined ? converted ?? '' : toSafeHtml(c.body, this.doc.names);
    if (!c.html) {
      if (this.strictOr(c.path, 'must not be empty') === 'warning') return false;
    } else {
      markSanitized(c, c.html);
      if (c.html.length > COMMENT_MAX * 2) this.err(c.path, `must be at most ${COMMENT_MAX} characters`);
    }
    c.body = { format: c.body.format, text: '' };
    return true;
  }

  /** Checks the document's relations (both ends in the file, no self-link, no repeat). */
  relations(): void {
    const byRef = this.byRef;
    const relKeys = new Set<string>();
    this.doc.relations = this.doc.relations.filter((r) => {
      for (const ref of [r.fromRef, r.toRef]) {
        if (!byRef.has(ref)) {
          this.strictOr(r.path, `links to ${ref}, which is not in the file; the link is not imported`);
          return false;
        }
      }
      if (r.fromRef === r.toRef) {
        this.strictOr(r.path, 'an issue cannot be related to itself');
        return false;
      }
      const key = `${r.kind}\u0000${r.fromRef}\u0000${r.toRef}`;
      const reverse = `${r.kind}\u0000${r.toRef}\u0000${r.fromRef}`;
      // Both ends of a link list it: the second mention is the same fact, not a new relation.
      if (relKeys.has(key) || (r.kind === 'related' && relKeys.has(reverse))) return false;
      if (relKeys.has(reverse)) {
        this.strictOr(r.path, `${r.toRef} already ${r.kind === 'blocks' ? 'blocks' : 'duplicates'} ${r.fromRef}; the reverse link is not imported`);
        return false;
      }
      relKeys.add(key);
      return true;
    });
  }

  /**
   * The verdict. In `skip` mode with errors, removes from `keys`, the document's relations and
   * labels what skip mode drops, and returns the filter for the batches' issues, comments and
   * history (`bulk`: where the comments and history are, for the count of skipped entities).
   */
  finish(mode: 'all' | 'skip', bulk: { comments: Array<{ issueRef: string; path: string }>; history: Array<{ issueRef: string; path: string }> }): Validation & { filter: SkipFilter | null } {
    const doc = this.doc;
    let errors = this.p.filter((x) => x.severity === 'error');
    if (mode !== 'skip' || !errors.length) return { errors, skipped: 0, filter: null };
    // Paths that hold an error (`issues[3]` holds `issues[3].title`): a set, so each lookup is O(1).
    const faulty = new Set(errors.flatMap((e) => enclosing(e.path)));
    // A nested comment's error (`issues[3].comments[0].body`) drops the comment, not its issue.
    const commentPaths = new Set(bulk.comments.map((c) => c.path));
    const issueErrors = errors.filter((e) => !enclosing(e.path).some((x) => commentPaths.has(x)));
    const issueFaulty = new Set(issueErrors.flatMap((e) => enclosing(e.path)));
    const dropped = new Set(this.keys.filter((i) => issueFaulty.has(i.path)).map((i) => i.ref));
    this.keys = this.keys.filter((i) => !dropped.has(i.ref));
    for (const i of this.keys) if (i.parentRef && dropped.has(i.parentRef)) i.parentRef = null;
    const keptComments = bulk.comments.filter((c) => !dropped.has(c.issueRef) && !faulty.has(c.path)).length;
    const keptHistory = bulk.history.filter((h) => !dropped.has(h.issueRef) && !faulty.has(h.path)).length;
    const before = doc.relations.length + doc.labels.length;
    doc.relations = doc.relations.filter((r) => !dropped.has(r.fromRef) && !dropped.has(r.toRef) && !faulty.has(r.path));
    doc.labels = doc.labels.filter((l) => !faulty.has(l.path));
    const keptLabels = new Set(doc.labels.map((l) => l.ref));
    const skipped = dropped.size + (bulk.comments.length - keptComments) + (bulk.history.length - keptHistory) + before - (doc.relations.length + doc.labels.length);
    // What could not be tied to an entity (a broken header, an unknown format) still stops it.
    errors = errors.filter((e) => !/^(issues|comments|relations|history|labels|states|members)\[|^\[|^row ([2-9]|\d{2,})/.test(e.path));
    return { errors, skipped, filter: { dropped, faulty, keptLabels } };
  }
}

/**
 * Validates and normalizes a whole in-memory `doc` in place (see {@link DocValidator}), letting
 * the event loop run between slices of work. Issue descriptions are converted later, by the
 * writer ({@link convertIssue}); comment bodies here (an empty one is a problem).
 * @param mode `all` keeps everything and reports errors; `skip` removes entities with errors
 * @param slicer decides when to yield (default: a fresh {@link Slicer})
 */
export async function validateDoc(doc: ImportDoc, mode: 'all' | 'skip', slicer: Slicer = new Slicer()): Promise<Validation> {
  const v = new DocValidator(doc);
  v.globals();
  for (const i of doc.issues) {
    await slicer.maybe();
    v.issue(i);
  }
  v.parents();
  const kept: ImportDoc['comments'] = [];
  for (const c of doc.comments) {
    await slicer.maybe();
    if (v.comment(c)) kept.push(c);
  }
  doc.comments = kept;
  v.relations();
  const { errors, skipped, filter } = v.finish(mode, doc);
  if (filter) {
    const batch: ImportBatch = { issues: doc.issues, comments: doc.comments, history: doc.history };
    applySkip(batch, filter);
    doc.issues = batch.issues;
    doc.comments = batch.comments;
    doc.history = batch.history;
  }
  return { errors, skipped };
}
