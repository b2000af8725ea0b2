/**
 * `exponential issue …`: list, view, create, update, close, archive, delete and comment on
 * issues, by identifier (`ENG-12`) or id.
 */
import { createInterface } from 'node:readline/promises';
import type { components } from '@exponential/sdk';
import type { Command } from '../command.ts';
import { apiOf, CliError, type Ctx, printRecord, printTable, unwrap, usage } from '../context.ts';
import { CATEGORIES, htmlToText, PRIORITIES, priorityOf, Resolver, textToHtml } from '../resolve.ts';

type Issue = components['schemas']['Issue'];
/** An issue as `GET /issues` lists it: no description (`issue view` reads the single issue). */
type IssueListItem = components['schemas']['IssueListItem'];
type Relation = components['schemas']['IssueRelation'];
type Comment = components['schemas']['Comment'];

const filterOptions = {
  team: { type: 'string', value: 'KEY', description: 'team key, id or name' },
  state: { type: 'string', value: 'STATE', description: `state name (with --team) or category: ${CATEGORIES.join(', ')}` },
  assignee: { type: 'string', value: 'WHO', description: 'me, none, an e-mail address or a name' },
  label: { type: 'string', value: 'LABEL', description: 'label name' },
  priority: { type: 'string', value: 'PRIORITY', description: PRIORITIES.join(', ') },
  query: { type: 'string', short: 'q', value: 'TEXT', description: 'search titles and identifiers' },
  limit: { type: 'string', value: 'N', description: 'most issues to show (default 50)' },
} as const;

const writeOptions = {
  title: { type: 'string', value: 'TEXT', description: 'title' },
  description: { type: 'string', value: 'TEXT', description: 'description (plain text)' },
  priority: { type: 'string', value: 'PRIORITY', description: PRIORITIES.join(', ') },
  assignee: { type: 'string', value: 'WHO', description: 'me, none, an e-mail address or a name' },
  label: { type: 'string', multiple: true, value: 'LABEL', description: 'label name (sets the labels)' },
  state: { type: 'string', value: 'STATE', description: 'state name' },
} as const;

async function rows(r: Resolver, issues: IssueListItem[]) {
  const out = [];
  for (const i of issues) {
    const states = await r.statesOf(i.teamId);
    out.push({
      identifier: i.identifier,
      state: states.find((s) => s.id === i.stateId)?.name ?? '-',
      priority: i.priority,
      assignee: await r.nameOf(i.assigneeId),
      title: i.title,
    });
  }
  return out;
}

async function getIssue(ctx: Ctx, ref: string): Promise<Issue> {
  return unwrap(apiOf(ctx).GET('/api/v1/issues/{issueId}', { params: { path: { issueId: ref } } }));
}

/** How `issue view` names each relation type (the related issue follows). */
const RELATION_LABELS: Record<string, string> = {
  blocks: 'blocks',
  blocked_by: 'blocked by',
  related: 'related to',
  duplicate: 'duplicate of',
  duplicated_by: 'duplicated by',
};

/** Reads every page of a cursor-paginated list (`{data, nextCursor}`), at most `max` items. */
async function allPages<T>(page: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>, max = 1000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    items.push(...p.data);
    cursor = p.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}

/**
 * What `issue view` shows besides the issue: its sub-issues (newest first, as `GET /issues`
 * lists them), relations and comments (oldest first), all read over the REST API.
 */
async function issueExtras(ctx: Ctx, issueId: string): Promise<{ subIssues: IssueListItem[]; relations: Relation[]; comments: Comment[] }> {
  const api = apiOf(ctx);
  const path = { issueId };
  const [subIssues, relations, comments] = await Promise.all([
    allPages((cursor) => unwrap(api.GET('/api/v1/issues', { params: { query: { parentId: issueId, limit: 100, ...(cursor ? { cursor } : {}) } } }))),
    allPages((cursor) => unwrap(api.GET('/api/v1/issues/{issueId}/relations', { params: { path, query: { limit: 100, ...(cursor ? { cursor } : {}) } } }))),
    allPages((cursor) => unwrap(api.GET('/api/v1/issues/{issueId}/comments', { params: { path, query: { limit: 100, ...(cursor ? { cursor } : {}) } } }))),
  ]);
  return { subIssues, relations, comments };
}

/** Builds the create/update body from write options. */
async function writeBody(r: Resolver, opts: Record<string, any>, teamId: string) {
  const body: Record<string, unknown> = {};
  if (opts.title !== undefined) body.title = opts.title;
  if (opts.description !== undefined) body.description = opts.description === '' ? null : textToHtml(opts.description);
  if (opts.priority !== undefined) body.priority = priorityOf(opts.priority);
  if (opts.assignee !== undefined) body.assigneeId = await r.assignee(opts.assignee);
  if (opts.label !== undefined) body.labelIds = await Promise.all((opts.label as string[]).map((l) => r.label(l, teamId)));
  if (opts.state !== undefined) body.stateId = (await r.state(teamId, opts.state)).id;
  return body;
}

function done(ctx: Ctx, verb: string, i: Issue) {
  if (ctx.json) ctx.out(JSON.stringify(i, null, 2));
  else ctx.out(`${verb} ${i.identifier}: ${i.title}`);
}

/** The `issue` commands. */
export const issueCommands: Command[] = [
  {
    path: ['issue', 'list'],
    summary: 'List issues, newest first.',
    options: filterOptions,
    async run(ctx, o) {
      const api = apiOf(ctx);
      const r = new Resolver(api);
      const limit = o.limit === undefined ? 50 : Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usage('--limit must be an integer from 1 to 1000');
      const query: Record<string, unknown> = {};
      const team = o.team ? await r.team(o.team) : undefined;
      if (team) query.teamId = team.id;
      if (o.state) {
        if ((CATEGORIES as readonly string[]).includes(o.state.toLowerCase())) query.stateCategory = o.state.toLowerCase();
        else if (team) query.stateId = (await r.state(team.id, o.state)).id;
        else throw usage(`--state "${o.state}" is not a category (${CATEGORIES.join(', ')}): add --team to use a state name`);
      }
      if (o.assignee) query.assigneeId = (await r.assignee(o.assignee)) ?? 'none';
      if (o.label) query.labelId = await r.label(o.label, team?.id);
      if (o.priority) query.priority = priorityOf(o.priority);
      if (o.query) query.q = o.query;
      const issues: IssueListItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          api.GET('/api/v1/issues', { params: { query: { ...query, limit: Math.min(100, limit - issues.length), ...(cursor ? { cursor } : {}) } as never } }),
        );
        issues.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && issues.length < limit);
      if (ctx.json) {
        ctx.out(JSON.stringify(issues, null, 2));
        return;
      }
      printTable(ctx, await rows(r, issues), [
        ['identifier', 'ID'],
        ['state', 'STATE'],
        ['priority', 'PRIORITY'],
        ['assignee', 'ASSIGNEE'],
        ['title', 'TITLE'],
      ]);
    },
  },
  {
    path: ['issue', 'view'],
    summary: 'Show one issue with its sub-issues, relations and comments.',
    args: ['KEY-N'],
    async run(ctx, _o, [ref]) {
      const api = apiOf(ctx);
      const i = await getIssue(ctx, ref as string);
      const { subIssues, relations, comments } = await issueExtras(ctx, i.id);
      if (ctx.json) return ctx.out(JSON.stringify({ ...i, subIssues, relations, comments }, null, 2));
      const r = new Resolver(api);
      const team = (await r.allTeams()).find((t) => t.id === i.teamId);
      const states = await r.statesOf(i.teamId);
      const state = states.find((s) => s.id === i.stateId);
      printRecord(ctx, [
        ['Issue', i.identifier],
        ['Title', i.title],
        ['Team', team ? `${team.key} (${team.name})` : i.teamId],
        ['State', state ? `${state.name} (${state.category})` : i.stateId],
        ['Priority', i.priority],
        ['Assignee', await r.nameOf(i.assigneeId)],
        ['Labels', await r.labelNames(i.labelIds)],
        ['Estimate', i.estimate],
        ['Due', i.dueDate],
        ['Created', i.createdAt],
        ['Updated', i.updatedAt],
        ['Archived', i.archivedAt],
      ], i);
      const text = htmlToText(i.description);
      if (text) ctx.out(`\n${text}`);
      if (subIssues.length) {
        ctx.out(`\nSub-issues (${subIssues.length}):`);
        for (const s of subIssues) ctx.out(`  ${s.identifier}  ${states.find((st) => st.id === s.stateId)?.name ?? '-'}  ${s.title}`);
      }
      if (relations.length) {
        ctx.out(`\nRelations (${relations.length}):`);
        for (const rel of relations) ctx.out(`  ${RELATION_LABELS[rel.type] ?? rel.type} ${rel.relatedIssue.identifier}  ${rel.relatedIssue.title}`);
      }
      if (comments.length) {
        ctx.out(`\nComments (${comments.length}):`);
        for (const c of comments) {
          ctx.out(`\n  ${await r.nameOf(c.userId)}, ${c.createdAt.slice(0, 16).replace('T', ' ')} UTC${c.parentId ? ' (reply)' : ''}${c.editedAt ? ' (edited)' : ''}`);
          for (const line of htmlToText(c.body).split('\n')) ctx.out(`    ${line}`.trimEnd());
        }
      }
    },
  },
  {
    path: ['issue', 'create'],
    summary: 'Create an issue.',
    options: { team: { type: 'string', value: 'KEY', description: 'team key, id or name (required)' }, ...writeOptions },
    async run(ctx, o) {
      if (!o.team) throw usage('--team is required (a team key such as ENG; see `exponential team list`)');
      if (!o.title?.trim()) throw usage('--title is required');
      const api = apiOf(ctx);
      const r = new Resolver(api);
      const team = await r.team(o.team);
      const body = { teamId: team.id, ...(await writeBody(r, o, team.id)) };
      done(ctx, 'Created', await unwrap(api.POST('/api/v1/issues', { body: body as never })));
    },
  },
  {
    path: ['issue', 'update'],
    summary: 'Change an issue’s title, description, priority, assignee, labels or state.',
    args: ['KEY-N'],
    options: writeOptions,
    async run(ctx, o, [ref]) {
      const api = apiOf(ctx);
      const r = new Resolver(api);
      const current = await getIssue(ctx, ref as string);
      const body = await writeBody(r, o, current.teamId);
      if (!Object.keys(body).length) throw usage('Nothing to change: pass at least one of --title, --description, --priority, --assignee, --label, --state');
      done(ctx, 'Updated', await unwrap(api.PATCH('/api/v1/issues/{issueId}', { params: { path: { issueId: current.id } }, body: body as never })));
    },
  },
  {
    path: ['issue', 'close'],
    summary: 'Move an issue to its team’s default completed state.',
    args: ['KEY-N'],
    async run(ctx, _o, [ref]) {
      const api = apiOf(ctx);
      const current = await getIssue(ctx, ref as string);
      const state = await new Resolver(api).defaultState(current.teamId, 'completed');
      const i = await unwrap(api.PATCH('/api/v1/issues/{issueId}', { params: { path: { issueId: current.id } }, body: { stateId: state.id } }));
      if (ctx.json) ctx.out(JSON.stringify(i, null, 2));
      else ctx.out(`Closed ${i.identifier} (${state.name})`);
    },
  },
  {
    path: ['issue', 'archive'],
    summary: 'Archive an issue (hidden from lists; unarchive in the app).',
    args: ['KEY-N'],
    async run(ctx, _o, [ref]) {
      const api = apiOf(ctx);
      const current = await getIssue(ctx, ref as string);
      done(ctx, 'Archived', await unwrap(api.POST('/api/v1/issues/{issueId}/archive', { params: { path: { issueId: current.id } } })));
    },
  },
  {
    path: ['issue', 'delete'],
    summary: 'Delete an issue for good.',
    args: ['KEY-N'],
    options: { yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' } },
    async run(ctx, o, [ref]) {
      const api = apiOf(ctx);
      const current = await getIssue(ctx, ref as string);
      if (!o.yes) {
        if (!process.stdin.isTTY) throw usage(`Deleting ${current.identifier} cannot be undone: pass --yes to confirm`);
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(`Delete ${current.identifier} "${current.title}"? This cannot be undone. [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('Not deleted');
      }
      await unwrap(api.DELETE('/api/v1/issues/{issueId}', { params: { path: { issueId: current.id } } }));
      if (ctx.json) ctx.out(JSON.stringify({ deleted: current.id, identifier: current.identifier }));
      else ctx.out(`Deleted ${current.identifier}`);
    },
  },
  {
    path: ['issue', 'comment'],
    summary: 'Comment on an issue.',
    args: ['KEY-N'],
    options: { body: { type: 'string', value: 'TEXT', description: 'the comment (plain text, required)' } },
    async run(ctx, o, [ref]) {
      if (!o.body?.trim()) throw usage('--body is required');
      const api = apiOf(ctx);
      const current = await getIssue(ctx, ref as string);
      const c = await unwrap(api.POST('/api/v1/issues/{issueId}/comments', { params: { path: { issueId: current.id } }, body: { body: textToHtml(o.body) } }));
      if (ctx.json) ctx.out(JSON.stringify(c, null, 2));
      else ctx.out(`Commented on ${current.identifier}`);
    },
  },
];
