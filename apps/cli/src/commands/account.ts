/**
 * Signing in (`login`, `logout`, `whoami`), tokens, and the reference lists: teams, workflow
 * states and labels.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createApiClient } from '@exponential/sdk';
import type { Command } from '../command.ts';
import { apiOf, CliError, type Ctx, configPath, printRecord, printTable, readConfig, unwrap, usage, writeConfig } from '../context.ts';
import { Resolver } from '../resolve.ts';

/**
 * Reads a token from standard input: the whole input when piped (`echo $TOKEN | exponential
 * login`), else one line typed at a prompt on stderr whose characters are not echoed. Keeps the
 * token out of shell history and of `npm run`'s command echo.
 */
async function readTokenFromInput(ctx: Ctx): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  }
  ctx.err('Paste your personal access token (input is hidden), then press Enter:');
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.once('line', resolve));
  } finally {
    rl.close();
  }
}

/** Sign-in, token and listing commands. */
export const accountCommands: Command[] = [
  {
    path: ['login'],
    summary: 'Save a personal access token (checked against the server) in the configuration file.',
    details: 'Create a personal access token in the web app (Settings → API) or with `exponential token create`.',
    options: {
      token: { type: 'string', value: 'pat_…', description: 'the personal access token; without it, read from standard input (piped, or typed at a prompt that does not echo)' },
    },
    async run(ctx, o) {
      const token = (o.token ?? (await readTokenFromInput(ctx))).trim();
      if (!token) throw usage('No token given: `exponential login` reads it from standard input, or pass --token pat_…');
      if (!token.startsWith('pat_')) throw usage('Personal access tokens start with "pat_"');
      const me = await unwrap(
        createApiClient({
          baseUrl: ctx.apiUrl,
          token,
          fetch: (i, init) =>
            fetch(i, init).catch(() => {
              throw new CliError(`Cannot reach ${ctx.apiUrl}: is the server running? Pass --api-url to choose another server`);
            }),
        }).GET('/api/v1/me'),
      );
      const file = writeConfig({ ...readConfig(ctx.env), token, apiUrl: ctx.apiUrl }, ctx.env);
      if (ctx.json) ctx.out(JSON.stringify({ user: me.user, workspaceId: me.workspaceId, apiUrl: ctx.apiUrl, configFile: file }));
      else ctx.out(`Logged in to ${ctx.apiUrl} as ${me.user.name} <${me.user.email}>. Token saved in ${file}`);
    },
  },
  {
    path: ['logout'],
    summary: 'Remove the saved token from the configuration file (the token itself stays valid).',
    async run(ctx) {
      const cfg = readConfig(ctx.env);
      if (!cfg.token) return ctx.out('Not logged in');
      delete cfg.token;
      writeConfig(cfg, ctx.env);
      ctx.out(`Removed the token from ${configPath(ctx.env)}. Revoke it in the web app if it may have leaked`);
    },
  },
  {
    path: ['whoami'],
    summary: 'Show who the token belongs to and which workspace it acts in.',
    async run(ctx) {
      const me = await unwrap(apiOf(ctx).GET('/api/v1/me'));
      const ws = me.workspaces.find((w) => w.id === me.workspaceId);
      printRecord(ctx, [
        ['User', `${me.user.name} <${me.user.email}>`],
        ['Workspace', ws ? `${ws.name} (${ws.urlSlug})` : me.workspaceId],
        ['Role', me.role],
        ['Server', ctx.apiUrl],
      ], me);
    },
  },
  {
    path: ['team', 'list'],
    summary: 'List the teams you can see.',
    async run(ctx) {
      const teams = await new Resolver(apiOf(ctx)).allTeams();
      printTable(ctx, teams.map((t) => ({ ...t, private: t.isPrivate ? 'yes' : 'no' })), [
        ['key', 'KEY'],
        ['name', 'NAME'],
        ['private', 'PRIVATE'],
        ['issueCount', 'ISSUES'],
      ], teams);
    },
  },
  {
    path: ['state', 'list'],
    summary: 'List a team’s workflow states in order.',
    options: { team: { type: 'string', value: 'KEY', description: 'team key, id or name (required)' } },
    async run(ctx, o) {
      if (!o.team) throw usage('--team is required (see `exponential team list`)');
      const r = new Resolver(apiOf(ctx));
      const states = await r.statesOf((await r.team(o.team)).id);
      printTable(ctx, states.map((s) => ({ ...s, default: s.isDefault ? 'yes' : '' })), [
        ['name', 'NAME'],
        ['category', 'CATEGORY'],
        ['default', 'DEFAULT'],
        ['color', 'COLOR'],
      ], states);
    },
  },
  {
    path: ['label', 'list'],
    summary: 'List labels (workspace labels and those of your teams).',
    options: { team: { type: 'string', value: 'KEY', description: 'only this team’s labels and workspace labels' } },
    async run(ctx, o) {
      const r = new Resolver(apiOf(ctx));
      const team = o.team ? await r.team(o.team) : undefined;
      const teams = await r.allTeams();
      const labels = (await r.allLabels()).filter((l) => !team || !l.teamId || l.teamId === team.id);
      printTable(ctx, labels.map((l) => ({ ...l, team: teams.find((t) => t.id === l.teamId)?.key ?? '(workspace)', archived: l.archivedAt ? 'yes' : '' })), [
        ['name', 'NAME'],
        ['team', 'TEAM'],
        ['color', 'COLOR'],
        ['archived', 'ARCHIVED'],
      ], labels);
    },
  },
  {
    path: ['token', 'list'],
    summary: 'List your personal access tokens (never their secret values).',
    async run(ctx) {
      const api = apiOf(ctx);
      const tokens = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET('/api/v1/tokens', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        tokens.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      printTable(ctx, tokens.map((t) => ({ ...t, state: t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < new Date().toISOString() ? 'expired' : 'active' })), [
        ['id', 'ID'],
        ['name', 'NAME'],
        ['tokenPrefix', 'PREFIX'],
        ['scopes', 'SCOPES'],
        ['state', 'STATE'],
        ['lastUsedAt', 'LAST USED'],
      ], tokens);
    },
  },
  {
    path: ['token', 'create'],
    summary: 'Create a personal access token; its value is shown once.',
    options: {
      name: { type: 'string', value: 'NAME', description: 'what the token is for (required)' },
      scope: { type: 'string', multiple: true, value: 'SCOPE', description: 'read or write (default: read)' },
      'expires-in-days': { type: 'string', value: 'DAYS', description: 'lifetime in days (default: no expiry)' },
    },
    async run(ctx, o) {
      if (!o.name?.trim()) throw usage('--name is required');
      const body: Record<string, unknown> = { name: o.name, scopes: o.scope ?? ['read'] };
      if (o['expires-in-days'] !== undefined) {
        const d = Number(o['expires-in-days']);
        if (!Number.isInteger(d) || d < 1) throw usage('--expires-in-days must be a positive integer');
        body.expiresInDays = d;
      }
      const created = await unwrap(apiOf(ctx).POST('/api/v1/tokens', { body: body as never }));
      if (ctx.json) return ctx.out(JSON.stringify(created, null, 2));
      ctx.out(created.value);
      ctx.err(`Created token "${created.token.name}" (${created.token.scopes.join(', ')}). Copy it now: it is not shown again.`);
    },
  },
  {
    path: ['token', 'revoke'],
    summary: 'Revoke a personal access token by id (see `exponential token list`).',
    args: ['TOKEN-ID'],
    async run(ctx, _o, [id]) {
      await unwrap(apiOf(ctx).DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId: id as string } } }));
      if (ctx.json) ctx.out(JSON.stringify({ revoked: id }));
      else ctx.out(`Revoked ${id}`);
    },
  },
];

