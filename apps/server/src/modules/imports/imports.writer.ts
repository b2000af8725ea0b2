/**
 * Writes a validated {@link ImportDoc} inside ONE mutation (lib sync/mutation.ts `runMutation`):
 * all or nothing. Rules:
 * - people: imports.identities.ts (members by e-mail or name, else placeholders);
 * - teams: the chosen target team, else the team with the same key, else a new team (with the
 *   default workflow; the importer becomes its member). Keys are made valid (`^[A-Z][A-Z0-9]{0,6}$`);
 * - states: matched by name in the team (case, spaces and dashes ignored), else created after the
 *   last state of their category; an issue without a state name gets its team's default state;
 * - labels: workspace labels, in label groups for the concepts we lack; matched by name;
 * - issues: numbers are kept when every number of a team is above its counter (always true for a
 *   new team), otherwise allocated from `team.issue_count` in source order; ranks come from
 *   lib/rank.ts `ranksBetween`, in source rank order, after the team's last issue (our own export
 *   keeps its ranks when they fit); the original key is kept in `issue.external_key`;
 * - one `issue_history` row `created` with `{source: 'import', importId, format, externalKey}`
 *   per issue, plus the history of our own export with its ids translated;
 * - sync: ONE operation `{entity: 'import', action: 'insert', data: {importId, counts}}` for the
 *   whole import instead of one per row; clients re-bootstrap when they receive it.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { comment, issue, issueHistory, issueLabel, issueRelation, label, team, workflowState } from '@exponential/db';
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';
import { rankBetween, ranksBetween } from '../../lib/rank.ts';
import { sanitizeRichText } from '../../lib/sanitize.ts';
import type { MutationContext } from '../../sync/mutation.ts';
import { createTeamIn } from '../teams/teams.service.ts';
import { resolveIdentities, type PlaceholderIdentity } from './imports.identities.ts';
import type { PgTable } from 'drizzle-orm/pg-core';
import { BulkWriter, canCopy } from './imports.bulk.ts';
import { keyCandidate } from './imports.mapping.ts';
import { Slicer } from './imports.slicer.ts';
import { safeHtmlOf } from './imports.text.ts';
import { type ImportBatch, type ImportCounts, type ImportDoc, type ImportIssue, type IssueKey, type PreparedImport, type Problem, type StateCategory, preparedFrom, zeroCounts } from './imports.model.ts';
import { convertIssues } from './imports.convert.ts';

/** Options of {@link writeImport}. */
export interface WriteOptions {
  importId: string;
  /** Put every issue in this team (id) instead of teams from the file. */
  targetTeamId?: string | null;
  /** Called with 0–1 as rows are written (for the job's progress). */
  onProgress?: (fraction: number) => void;
  /** Called with the size of each batch of source entities the writer takes in (tests). */
  onBatch?: (size: { issues: number; comments: number; history: number }) => void;
}

/** What the writer did. */
export interface WriteResult {
  counts: ImportCounts;
  placeholders: PlaceholderIdentity[];
  teamIds: string[];
  /** Things mapped approximately while writing (a renamed key, a triage state without triage). */
  problems: Problem[];
}

const CHUNK = 500;
/** Source entities turned into rows at a time (bounds the rows in memory). */
const SLICE = 5000;
/** Parent links set after the fact (a child written before its parent) per UPDATE statement. */
const PARENT_FIXES = 1000;
const CATEGORY_ORDER: StateCategory[] = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'];
const CATEGORY_COLOR: Record<StateCategory, string> = {
  triage: '#fc7840', backlog: '#bec2c8', unstarted: '#e2e2e2', started: '#f2c94c', completed: '#5e6ad2', canceled: '#95a2b3',
};
const PALETTE = ['#5e6ad2', '#26b5ce', '#0f783c', '#f2c94c', '#f2994a', '#eb5757', '#bb87fc', '#4ea7fc', '#95a2b3', '#6b7280'];
const stateKey = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
const colorFor = (name: string) => PALETTE[[...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % PALETTE.length]!;

/**
 * Inserts `rows` in multi-row INSERTs of {@link CHUNK}, letting the event loop run between them
 * when the slice is used up (on PGlite a query never waits for I/O, so without this nothing else
 * would run until the whole import's transaction ends).
 */
async function insertChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, slicer: Slicer, progress?: (n: number) => void) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await insert(chunk);
    progress?.(chunk.length);
    await slicer.maybe();
  }
}

/** Largest number in `values` and `floor` (a loop: spreading 100,000+ arguments into Math.max throws). */
export function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Groups `items` by `keyOf` in one pass, keeping their order inside each group. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Random bytes drawn at a time by {@link idMaker} (256 ids). */
const ID_POOL_BYTES = 4096;

/**
 * A source of new row ids for one import: UUIDv7 (RFC 9562 §5.7) formatted by uuid's `v7`, as
 * lib/ids.ts `newId` makes them (time in ms, then a counter that starts at a random value each
 * new millisecond, so ids made in order sort in order), but with the random bits drawn
 * {@link ID_POOL_BYTES} at a time: uuid draws 16 bytes per id with `crypto.getRandomValues`,
 * which took 1.9 s of CPU for the ~215,000 ids of the 100,000-issue benchmark.
 * @returns a function giving a new id (a lowercase UUID string) per call
 */
export function idMaker(): () => string {
  const pool = new Uint8Array(ID_POOL_BYTES);
  let at = pool.length;
  let msecs = -1;
  let seq = 0;
  return () => {
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const random = pool.subarray(at, at + 16);
    at += 16;
    const now = Date.now();
    if (now > msecs) {
      msecs = now;
      seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) msecs++;
    }
    return v7({ random, msecs, seq });
  };
}

/** Replaces every string in `v` that is a source id with its new id, `map(source id)` (history changes). */
function remapIds(v: unknown, map: (sourceId: string) => string | undefined): unknown {
  if (typeof v === 'string') return map(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => remapIds(x, map));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, remapIds(x, map)]));
  return v;
}

/**
 * Writes the document. Call inside `runMutation`; throws to roll everything back.
 * Teams, states, labels, numbers and ranks are settled first from the small parts and the issue
 * keys; then the issues, comments and history are written batch by batch as `input.batches()`
 * yields them (descriptions are converted to HTML per batch, so only one batch's rows and
 * conversion garbage are alive at a time). A child written before its parent (a later batch)
 * gets its parent link by an UPDATE at the end.
 * @param input a validated upload (parseUpload), or a whole validated document
 * @returns counts, placeholders created, teams touched, and writer-level warnings
 */
export async function writeImport(ctx: MutationContext, input: ImportDoc | PreparedImport, opts: WriteOptions): Promise<WriteResult> {
  const prepared = 'keys' in input ? input : preparedFrom(input);
  const { doc, keys } = prepared;
  const { tx, workspaceId, now, actorId } = ctx;
  const slicer = new Slicer();
  const newId = idMaker();
  /** Bulk rows: COPY-like batches, pipelined on PostgreSQL, when the driver allows (imports.bulk.ts), else multi-row INSERTs. */
  const writer = canCopy(tx) ? new BulkWriter(tx, slicer) : null;
  const bulk = <T extends Record<string, unknown>>(table: PgTable, list: T[], progress?: (n: number) => void) =>
    writer ? writer.rows(table, list, progress) : insertChunks(list, (c) => tx.insert(table).values(c as never), slicer, progress);
  const counts = zeroCounts();
  const problems: Problem[] = [];
  const silent: MutationContext = { ...ctx, emit: () => {} };
  const exponential = doc.source.startsWith('exponential');
  const remap = new Map<string, string>();

  const people = await resolveIdentities(tx, workspaceId, doc.users, now);
  counts.users = people.matched;
  counts.placeholders = people.created.length;
  for (const [ref, id] of people.byRef) remap.set(ref, id);
  const userOf = (ref: string | null | undefined) => (ref ? people.byRef.get(ref) ?? null : null);

  // Teams.
  const existing = await tx.select().from(team).where(eq(team.workspaceId, workspaceId));
  const teamByKey = new Map(existing.map((t) => [t.key, t]));
  const teamOf = new Map<string, typeof team.$inferSelect>();
  const usedKeys = new Map<string, string>();
  const createdTeams = new Set<string>();
  const target = opts.targetTeamId ? existing.find((t) => t.id === opts.targetTeamId) : undefined;
  for (const t of doc.teams) {
    if (target) {
      teamOf.set(t.ref, target);
      continue;
    }
    let key = keyCandidate(t.key).slice(0, 7);
    if (usedKeys.has(key) && usedKeys.get(key) !== t.ref) {
      for (let n = 2; usedKeys.has(key) || teamByKey.has(key); n++) key = `${keyCandidate(t.key).slice(0, 7 - String(n).length)}${n}`;
    }
    if (key !== t.key.toUpperCase()) problems.push({ severity: 'warning', path: t.path, message: `team key ${t.key} is not a valid key here (1–7 letters and digits); team ${key} is used, and issues keep their original keys as external keys` });
    usedKeys.set(key, t.ref);
    let row = teamByKey.get(key);
    if (!row) {
      const needsTriage = doc.states.some((s) => s.teamRef === t.ref && s.category === 'triage') || keys.some((i) => i.teamRef === t.ref && i.state.category === 'triage');
      const made = await createTeamIn(silent, actorId ?? '', { name: t.name, key, description: t.description ?? null, isPrivate: t.isPrivate ?? false, triageEnabled: (t.triageEnabled ?? false) || needsTriage });
      row = made.team;
      if (exponential && (t.createdAt || t.archivedAt)) {
        [row] = await tx.update(team).set({ createdAt: t.createdAt ?? row.createdAt, updatedAt: t.updatedAt ?? row.updatedAt, archivedAt: t.archivedAt ?? null }).where(eq(team.id, row.id)).returning() as [typeof team.$inferSelect];
      }
      teamByKey.set(key, row);
      createdTeams.add(row.id);
      counts.teams++;
    }
    teamOf.set(t.ref, row);
    remap.set(t.ref, row.id);
  }
  const teamIds = [...new Set([...teamOf.values()].map((t) => t.id))];

  // Workflow states.
  const states = teamIds.length ? await tx.select().from(workflowState).where(inArray(workflowState.teamId, teamIds)) : [];
  const stateIn = new Map<string, typeof workflowState.$inferSelect>();
  for (const s of states) stateIn.set(`${s.teamId}\u0000${stateKey(s.name)}`, s);
  const defaultOf = (teamId: string, cat: StateCategory) => {
    const own = states.filter((s) => s.teamId === teamId && s.category === cat);
    return own.find((s) => s.isDefault) ?? own[0];
  };
  const ordered = [...doc.states].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const s of ordered) {
    const t = teamOf.get(s.teamRef)!;
    const k = `${t.id}\u0000${stateKey(s.name)}`;
    let row = stateIn.get(k);
    if (!row) {
      let category = s.category;
      if (category === 'triage' && !t.triageEnabled && !createdTeams.has(t.id)) {
        problems.push({ severity: 'warning', path: s.path, message: `team ${t.key} has triage turned off; state "${s.name}" is created as a backlog state` });
        category = 'backlog';
      }
      const own = states.filter((x) => x.teamId === t.id);
      const rank = CATEGORY_ORDER.indexOf(category);
      const before = own.filter((x) => CATEGORY_ORDER.indexOf(x.category) <= rank).reduce((m, x) => Math.max(m, x.position), 0);
      const after = own.filter((x) => CATEGORY_ORDER.indexOf(x.category) > rank).reduce((m, x) => Math.min(m, x.position), Number.POSITIVE_INFINITY);
      const position = Number.isFinite(after) ? (before + after) / 2 : before + 1000;
      const hasCategory = own.some((x) => x.category === category);
      [row] = (await tx.insert(workflowState).values({
        id: newId(), workspaceId, teamId: t.id, name: s.name, category, color: s.color && /^#[0-9a-f]{6}$/i.test(s.color) ? s.color : CATEGORY_COLOR[category],
        description: s.description ?? null, position, isDefault: !hasCategory, createdAt: s.createdAt ?? now, updatedAt: s.updatedAt ?? s.createdAt ?? now,
      }).returning()) as [typeof workflowState.$inferSelect];
      states.push(row);
      stateIn.set(k, row);
      counts.states++;
    }
  }
  for (const a of doc.aliases ?? []) {
    if (a.kind !== 'state') continue;
    const [tref, name] = a.key.split('\u0000') as [string, string];
    const t = teamOf.get(tref);
    const row = t ? stateIn.get(`${t.id}\u0000${stateKey(name)}`) : undefined;
    if (row) remap.set(a.sourceId, row.id);
  }

  // Labels and label groups (workspace scope unless the file says a team's).
  const live = await tx.select().from(label).where(and(eq(label.workspaceId, workspaceId), isNull(label.archivedAt)));
  const labelKey = (teamId: string | null, parentId: string | null, name: string) => `${teamId ?? ''}\u0000${parentId ?? ''}\u0000${name.toLowerCase()}`;
  const labelIndex = new Map(live.map((l) => [labelKey(l.teamId, l.parentId, l.name), l]));
  const groupId = async (name: string) => {
    const k = labelKey(null, null, name);
    let g = labelIndex.get(k);
    if (g && !g.isGroup) {
      problems.push({ severity: 'warning', path: `label group "${name}"`, message: `a label named "${name}" exists and is not a group; the group "${name} (imported)" is used` });
      return groupId(`${name} (imported)`);
    }
    if (!g) {
      [g] = (await tx.insert(label).values({ id: newId(), workspaceId, name, color: colorFor(name), isGroup: true, createdAt: now, updatedAt: now }).returning()) as [typeof label.$inferSelect];
      labelIndex.set(k, g);
      counts.labels++;
    }
    return g.id;
  };
  const labelIdOf = new Map<string, string>();
  for (const l of doc.labels) {
    const teamId = l.teamRef ? teamOf.get(l.teamRef)?.id ?? null : null;
    const parentId = l.group ? await groupId(l.group) : null;
    const k = labelKey(teamId, parentId, l.name);
    let row = labelIndex.get(k);
    if (!row) {
      [row] = (await tx.insert(label).values({
        id: newId(), workspaceId, teamId, parentId, name: l.name, color: l.color && /^#[0-9a-f]{6}$/i.test(l.color) ? l.color : colorFor(l.group ?? l.name),
        description: l.description ?? null, createdAt: l.createdAt ?? now, updatedAt: l.updatedAt ?? l.createdAt ?? now, archivedAt: l.archivedAt ?? null,
      }).returning()) as [typeof label.$inferSelect];
      if (!row.archivedAt) labelIndex.set(k, row);
      counts.labels++;
    }
    labelIdOf.set(l.ref, row.id);
  }
  for (const a of doc.aliases ?? []) {
    if (a.kind === 'label' && labelIdOf.has(a.key)) remap.set(a.sourceId, labelIdOf.get(a.key)!);
    if (a.kind === 'group') { const g = labelIndex.get(labelKey(null, null, a.key)); if (g) remap.set(a.sourceId, g.id); }
  }

  // Issues: numbers and ranks per team, parents before children.
  // Per issue, by its index in `keys`: the new id, number and rank (arrays, not one Map per field:
  // they hold 100,000 entries each for the benchmark's file until the import ends).
  const indexOf = new Map<string, number>();
  keys.forEach((k, n) => indexOf.set(k.ref, n));
  const at = (k: IssueKey) => indexOf.get(k.ref)!;
  const ids = keys.map(() => newId());
  const numbers = new Float64Array(keys.length);
  const ranks: string[] = new Array(keys.length);
  const idOf = (ref: string) => {
    const n = indexOf.get(ref);
    return n === undefined ? undefined : ids[n];
  };
  /** A source id's new id: people, teams, states, labels, comments (`remap`), then issues. */
  const remapped = (sourceId: string) => remap.get(sourceId) ?? idOf(sourceId);
  const byTeam = groupBy(keys, (i) => teamOf.get(i.teamRef)!.id);
  const teamById = new Map([...teamOf.values()].map((x) => [x.id, x]));
  for (const [teamId, list] of byTeam) {
    await slicer.maybe();
    const t = teamById.get(teamId)!;
    const [fresh] = await tx.select({ issueCount: team.issueCount }).from(team).where(eq(team.id, teamId)).for('update');
    const counter = fresh!.issueCount;
    const nums = list.map((i) => i.number);
    const keep = nums.every((n) => typeof n === 'number' && n > counter) && new Set(nums).size === nums.length;
    const time = (k: IssueKey) => (k.createdAt instanceof Date ? k.createdAt.getTime() : k.createdAt ?? 0);
    const bySource = [...list].sort((a, b) => (a.number ?? Number.MAX_SAFE_INTEGER) - (b.number ?? Number.MAX_SAFE_INTEGER) || time(a) - time(b));
    let next = counter;
    for (const i of bySource) numbers[at(i)] = keep ? i.number! : ++next;
    if (!keep && list.some((i) => typeof i.number === 'number')) {
      problems.push({ severity: 'warning', path: t.key, message: `team ${t.key} already has issues numbered up to ${counter}: imported issues get new numbers from ${counter + 1} (their original keys are kept as external keys)` });
    }
    const max = maxOf(list.map((i) => numbers[at(i)]!), next);
    await tx.update(team).set({ issueCount: max }).where(eq(team.id, teamId));
    const [last] = await tx.select({ sortOrder: issue.sortOrder }).from(issue).where(eq(issue.teamId, teamId)).orderBy(desc(issue.sortOrder)).limit(1);
    const own = list.map((i) => i.sortOrder);
    const validRank = (r: string | null | undefined) => { try { return !!r && rankBetween(r, null).length > 0; } catch { return false; } };
    if (exponential && !last && own.every(validRank) && new Set(own).size === own.length) {
      for (const i of list) ranks[at(i)] = i.sortOrder!;
    } else {
      const sorted = [...list].sort((a, b) => {
        const ra = a.rank ?? null;
        const rb = b.rank ?? null;
        if (ra !== null && rb !== null && ra !== rb) return typeof ra === 'number' && typeof rb === 'number' ? ra - rb : String(ra) < String(rb) ? -1 : 1;
        if ((ra === null) !== (rb === null)) return ra === null ? 1 : -1;
        return numbers[at(a)]! - numbers[at(b)]!;
      });
      const between = ranksBetween(last?.sortOrder ?? null, null, sorted.length);
      sorted.forEach((i, n) => { ranks[at(i)] = between[n]!; });
    }
  }

  const total = Math.max(1, keys.length * 2 + prepared.bulkCount);
  let done = 0;
  const tick = (n: number) => { done += n; opts.onProgress?.(Math.min(1, done / total)); };
  // Rich text was sanitized at validation (descriptions: just below); it goes through the
  // sanitizer again at the write, as every writer of a rich-text column does
  // (test/sanitize.test.ts). Idempotent on sanitized HTML.
  // Rows are made SLICE source entities at a time, just before they are written, so the rows of
  // a batch are never all in memory at once.
  const bulkMapped = async <S, T extends Record<string, unknown>>(table: PgTable, items: S[], toRows: (item: S) => T[], progress?: (n: number) => void) => {
    for (let k = 0; k < items.length; k += SLICE) {
      const out: T[] = [];
      for (let j = k; j < Math.min(items.length, k + SLICE); j++) for (const r of toRows(items[j]!)) out.push(r);
      await bulk(table, out, progress);
    }
  };
  /** 1 at the index of each issue whose row was made (sent before any row made after it). */
  const written = new Uint8Array(keys.length);
  /** [child id, parent id] of children written before their parent. */
  const lateParents: Array<[string, string]> = [];
  const issueRow = (i: ImportIssue) => {
    const t = teamOf.get(i.teamRef)!;
    const st = (i.state.name ? stateIn.get(`${t.id}\u0000${stateKey(i.state.name)}`) : undefined) ?? defaultOf(t.id, i.state.category) ?? defaultOf(t.id, 'backlog') ?? defaultOf(t.id, 'unstarted')!;
    const created = i.createdAt ?? now;
    const updated = i.updatedAt && i.updatedAt >= created ? i.updatedAt : created;
    const fill = !exponential;
    const n = at(i);
    const id = ids[n]!;
    let parentId = i.parentRef ? idOf(i.parentRef) ?? null : null;
    if (parentId && !written[indexOf.get(i.parentRef!)!]) {
      lateParents.push([id, parentId]);
      parentId = null;
    }
    written[n] = 1;
    return {
      id, workspaceId, teamId: t.id, number: numbers[n]!, title: i.title, description: i.html ? safeHtmlOf(i, i.html) : null, stateId: st.id,
      assigneeId: userOf(i.assigneeRef), creatorId: userOf(i.creatorRef), priority: i.priority, estimate: i.estimate ?? null,
      parentId, sortOrder: ranks[n]!, dueDate: i.dueDate ?? null,
      startedAt: i.startedAt ?? null,
      completedAt: st.category === 'completed' ? i.completedAt ?? (fill ? updated : null) : exponential ? i.completedAt ?? null : null,
      canceledAt: st.category === 'canceled' ? i.canceledAt ?? (fill ? updated : null) : exponential ? i.canceledAt ?? null : null,
      archivedAt: i.archivedAt ?? null,
      externalSource: exponential ? i.externalSource ?? null : doc.source, externalKey: i.externalKey ?? null,
      createdAt: created, updatedAt: updated,
    };
  };

  // Descriptions are converted in a worker thread (imports.convert.ts) one batch ahead: while
  // this thread builds and sends the rows of a batch, the next one is inflated and converted.
  const convert = (b: ImportBatch) => {
    const p = convertIssues(b.issues, doc.names, slicer);
    p.catch(() => {}); // awaited below; meanwhile a failure is not "unhandled"
    return p;
  };
  const source = prepared.batches()[Symbol.asyncIterator]();
  let step = await source.next();
  let converting = step.done ? null : convert(step.value);
  while (!step.done) {
    const batch = step.value;
    const converted = converting;
    opts.onBatch?.({ issues: batch.issues.length, comments: batch.comments.length, history: batch.history.length });
    step = await source.next();
    converting = step.done ? null : convert(step.value);
    await converted;
    // Parents of the batch before their children.
    const inBatch = new Map(batch.issues.map((i) => [i.ref, i]));
    const topo: ImportIssue[] = [];
    const placed = new Set<string>();
    const place = (i: ImportIssue) => {
      if (placed.has(i.ref)) return;
      placed.add(i.ref);
      const p = i.parentRef ? inBatch.get(i.parentRef) : undefined;
      if (p) place(p);
      topo.push(i);
    };
    batch.issues.forEach(place);
    await bulkMapped(issue, topo, (i) => [issueRow(i)], tick);
    counts.issues += topo.length;
    // Fresh issue ids and labels deduplicated per issue: no link can conflict, so no ON CONFLICT.
    await bulkMapped(issueLabel, batch.issues, (i) => [...new Set(i.labelRefs.map((r) => labelIdOf.get(r)).filter((x): x is string => !!x))].map((labelId) => ({ issueId: idOf(i.ref)!, labelId, workspaceId })));

    // Comments: thread roots first.
    const commentIds = batch.comments.map(() => newId());
    batch.comments.forEach((c, n) => { if (c.ref) remap.set(c.ref, commentIds[n]!); });
    const commentRows = batch.comments.map((c, n) => {
      const created = c.createdAt ?? now;
      return {
        id: commentIds[n]!, workspaceId, issueId: idOf(c.issueRef)!, userId: userOf(c.authorRef), parentId: c.parentRef ? remap.get(c.parentRef) ?? null : null,
        body: c.html ? safeHtmlOf(c, c.html) : sanitizeRichText(''), editedAt: c.editedAt ?? null, createdAt: created, updatedAt: c.updatedAt && c.updatedAt >= created ? c.updatedAt : created,
      };
    });
    commentRows.sort((a, b) => Number(a.parentId !== null) - Number(b.parentId !== null));
    await bulk(comment, commentRows, tick);
    counts.comments += commentRows.length;

    await bulkMapped(issueHistory, batch.history, (h) => [{ id: newId(), workspaceId, issueId: idOf(h.issueRef)!, actorId: userOf(h.actorRef), kind: h.kind, changes: remapIds(h.changes, remapped) as object, createdAt: h.createdAt }], tick);
    await bulkMapped(issueHistory, topo, (i) => [{
      id: newId(), workspaceId, issueId: idOf(i.ref)!, actorId, kind: 'created', changes: { source: 'import', importId: opts.importId, format: doc.source, externalKey: i.externalKey ?? null }, createdAt: now,
    }], tick);
    counts.history += batch.history.length;
  }

  // Every bulk statement answered (a failed one throws its own error here, not the next
  // statement's "transaction is aborted").
  await writer?.drain();
  for (let k = 0; k < lateParents.length; k += PARENT_FIXES) {
    const pairs = lateParents.slice(k, k + PARENT_FIXES).map(([child, parent]) => sql`(${child}::uuid, ${parent}::uuid)`);
    await tx.execute(sql`UPDATE ${issue} SET parent_id = v.parent_id FROM (VALUES ${sql.join(pairs, sql`, `)}) AS v(id, parent_id) WHERE ${issue}.id = v.id`);
    await slicer.maybe();
  }

  const relRows = doc.relations.map((r) => ({
    id: newId(), workspaceId, issueId: idOf(r.fromRef)!, relatedIssueId: idOf(r.toRef)!, type: r.kind,
    creatorId: r.creatorRef !== undefined ? userOf(r.creatorRef) : actorId, createdAt: r.createdAt ?? now,
  }));
  await insertChunks(relRows, (c) => tx.insert(issueRelation).values(c).onConflictDoNothing(), slicer);
  counts.relations = relRows.length;

  ctx.emit({ entity: 'import', id: opts.importId, action: 'insert', data: { importId: opts.importId, counts }, teamId: null });
  return { counts, placeholders: people.created, teamIds, problems };
}
