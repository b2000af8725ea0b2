/**
 * GitHub REST issue JSON (`GET /repos/{owner}/{repo}/issues` pages saved as one array, or single
 * `GET /repos/{owner}/{repo}/issues/{n}` objects sent as an array). The issues list includes pull
 * requests; they are skipped unless `pullRequests: 'keep'` (then labelled Type › Pull request).
 * The API gives comment counts only, never bodies: the count not imported is reported.
 */
import { parseDate } from '../imports.dates.ts';
import { type JsonReader, at, isObject } from '../imports.json.ts';
import { keyCandidate } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc } from '../imports.model.ts';

/** Options of the GitHub parser. */
export interface GithubOptions {
  /** Pull requests are skipped (default) or imported as issues. */
  pullRequests: 'skip' | 'keep';
}

type Obj = Record<string, unknown>;

/** `owner/repo` of an issue, from its repository_url or html_url. */
function repoOf(o: Obj): string | null {
  for (const k of ['repository_url', 'html_url', 'url']) {
    const v = o[k];
    if (typeof v !== 'string') continue;
    const m = /\/repos\/([^/]+\/[^/]+?)(?:\/|$)/.exec(v) ?? /(?:^|\/\/)github\.com\/([^/]+\/[^/]+?)(?:\/|$)/.exec(v);
    if (m) return m[1]!;
  }
  return null;
}

/** Parses GitHub issue JSON. */
export function parseGithubJson(root: unknown, r: JsonReader, opts: GithubOptions): ImportDoc {
  const b = new DocBuilder('github-json');
  b.doc.problems = r.problems;
  const list = Array.isArray(root) ? root : isObject(root) && root.number !== undefined ? [root] : null;
  if (!list) {
    b.problem({ severity: 'error', path: '$', message: 'not GitHub issue JSON: expected an issue object or a list of them' });
    return b.doc;
  }
  const login = (u: Obj | null, path: string) => {
    const l = typeof u?.login === 'string' ? u.login : null;
    return l ? b.user({ ref: `github:${l.toLowerCase()}`, name: l, externalId: l, email: typeof u?.email === 'string' ? u.email : null, path }) : null;
  };
  let prs = 0;
  let commentCount = 0;
  let extraAssignees = 0;
  const seen = new Map<string, string>();
  list.forEach((o, n) => {
    const path = `[${n}]`;
    if (!isObject(o)) return b.problem({ severity: 'error', path, message: 'must be an issue object' });
    const isPr = o.pull_request !== undefined && o.pull_request !== null;
    if (isPr && opts.pullRequests === 'skip') {
      prs++;
      return;
    }
    const number = r.num(o, 'number', path);
    const repo = repoOf(o) ?? 'github';
    const ref = `${repo.toLowerCase()}#${number ?? `item${n}`}`;
    if (seen.has(ref)) return b.problem({ severity: 'error', path: at(path, 'number'), message: `issue ${ref} appears twice (also at ${seen.get(ref)})` });
    seen.set(ref, path);
    const teamRef = b.team({ ref: repo.toLowerCase(), key: keyCandidate(repo.split('/')[1] ?? repo), name: repo, path: at(path, 'repository_url') });
    const state = r.str(o, 'state', path);
    const reason = r.str(o, 'state_reason', path);
    const closed = state === 'closed';
    const category = closed ? (reason === 'not_planned' ? 'canceled' : 'completed') : 'unstarted';
    const closedAt = parseDate(r.str(o, 'closed_at', path));
    const labelRefs: string[] = [];
    r.list(o, 'labels', path).forEach((l, i) => {
      const name = typeof l === 'string' ? l : isObject(l) && typeof l.name === 'string' ? l.name : null;
      if (!name?.trim()) return;
      const color = isObject(l) && typeof l.color === 'string' && /^[0-9a-f]{6}$/i.test(l.color) ? `#${l.color.toLowerCase()}` : null;
      labelRefs.push(b.label(name.trim(), null, at(at(path, 'labels'), i), { color, description: isObject(l) && typeof l.description === 'string' ? l.description : null }));
    });
    const milestone = r.obj(o, 'milestone', path);
    if (typeof milestone?.title === 'string') labelRefs.push(b.label(milestone.title, 'Milestone', at(path, 'milestone')));
    if (isPr) labelRefs.push(b.label('Pull request', 'Type', at(path, 'pull_request')));
    const assignees = r.list(o, 'assignees', path).filter(isObject);
    const assignee = r.obj(o, 'assignee', path) ?? assignees[0] ?? null;
    if (assignees.length > 1) extraAssignees += assignees.length - 1;
    const comments = r.num(o, 'comments', path) ?? 0;
    commentCount += comments;
    const body = r.str(o, 'body', path);
    b.doc.issues.push({
      ref,
      teamRef,
      number,
      externalKey: `${repo}#${number}`,
      title: (r.str(o, 'title', path) ?? '').trim(),
      description: body ? { format: 'markdown', text: body } : null,
      state: { category },
      priority: 0,
      assigneeRef: login(assignee, at(path, 'assignee')),
      creatorRef: login(r.obj(o, 'user', path), at(path, 'user')),
      labelRefs,
      createdAt: parseDate(r.str(o, 'created_at', path)),
      updatedAt: parseDate(r.str(o, 'updated_at', path)),
      completedAt: category === 'completed' ? closedAt : null,
      canceledAt: category === 'canceled' ? closedAt : null,
      path,
    });
  });
  if (prs) b.problem({ severity: 'warning', path: '$', message: `${prs} pull request${prs === 1 ? '' : 's'} skipped (send pullRequests=keep to import them as issues)` });
  if (commentCount) b.problem({ severity: 'warning', path: '$', message: `${commentCount} comments not imported: GitHub's issue JSON holds comment counts, not comment bodies` });
  if (extraAssignees) b.problem({ severity: 'warning', path: '$', message: `${extraAssignees} additional assignees not imported: an issue has one assignee here` });
  return b.doc;
}
