/**
 * Our own export (`{format: 'exponential', version: 1, …}`, see modules/exports), read strictly:
 * every reference must resolve inside the file and every value must have its documented type,
 * so a damaged or hand-edited file is refused with the JSON path of each fault before anything is
 * written. Comments may also be nested in their issue (`issues[3].comments[0]`), which hand-made
 * files find easier. Ids in the file are references only: new ids are allocated.
 */
import { parseDate } from '../imports.dates.ts';
import { type JsonReader, at, isObject } from '../imports.json.ts';
import { DocBuilder, type ImportDoc, type RelationKind, type StateCategory } from '../imports.model.ts';
import { PRIORITIES } from '../../issues/issues.presenter.ts';

const CATEGORIES = new Set(['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled']);
const KINDS = new Set(['blocks', 'related', 'duplicate']);
type Obj = Record<string, unknown>;

/** Parses an exponential export document. */
export function parseExponentialJson(root: unknown, r: JsonReader): ImportDoc {
  const b = new DocBuilder('exponential-json', true);
  b.doc.problems = r.problems;
  if (!isObject(root) || root.format !== 'exponential') {
    b.problem({ severity: 'error', path: 'format', message: 'must be "exponential": this is not an exponential export' });
    return b.doc;
  }
  if (root.version !== 1) {
    b.problem({ severity: 'error', path: 'version', message: `version ${JSON.stringify(root.version)} is not supported (this server reads version 1)` });
    return b.doc;
  }
  const aliases: NonNullable<ImportDoc['aliases']> = [];
  b.doc.aliases = aliases;
  const err = (path: string, message: string) => b.problem({ severity: 'error', path, message });
  const id = (o: Obj, path: string, key = 'id'): string | null => {
    const v = o[key];
    if (typeof v === 'string' && v.trim()) return v;
    if (typeof v === 'number') return String(v);
    err(at(path, key), 'is required');
    return null;
  };
  const date = (o: Obj, key: string, path: string): Date | null => {
    const v = r.str(o, key, path);
    if (v === null) return null;
    const d = parseDate(v);
    if (!d) err(at(path, key), `"${v}" is not a date`);
    return d;
  };
  const each = (key: string, fn: (o: Obj, path: string) => void) =>
    r.list(root, key, '', true).forEach((o, i) => (isObject(o) ? fn(o, at(key, i)) : err(at(key, i), 'must be an object')));

  each('members', (m, path) => {
    const ref = id(m, path);
    if (!ref) return;
    b.user({ ref, email: r.str(m, 'email', path), name: r.str(m, 'name', path), path });
  });
  const teamIds = new Set<string>();
  each('teams', (t, path) => {
    const ref = id(t, path);
    const key = r.str(t, 'key', path);
    const name = r.str(t, 'name', path);
    if (!key) err(at(path, 'key'), 'is required');
    if (!name?.trim()) err(at(path, 'name'), 'must not be empty');
    if (!ref || !key || !name) return;
    teamIds.add(ref);
    b.team({
      ref, key, name, description: r.str(t, 'description', path), isPrivate: r.bool(t, 'isPrivate', path), triageEnabled: r.bool(t, 'triageEnabled', path),
      createdAt: date(t, 'createdAt', path), updatedAt: date(t, 'updatedAt', path), archivedAt: date(t, 'archivedAt', path), path,
    });
  });
  const team = (o: Obj, path: string, key = 'teamId'): string | null => {
    const t = id(o, path, key);
    if (t && !teamIds.has(t)) err(at(path, key), `no team with id ${t} in teams`);
    return t && teamIds.has(t) ? t : null;
  };
  const states = new Map<string, { teamRef: string; name: string; category: StateCategory }>();
  each('states', (s, path) => {
    const ref = id(s, path);
    const teamRef = team(s, path);
    const name = r.str(s, 'name', path);
    const category = r.str(s, 'category', path);
    if (!name?.trim()) err(at(path, 'name'), 'must not be empty');
    if (!category || !CATEGORIES.has(category)) err(at(path, 'category'), `must be one of ${[...CATEGORIES].join(', ')}`);
    if (!ref || !teamRef || !name?.trim() || !category || !CATEGORIES.has(category)) return;
    const st = { teamRef, name, category: category as StateCategory };
    states.set(ref, st);
    aliases.push({ sourceId: ref, kind: 'state', key: `${teamRef}\u0000${name.trim().toLowerCase()}` });
    b.state({
      ...st, color: r.str(s, 'color', path), description: r.str(s, 'description', path), position: r.num(s, 'position', path),
      isDefault: r.bool(s, 'isDefault', path), createdAt: date(s, 'createdAt', path), updatedAt: date(s, 'updatedAt', path), path,
    });
  });
  const labelRefs = new Map<string, string>();
  const rawLabels = r.list(root, 'labels', '', true);
  const groupName = new Map<string, string>();
  rawLabels.forEach((l) => {
    if (isObject(l) && l.isGroup === true && typeof l.id === 'string' && typeof l.name === 'string') {
      groupName.set(l.id, l.name);
      aliases.push({ sourceId: l.id, kind: 'group', key: l.name.trim().toLowerCase() });
    }
  });
  rawLabels.forEach((l, i) => {
    const path = at('labels', i);
    if (!isObject(l)) return err(path, 'must be an object');
    const ref = id(l, path);
    const name = r.str(l, 'name', path);
    if (!name?.trim()) err(at(path, 'name'), 'must not be empty');
    const parent = r.str(l, 'parentId', path);
    if (parent && !groupName.has(parent)) err(at(path, 'parentId'), `no label group with id ${parent} in labels`);
    const teamRef = l.teamId === null || l.teamId === undefined ? null : team(l, path);
    if (!ref || !name?.trim() || l.isGroup === true) return;
    const lref = b.label(name, parent ? groupName.get(parent) ?? null : null, at(path, 'name'), {
      color: r.str(l, 'color', path), description: r.str(l, 'description', path), teamRef,
      createdAt: date(l, 'createdAt', path), updatedAt: date(l, 'updatedAt', path), archivedAt: date(l, 'archivedAt', path),
    });
    labelRefs.set(ref, lref);
    aliases.push({ sourceId: ref, kind: 'label', key: lref });
  });

  const issueIds = new Set<string>();
  const rawIssues = r.list(root, 'issues', '', true);
  rawIssues.forEach((o) => { if (isObject(o) && typeof o.id === 'string') issueIds.add(o.id); });
  const person = (o: Obj, key: string, path: string): string | null => {
    const v = r.str(o, key, path);
    if (!v) return null;
    if (!b.hasUser(v)) {
      err(at(path, key), `no member with id ${v} in members`);
      return null;
    }
    return v;
  };
  const issueRef = (o: Obj, key: string, path: string, required: boolean): string | null => {
    const v = r.str(o, key, path);
    if (!v) {
      if (required) err(at(path, key), 'is required');
      return null;
    }
    if (!issueIds.has(v)) {
      err(at(path, key), `no issue with id ${v} in the file`);
      return null;
    }
    return v;
  };
  const comment = (c: Obj, path: string, issue: string | null) => {
    const body = r.str(c, 'body', path);
    const iss = issue ?? issueRef(c, 'issueId', path, true);
    if (!iss) return;
    b.doc.comments.push({
      ref: typeof c.id === 'string' ? c.id : null, issueRef: iss, authorRef: person(c, 'userId', path), body: { format: 'html', text: body ?? '' },
      parentRef: r.str(c, 'parentId', path), createdAt: date(c, 'createdAt', path), updatedAt: date(c, 'updatedAt', path), editedAt: date(c, 'editedAt', path), path: at(path, 'body'),
    });
  };
  rawIssues.forEach((o, i) => {
    const path = at('issues', i);
    if (!isObject(o)) return err(path, 'must be an object');
    const ref = id(o, path);
    const teamRef = team(o, path);
    const stateId = r.str(o, 'stateId', path);
    const st = stateId ? states.get(stateId) : undefined;
    if (!stateId) err(at(path, 'stateId'), 'is required');
    else if (!st) err(at(path, 'stateId'), `no workflow state with id ${stateId} in states`);
    else if (teamRef && st.teamRef !== teamRef) err(at(path, 'stateId'), 'the state belongs to another team');
    const prio = r.str(o, 'priority', path) ?? 'none';
    const priority = (PRIORITIES as readonly string[]).indexOf(prio);
    if (priority < 0) err(at(path, 'priority'), `must be one of ${PRIORITIES.join(', ')}`);
    const labels = r.list(o, 'labelIds', path).flatMap((l, j) => {
      const lr = typeof l === 'string' ? labelRefs.get(l) : undefined;
      if (!lr) err(at(at(path, 'labelIds'), j), `no label with id ${String(l)} in labels`);
      return lr ? [lr] : [];
    });
    const number = r.num(o, 'number', path);
    if (number !== null && (!Number.isInteger(number) || number < 1)) err(at(path, 'number'), 'must be a positive integer');
    const desc = r.str(o, 'description', path);
    if (!ref || !teamRef) return;
    b.doc.issues.push({
      ref, teamRef, number, externalKey: r.str(o, 'externalKey', path), externalSource: r.str(o, 'externalSource', path),
      title: r.str(o, 'title', path) ?? '', description: desc ? { format: 'html', text: desc } : null,
      state: { name: st?.name ?? null, category: st?.category ?? 'unstarted' }, priority: Math.max(priority, 0),
      estimate: r.num(o, 'estimate', path), assigneeRef: person(o, 'assigneeId', path), creatorRef: person(o, 'creatorId', path),
      labelRefs: labels, parentRef: issueRef(o, 'parentId', path, false), dueDate: r.str(o, 'dueDate', path), sortOrder: r.str(o, 'sortOrder', path),
      createdAt: date(o, 'createdAt', path), updatedAt: date(o, 'updatedAt', path), startedAt: date(o, 'startedAt', path),
      completedAt: date(o, 'completedAt', path), canceledAt: date(o, 'canceledAt', path), archivedAt: date(o, 'archivedAt', path), path,
    });
    r.list(o, 'comments', path).forEach((c, j) => (isObject(c) ? comment(c, at(at(path, 'comments'), j), ref) : err(at(at(path, 'comments'), j), 'must be an object')));
  });
  r.list(root, 'comments', '').forEach((c, i) => (isObject(c) ? comment(c, at('comments', i), null) : err(at('comments', i), 'must be an object')));
  r.list(root, 'relations', '').forEach((x, i) => {
    const path = at('relations', i);
    if (!isObject(x)) return err(path, 'must be an object');
    const type = r.str(x, 'type', path);
    if (!type || !KINDS.has(type)) err(at(path, 'type'), `must be one of ${[...KINDS].join(', ')}`);
    const from = issueRef(x, 'issueId', path, true);
    const to = issueRef(x, 'relatedIssueId', path, true);
    if (from && to && type && KINDS.has(type)) {
      b.doc.relations.push({ fromRef: from, toRef: to, kind: type as RelationKind, creatorRef: person(x, 'creatorId', path), createdAt: date(x, 'createdAt', path), path });
    }
  });
  r.list(root, 'history', '').forEach((h, i) => {
    const path = at('history', i);
    if (!isObject(h)) return err(path, 'must be an object');
    const iss = issueRef(h, 'issueId', path, true);
    const kind = r.str(h, 'kind', path);
    const created = date(h, 'createdAt', path);
    if (!kind) err(at(path, 'kind'), 'is required');
    if (!iss || !kind) return;
    b.doc.history.push({
      issueRef: iss, actorRef: person(h, 'actorId', path), kind, changes: isObject(h.changes) ? h.changes : {}, createdAt: created ?? new Date(0), path,
    });
  });
  return b.doc;
}
