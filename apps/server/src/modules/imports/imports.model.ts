/**
 * The normalized intermediate model every import parser produces and the writer consumes.
 *
 * Parsers never touch the database: they turn a tracker's file into an {@link ImportDoc} whose
 * entities refer to each other by source references (`ref`: a key, an id or a name, unique per
 * kind within one document), carry the source location of each value (`path`: a JSON path such as
 * `issues[3].comments[0].body`, or `row 5, column 2 ("Summary")` for CSV) and collect every
 * {@link Problem} they meet. Validation (imports.validate.ts) and the writer (imports.writer.ts)
 * then work on this model only, so every format gets the same rules.
 */

/** Workflow state categories (Linear's). */
export type StateCategory = 'triage' | 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled';
/** Stored relation types; `blocked by` is written as a reversed `blocks`. */
export type RelationKind = 'blocks' | 'related' | 'duplicate';
/** How a rich text is written in the source; everything becomes sanitized HTML. */
export type TextFormat = 'html' | 'markdown' | 'jira' | 'plain';

/** A rich text with its source format. */
export interface RichText {
  format: TextFormat;
  text: string;
}

/**
 * One problem found in a file. `error`s stop an all-or-nothing import (in skip mode the entity at
 * fault is skipped); `warning`s are things the import maps approximately or leaves out, reported
 * so nothing is dropped silently.
 */
export interface Problem {
  severity: 'error' | 'warning';
  /** Where: a JSON path (`issues[3].comments[0].body`) or a CSV cell (`row 5, column 2 ("Summary")`). */
  path: string;
  message: string;
  /** CSV only: the record's row number (the header is row 1). */
  row?: number;
  /** CSV only: the column name. */
  column?: string;
}

/** A person as the source names them. At least one of email, name or externalId is set. */
export interface ImportUser {
  /** Unique within the document (`email:…`, `jira:<accountId>`, `github:<login>`, …). */
  ref: string;
  email?: string | null;
  name?: string | null;
  /** Id in the source tracker (Jira account id, GitHub login, Trello member id). */
  externalId?: string | null;
  path: string;
}

/** A team (a Jira project, a GitHub repository, a Trello board, a Linear team). */
export interface ImportTeam {
  ref: string;
  /** Wanted key; made valid (`^[A-Z][A-Z0-9]{0,6}$`) and free by the writer. */
  key: string;
  name: string;
  description?: string | null;
  /** Exponential format only: kept on teams the import creates. */
  isPrivate?: boolean;
  triageEnabled?: boolean;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  archivedAt?: Date | null;
  path: string;
}

/** A workflow state the source uses. */
export interface ImportState {
  teamRef: string;
  name: string;
  category: StateCategory;
  color?: string | null;
  /** Source order (lower first), for states created by the import. */
  position?: number | null;
  isDefault?: boolean;
  description?: string | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  path: string;
}

/** A label; `group` puts it in a label group (one level deep, as in Linear). */
export interface ImportLabel {
  ref: string;
  name: string;
  group?: string | null;
  color?: string | null;
  description?: string | null;
  /** A team label (exponential format); null or absent for a workspace label. */
  teamRef?: string | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  archivedAt?: Date | null;
  path: string;
}

/** An issue's workflow state: by name within its team, or the team's default of a category. */
export interface ImportStateRef {
  name?: string | null;
  category: StateCategory;
}

/** An issue. Dates are `Date`s (UTC); `dueDate` is `YYYY-MM-DD`. */
export interface ImportIssue {
  ref: string;
  teamRef: string;
  /** Number in the source team (kept when free, otherwise allocated from the team's counter). */
  number?: number | null;
  /** The original key (`GP-3485`, `rails/rails#48480`). */
  externalKey?: string | null;
  /** Exponential format: the source recorded on the exported issue (kept as is, null included). */
  externalSource?: string | null;
  title: string;
  description?: RichText | null;
  /** HTML appended after the converted description (attachment links, checklists); sanitized with it. */
  descriptionSuffix?: string | null;
  /** Set by validation: the sanitized HTML description. */
  html?: string | null;
  state: ImportStateRef;
  /** 0 none, 1 urgent, 2 high, 3 medium, 4 low. */
  priority: number;
  estimate?: number | null;
  assigneeRef?: string | null;
  creatorRef?: string | null;
  labelRefs: string[];
  parentRef?: string | null;
  dueDate?: string | null;
  /** Source ordering key (Jira LexoRank, Trello pos, our sortOrder); compared as given. */
  rank?: string | number | null;
  /** Our own rank (exponential format), reused when valid and free. */
  sortOrder?: string | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  startedAt?: Date | null;
  completedAt?: Date | null;
  canceledAt?: Date | null;
  archivedAt?: Date | null;
  path: string;
}

/** A comment on an issue. */
export interface ImportComment {
  ref?: string | null;
  issueRef: string;
  authorRef?: string | null;
  body: RichText;
  /** Set by validation: the sanitized HTML body. */
  html?: string;
  /** Thread root (exponential format only). */
  parentRef?: string | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  editedAt?: Date | null;
  path: string;
}

/** A relation between two issues of the document: `from` blocks / relates to / duplicates `to`. */
export interface ImportRelation {
  fromRef: string;
  toRef: string;
  kind: RelationKind;
  creatorRef?: string | null;
  createdAt?: Date | null;
  path: string;
}

/** A history event (exponential format only), kept as recorded. */
export interface ImportHistoryEvent {
  issueRef: string;
  actorRef?: string | null;
  kind: string;
  changes: Record<string, unknown>;
  createdAt: Date;
  path: string;
}

/** A parsed file: everything to create, plus what the parser had to say about it. */
export interface ImportDoc {
  /** The format name (`jira-csv`, …); written to `issue.external_source`. */
  source: string;
  /**
   * Strict documents (our own export) must be complete: a dangling reference, an empty comment or
   * an over-long name is an error. Foreign exports are routinely partial (a filtered search), so
   * there such things are warnings and the value is dropped or shortened.
   */
  strict: boolean;
  users: ImportUser[];
  teams: ImportTeam[];
  states: ImportState[];
  labels: ImportLabel[];
  issues: ImportIssue[];
  comments: ImportComment[];
  relations: ImportRelation[];
  history: ImportHistoryEvent[];
  problems: Problem[];
  /**
   * Exponential format: ids of the source's states, labels and label groups, so ids inside history
   * changes can be translated (`key`: `<teamRef>\u0000<lower-case name>` for a state, the label ref,
   * or the lower-case group name).
   */
  aliases?: Array<{ sourceId: string; kind: 'state' | 'label' | 'group'; key: string }>;
  /** Jira account id → display name, for `[~accountid:…]` mentions in wiki markup. */
  names?: Map<string, string>;
}

/**
 * What the writer needs of every issue before it writes the first one (ids, numbers, ranks,
 * parents, triage): an {@link ImportIssue} is one; a streamed import keeps only these fields.
 */
export interface IssueKey {
  ref: string;
  teamRef: string;
  number?: number | null;
  /** The issue's creation time (a streamed import keeps it as milliseconds since the epoch). */
  createdAt?: Date | number | null;
  rank?: string | number | null;
  sortOrder?: string | null;
  parentRef?: string | null;
  state: { readonly category: StateCategory };
  path: string;
}

/** A part of a document's bulk: some issues with their comments and history. */
export interface ImportBatch {
  issues: ImportIssue[];
  comments: ImportComment[];
  history: ImportHistoryEvent[];
}

/**
 * A validated upload ready to write. `doc` holds the small parts (users, teams, states, labels,
 * relations, aliases, names, problems); the issues, comments and history come from `batches()`
 * (for a CSV upload, a few thousand rows at a time, so they are never all in memory).
 */
export interface PreparedImport {
  doc: ImportDoc;
  /** Every issue to write, in file order, with its final parent. */
  keys: IssueKey[];
  /** Comments and history events `batches()` yields in all. */
  bulkCount: number;
  /** The issues, comments and history, validated, batch by batch (may be iterated more than once). */
  batches(): AsyncIterable<ImportBatch>;
}

/** A whole in-memory document as one batch. */
export function preparedFrom(doc: ImportDoc): PreparedImport {
  const bulk = { issues: doc.issues, comments: doc.comments, history: doc.history };
  return {
    doc: { ...doc, issues: [], comments: [], history: [] },
    keys: doc.issues,
    bulkCount: doc.comments.length + doc.history.length,
    async *batches() { yield bulk; },
  };
}

/** An empty document for `source`. */
export function emptyDoc(source: string, strict = false): ImportDoc {
  return { source, strict, users: [], teams: [], states: [], labels: [], issues: [], comments: [], relations: [], history: [], problems: [] };
}

/**
 * Collects users, labels and states of a document without duplicates (first definition wins,
 * later ones fill in missing names and e-mails).
 */
export class DocBuilder {
  readonly doc: ImportDoc;
  private users = new Map<string, ImportUser>();
  private labels = new Map<string, ImportLabel>();
  private states = new Map<string, ImportState>();
  private teams = new Map<string, ImportTeam>();
  private warned = new Set<string>();

  constructor(source: string, strict = false) {
    this.doc = emptyDoc(source, strict);
  }

  /** True when a person with this ref was added. */
  hasUser(ref: string): boolean {
    return this.users.has(ref);
  }

  /** Adds (or completes) a person and returns its ref. */
  user(u: ImportUser): string {
    const had = this.users.get(u.ref);
    if (had) {
      had.name ||= u.name ?? null;
      had.email ||= u.email ?? null;
      had.externalId ||= u.externalId ?? null;
      return had.ref;
    }
    this.users.set(u.ref, u);
    this.doc.users.push(u);
    return u.ref;
  }

  /** Adds a team once and returns its ref. */
  team(t: ImportTeam): string {
    if (!this.teams.has(t.ref)) {
      this.teams.set(t.ref, t);
      this.doc.teams.push(t);
    }
    return t.ref;
  }

  /** Adds a label (by group and case-insensitive name) once and returns its ref. */
  label(name: string, group: string | null, path: string, extra: Partial<ImportLabel> = {}): string {
    const ref = `${extra.teamRef ?? ''}\u0000${(group ?? '').toLowerCase()}\u0000${name.toLowerCase()}`;
    if (!this.labels.has(ref)) {
      const l: ImportLabel = { ref, name, group, path, ...extra };
      this.labels.set(ref, l);
      this.doc.labels.push(l);
    }
    return ref;
  }

  /** Records a state of a team once (case-insensitive name). */
  state(s: ImportState): void {
    const key = `${s.teamRef}\u0000${s.name.toLowerCase()}`;
    if (!this.states.has(key)) {
      this.states.set(key, s);
      this.doc.states.push(s);
    }
  }

  /** Adds a problem. */
  problem(p: Problem): void {
    this.doc.problems.push(p);
  }

  /** Adds a warning once per `key` (for things that repeat on every row). */
  warnOnce(key: string, path: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.doc.problems.push({ severity: 'warning', path, message });
  }
}

/** Counts of what an import creates (or would create). */
export interface ImportCounts {
  teams: number;
  states: number;
  labels: number;
  users: number;
  placeholders: number;
  issues: number;
  comments: number;
  relations: number;
  history: number;
  skipped: number;
}

/** Zero counts. */
export function zeroCounts(): ImportCounts {
  return { teams: 0, states: 0, labels: 0, users: 0, placeholders: 0, issues: 0, comments: 0, relations: 0, history: 0, skipped: 0 };
}
