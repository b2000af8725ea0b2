/**
 * Jira REST issue JSON (`GET /rest/api/2/issue/{key}` or `/rest/agile/1.0/…`): one issue
 * `{id, key, fields}`, a list of them (per-issue files sent as one array), or a search result
 * `{issues: […]}`. Descriptions and comment bodies are Jira wiki markup.
 */
import { parseDate } from '../imports.dates.ts';
import { type JsonReader, at, isObject } from '../imports.json.ts';
import { categoryFromName, keyCandidate, priorityFrom, splitKey, stateCategory } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc } from '../imports.model.ts';
import { linkList } from '../imports.text.ts';
import { JIRA_GROUPS, isCanceledResolution, jiraLinkKind, jiraUser } from './jira-common.ts';

/** Fields read by this parser; any other field with a value is reported once per name. */
const KNOWN = new Set([
  'summary', 'description', 'issuetype', 'status', 'priority', 'resolution', 'resolutiondate', 'created', 'updated', 'duedate',
  'labels', 'components', 'fixVersions', 'versions', 'assignee', 'reporter', 'creator', 'comment', 'issuelinks', 'subtasks',
  'parent', 'epic', 'closedSprints', 'sprint', 'attachment', 'project',
]);

type Obj = Record<string, unknown>;

/**
 * Parses Jira REST issue JSON.
 * @param root the parsed JSON
 */
export function parseJiraJson(root: unknown, r: JsonReader): ImportDoc {
  const b = new DocBuilder('jira-json');
  b.doc.problems = r.problems;
  let list: unknown[];
  let base = '';
  if (Array.isArray(root)) list = root;
  else if (isObject(root) && Array.isArray(root.issues)) {
    list = root.issues;
    base = 'issues';
  } else if (isObject(root) && isObject(root.fields)) list = [root];
  else {
    b.problem({ severity: 'error', path: '$', message: 'not Jira issue JSON: expected {key, fields}, a list of them, or {issues: [...]}' });
    return b.doc;
  }
  const unused = new Map<string, number>();
  const user = (o: Obj | null, path: string) =>
    o ? jiraUser(b, { id: (o.accountId ?? o.key ?? o.name) as string | undefined, name: o.displayName as string | undefined, email: o.emailAddress as string | undefined }, path) : null;
  const seen = new Set<string>();
  const subtaskOf = new Map<string, string>();

  list.forEach((item, n) => {
    const path = base ? at(base, n) : `[${n}]`;
    if (!isObject(item)) {
      b.problem({ severity: 'error', path, message: 'must be an issue object' });
      return;
    }
    if (!isObject(item.fields)) {
      // A project.json saved next to per-issue files describes the project, not an issue.
      b.problem({ severity: 'warning', path, message: `no "fields": not an issue${typeof item.key === 'string' ? ` (${item.key})` : ''}; skipped` });
      return;
    }
    const f = item.fields;
    const fp = at(path, 'fields');
    const key = (r.str(item, 'key', path) ?? '').trim().toUpperCase();
    const ref = key || `id:${String(item.id ?? n)}`;
    if (seen.has(ref)) {
      b.problem({ severity: 'error', path: at(path, 'key'), message: `issue key ${key} appears twice` });
      return;
    }
    seen.add(ref);
    const split = splitKey(key);
    const project = r.obj(f, 'project', fp);
    const projectKey = String(project?.key ?? split?.[0] ?? 'JIRA').toUpperCase();
    const teamRef = b.team({ ref: projectKey, key: keyCandidate(projectKey), name: String(project?.name ?? projectKey), path: at(fp, 'project') });

    const status = r.obj(f, 'status', fp);
    const statusName = String(status?.name ?? '').trim();
    const jiraCat = isObject(status?.statusCategory) ? String(status.statusCategory.key ?? '') : null;
    const resolution = String(r.obj(f, 'resolution', fp)?.name ?? '');
    const { category: cat0 } = stateCategory(statusName || 'Open', jiraCat);
    const category = cat0 === 'completed' && categoryFromName(statusName) === null && isCanceledResolution(resolution) && !jiraCat ? 'canceled' : cat0;
    if (statusName) b.state({ teamRef, name: statusName, category, path: at(fp, 'status') });
    const resolved = parseDate(r.str(f, 'resolutiondate', fp));

    const prioWord = String(r.obj(f, 'priority', fp)?.name ?? '');
    let priority = priorityFrom(prioWord);
    if (priority === null) {
      b.warnOnce(`prio:${prioWord}`, at(fp, 'priority'), `priority "${prioWord}" is unknown; imported as no priority`);
      priority = 0;
    }

    const labelRefs: string[] = [];
    r.list(f, 'labels', fp).forEach((l, i) => { if (typeof l === 'string' && l.trim()) labelRefs.push(b.label(l.trim(), null, at(at(fp, 'labels'), i))); });
    const named = (key2: string, group: string) =>
      r.list(f, key2, fp).forEach((c, i) => { if (isObject(c) && typeof c.name === 'string' && c.name.trim()) labelRefs.push(b.label(c.name.trim(), group, at(at(fp, key2), i))); });
    const type = r.obj(f, 'issuetype', fp);
    if (typeof type?.name === 'string') labelRefs.push(b.label(type.name, JIRA_GROUPS.type, at(fp, 'issuetype')));
    named('components', JIRA_GROUPS.component);
    named('fixVersions', JIRA_GROUPS.fixVersion);
    named('versions', JIRA_GROUPS.affectsVersion);
    named('closedSprints', JIRA_GROUPS.sprint);
    const sprint = r.obj(f, 'sprint', fp);
    if (typeof sprint?.name === 'string') labelRefs.push(b.label(sprint.name, JIRA_GROUPS.sprint, at(fp, 'sprint')));
    if (resolution) labelRefs.push(b.label(resolution, JIRA_GROUPS.resolution, at(fp, 'resolution')));
    const epic = r.obj(f, 'epic', fp);
    if (epic && (typeof epic.name === 'string' || typeof epic.key === 'string')) {
      labelRefs.push(b.label(String(epic.name ?? epic.key), JIRA_GROUPS.epic, at(fp, 'epic')));
    }

    const attachments = r.list(f, 'attachment', fp).filter(isObject).map((a) => ({ name: String(a.filename ?? 'attachment'), url: typeof a.content === 'string' ? a.content : null }));
    const parent = r.obj(f, 'parent', fp);
    const desc = r.str(f, 'description', fp);
    b.doc.issues.push({
      ref,
      teamRef,
      number: split?.[1] ?? null,
      externalKey: key || null,
      title: (r.str(f, 'summary', fp) ?? '').trim(),
      description: desc ? { format: 'jira', text: desc } : null,
      descriptionSuffix: attachments.length ? linkList('Attachments', attachments) : null,
      state: { name: statusName || null, category },
      priority,
      assigneeRef: user(r.obj(f, 'assignee', fp), at(fp, 'assignee')),
      creatorRef: user(r.obj(f, 'reporter', fp), at(fp, 'reporter')) ?? user(r.obj(f, 'creator', fp), at(fp, 'creator')),
      labelRefs,
      parentRef: typeof parent?.key === 'string' ? parent.key.toUpperCase() : null,
      dueDate: typeof f.duedate === 'string' ? f.duedate.slice(0, 10) : null,
      createdAt: parseDate(r.str(f, 'created', fp)),
      updatedAt: parseDate(r.str(f, 'updated', fp)),
      completedAt: category === 'completed' ? resolved : null,
      canceledAt: category === 'canceled' ? resolved : null,
      path,
    });
    r.list(f, 'subtasks', fp).forEach((s) => {
      if (isObject(s) && typeof s.key === 'string') subtaskOf.set(s.key.toUpperCase(), ref);
    });

    const comment = r.obj(f, 'comment', fp);
    if (comment) {
      const cp = at(fp, 'comment');
      const comments = r.list(comment, 'comments', cp);
      comments.forEach((c, i) => {
        const p = at(at(cp, 'comments'), i);
        if (!isObject(c)) return b.problem({ severity: 'error', path: p, message: 'must be a comment object' });
        const created = parseDate(r.str(c, 'created', p));
        const updated = parseDate(r.str(c, 'updated', p));
        b.doc.comments.push({
          issueRef: ref,
          authorRef: user(r.obj(c, 'author', p), at(p, 'author')),
          body: { format: 'jira', text: r.str(c, 'body', p) ?? '' },
          createdAt: created,
          updatedAt: updated,
          editedAt: created && updated && updated.getTime() > created.getTime() ? updated : null,
          path: p,
        });
      });
      const total = typeof comment.total === 'number' ? comment.total : comments.length;
      if (total > comments.length) {
        b.problem({ severity: 'warning', path: at(cp, 'total'), message: `${total - comments.length} of ${total} comments are not in the file (the export was paged); only ${comments.length} imported` });
      }
    }
    r.list(f, 'issuelinks', fp).forEach((l, i) => {
      const p = at(at(fp, 'issuelinks'), i);
      if (!isObject(l) || !isObject(l.type)) return;
      const kind = jiraLinkKind(b, String(l.type.name ?? ''), p);
      if (isObject(l.outwardIssue) && typeof l.outwardIssue.key === 'string') b.doc.relations.push({ fromRef: ref, toRef: l.outwardIssue.key.toUpperCase(), kind, path: p });
      if (isObject(l.inwardIssue) && typeof l.inwardIssue.key === 'string') b.doc.relations.push({ fromRef: l.inwardIssue.key.toUpperCase(), toRef: ref, kind, path: p });
    });
    for (const [k, v] of Object.entries(f)) {
      if (KNOWN.has(k) || v === null || v === false || v === '' || (Array.isArray(v) && !v.length) || (isObject(v) && !Object.keys(v).length)) continue;
      unused.set(k, (unused.get(k) ?? 0) + 1);
    }
  });
  // Sub-tasks listed by their parent: link children that name no parent themselves.
  for (const i of b.doc.issues) if (!i.parentRef) i.parentRef = subtaskOf.get(i.ref) ?? null;
  for (const [name, count] of unused) {
    b.problem({ severity: 'warning', path: `fields.${name}`, message: `not imported (${count} issue${count === 1 ? '' : 's'} have it): no equivalent field` });
  }
  return b.doc;
}
