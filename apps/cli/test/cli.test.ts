/**
 * The `exponential` CLI as a subprocess against a server it started itself (`exponential
 * serve`): login, whoami, an issue's whole life, lists, tokens, `watch` printing a change made by
 * another client, completion, migrate, and the exit codes of mistakes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, sessionFetch, signInOver, type ServerProcess } from '../../server/test/process.ts';
import { describeOp } from '../src/commands/watch.ts';
import { main } from '../src/main.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'apps/cli/bin/exponential.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'exp-cli-'));
const configHome = path.join(tmp, 'config');
let server: ServerProcess;
let token: string;
const children: ChildProcess[] = [];

/** Runs the CLI (with `input` piped to its standard input, if given) and collects its output and exit code. */
function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, EXPONENTIAL_CONFIG_HOME: configHome, EXPONENTIAL_TOKEN: '', EXPONENTIAL_API_URL: '', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin!.end(input);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/**
 * Runs the CLI in this process (same code path as the binary, without a process start): for the
 * many checks that do not need a process boundary.
 */
async function inproc(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, { EXPONENTIAL_CONFIG_HOME: configHome, EXPONENTIAL_TOKEN: '', EXPONENTIAL_API_URL: '' }, env);
  let out = '';
  let err = '';
  try {
    const code = await main(args, (l) => (out += `${l}\n`), (l) => (err += `${l}\n`));
    return { code, out, err };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const json = async (args: string[], env: Record<string, string> = {}) => {
  const r = await inproc([...args, '--json'], env);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out);
};

/** Starts `exponential serve` on `port` with `dataDir` and waits until it is ready. */
async function startServe(port: number, dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', TEST_DB: '', EXPONENTIAL_APP_URL: url, HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 80_000; // a loaded machine can take long to migrate
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${log}`);
    const ok = await fetch(`${url}/api/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`serve not ready: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => log };
}

beforeAll(async () => {
  const port = await freePort();
  const dataDir = path.join(tmp, 'data');
  const url = `http://127.0.0.1:${port}`;
  const { child, output: log } = await startServe(port, dataDir);
  server = { url, port, dataDir, child, output: log, kill: async () => {} };
  const cookie = await signInOver(server, 'cli@example.com');
  const call = sessionFetch(server, cookie);
  expect((await call('/api/v1/workspaces', { method: 'POST', body: { name: 'CLI Co', teamKey: 'CLI' } })).status).toBe(201);
  const t = await call('/api/v1/tokens', { method: 'POST', body: { name: 'cli test', scopes: ['read', 'write'] } });
  token = ((await t.json()) as { value: string }).value;
}, 120_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('exponential CLI', () => {
  it('logs in: refuses non-PAT values (2) and bad tokens (3), saves a good one with mode 0600', async () => {
    expect((await cli(['login', '--token', 'abc', '--api-url', server.url])).code).toBe(2);
    const bad = await cli(['login', '--token', 'pat_wrong', '--api-url', server.url]);
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/exponential login/);
    // Without --token, the token is read from standard input (kept out of argv and shell history).
    expect((await cli(['login', '--api-url', server.url], {}, '')).code).toBe(2);
    const piped = await cli(['login', '--api-url', server.url], {}, `${token}\n`);
    expect(piped.code, piped.err).toBe(0);
    expect(piped.out + piped.err).not.toContain(token);
    const ok = await cli(['login', '--token', token, '--api-url', server.url]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('cli@example.com');
    const file = path.join(configHome, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ token, apiUrl: server.url });
    const me = await json(['whoami']);
    expect(me.user.email).toBe('cli@example.com');
  }, 60_000);

  it('round-trips an issue: create, list, view, update, comment, close, archive, delete', async () => {
    const made = await cli(['issue', 'create', '--team', 'CLI', '--title', 'From the CLI', '--priority', 'high', '--description', 'Line one\n\nLine <two>', '--json']);
    expect(made.code, made.err).toBe(0);
    const created = JSON.parse(made.out);
    expect(created).toMatchObject({ identifier: 'CLI-1', title: 'From the CLI', priority: 'high' });
    expect(created.description).toBe('<p>Line one</p><p>Line &lt;two&gt;</p>');
    const table = await cli(['issue', 'list', '--team', 'CLI']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^ID\s+STATE\s+PRIORITY\s+ASSIGNEE\s+TITLE/);
    expect(table.out).toMatch(/CLI-1\s+Backlog\s+high\s+-\s+From the CLI/);
    const view = await inproc(['issue', 'view', 'CLI-1']);
    expect(view.out).toContain('Line <two>');
    const updated = await json(['issue', 'update', 'CLI-1', '--title', 'Renamed', '--assignee', 'me', '--state', 'In Progress']);
    expect(updated.title).toBe('Renamed');
    expect(updated.assigneeId).toBe((await json(['whoami'])).user.id);
    expect((await json(['issue', 'list', '--assignee', 'me', '--state', 'started'])).map((i: any) => i.identifier)).toEqual(['CLI-1']);
    const comment = await inproc(['issue', 'comment', 'CLI-1', '--body', 'Looks good']);
    expect(comment.out).toContain('Commented on CLI-1');
    const closing = await cli(['issue', 'close', 'CLI-1', '--json']);
    expect(closing.code, closing.err).toBe(0);
    const closed = JSON.parse(closing.out);
    const states = await json(['state', 'list', '--team', 'CLI']);
    expect(states.find((s: any) => s.id === closed.stateId)).toMatchObject({ name: 'Done', category: 'completed' });
    expect((await inproc(['issue', 'archive', 'CLI-1'])).out).toContain('Archived CLI-1');
    expect((await json(['issue', 'list', '--team', 'CLI'])).map((i: any) => i.identifier)).not.toContain('CLI-1');
    await json(['issue', 'create', '--team', 'CLI', '--title', 'Short lived']);
    expect((await cli(['issue', 'delete', 'CLI-2'])).code).toBe(2); // no TTY, no --yes
    expect((await inproc(['issue', 'delete', 'CLI-2', '--yes'])).out).toContain('Deleted CLI-2');
    const gone = await inproc(['issue', 'view', 'CLI-2']);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('error: Issue CLI-2 not found');
  });

  it('views an issue with its sub-issues, relations and comments (text and --json)', async () => {
    const parent = await json(['issue', 'create', '--team', 'CLI', '--title', 'Parent of things']);
    const other = await json(['issue', 'create', '--team', 'CLI', '--title', 'Blocked one']);
    const post = (p: string, body: unknown) =>
      fetch(`${server.url}/api/v1${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const child = await post('/issues', { teamId: parent.teamId, title: 'A child task', parentId: parent.id });
    expect(child.status).toBe(201);
    const childIssue = (await child.json()) as { identifier: string };
    expect((await post(`/issues/${parent.id}/relations`, { type: 'blocks', relatedIssueId: other.id })).status).toBe(201);
    expect((await inproc(['issue', 'comment', parent.identifier, '--body', 'First <remark>\n\nSecond paragraph'])).code).toBe(0);
    const view = await inproc(['issue', 'view', parent.identifier]);
    expect(view.code, view.err).toBe(0);
    expect(view.out).toContain('Sub-issues (1):');
    expect(view.out).toMatch(new RegExp(`${childIssue.identifier}\\s+Backlog\\s+A child task`));
    expect(view.out).toContain('Relations (1):');
    expect(view.out).toContain(`blocks ${other.identifier}  Blocked one`);
    expect(view.out).toContain('Comments (1):');
    expect(view.out).toMatch(/\n {2}\S.*, \d{4}-\d\d-\d\d \d\d:\d\d UTC\n {4}First <remark>\n {4}Second paragraph/);
    expect(view.out).not.toContain('<p>');
    const doc = await json(['issue', 'view', parent.identifier]);
    expect(doc.identifier).toBe(parent.identifier);
    expect(doc.subIssues.map((i: { identifier: string }) => i.identifier)).toEqual([childIssue.identifier]);
    expect(doc.relations).toMatchObject([{ type: 'blocks', relatedIssue: { identifier: other.identifier } }]);
    expect(doc.comments).toHaveLength(1);
    expect(doc.comments[0].body).toContain('First &lt;remark&gt;');
    for (const i of [childIssue.identifier, other.identifier, parent.identifier]) expect((await inproc(['issue', 'delete', i, '--yes'])).code).toBe(0);
  }, 60_000);

  it('lists teams, labels and tokens; creates and revokes a token', async () => {
    expect((await json(['team', 'list'])).map((t: any) => t.key)).toEqual(['CLI']);
    expect(await json(['label', 'list'])).toEqual([]);
    const created = await json(['token', 'create', '--name', 'ci', '--scope', 'read']);
    expect(created.value).toMatch(/^pat_/);
    expect((await json(['token', 'list'])).map((t: any) => t.name)).toContain('ci');
    expect((await json(['whoami'], { EXPONENTIAL_TOKEN: created.value })).user.email).toBe('cli@example.com');
    const denied = await inproc(['issue', 'create', '--team', 'CLI', '--title', 'nope'], { EXPONENTIAL_TOKEN: created.value });
    expect(denied.code).toBe(3);
    expect(denied.err).toContain('write');
    expect((await inproc(['token', 'revoke', created.token.id])).code).toBe(0);
    const revoked = await inproc(['whoami'], { EXPONENTIAL_TOKEN: created.value });
    expect(revoked.code).toBe(3);
  });

  it('watch prints changes made by another client, one line each, says what changed, and survives an outage', async () => {
    const child = spawn(process.execPath, [bin, 'watch'], {
      cwd: root,
      env: { ...process.env, EXPONENTIAL_CONFIG_HOME: configHome, EXPONENTIAL_TOKEN: token, EXPONENTIAL_API_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const until = async (pred: () => boolean, what: string, ms = 15_000) => {
      for (let i = 0; i < ms / 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!pred()) throw new Error(`${what} not seen; stdout: ${out}; stderr: ${err}`);
    };
    await until(() => err.includes('Watching'), 'Watching');
    const r = await fetch(`${server.url}/api/v1/issues`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ teamId: 'CLI', title: 'Seen by watch' }),
    });
    expect(r.status).toBe(201);
    await until(() => out.includes('Seen by watch'), 'the new issue');
    const inserted = out.split('\n').find((l) => l.includes('Seen by watch'));
    expect(inserted).toMatch(/^v\d+ issue insert CLI-\d+ "Seen by watch"$/);
    const key = /CLI-\d+/.exec(inserted as string)![0];
    // The create bumped the team's issueCount: no line for that alone.
    expect(out).not.toMatch(/team update/);
    const api = (p: string, method: string, body: unknown) =>
      fetch(`${server.url}/api/v1${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const states = (await json(['state', 'list', '--team', 'CLI'])) as Array<{ id: string; name: string }>;
    const started = states.find((s) => s.name === 'In Progress')!;
    expect((await api(`/issues/${key}`, 'PATCH', { stateId: started.id, priority: 'high' })).status).toBe(200);
    await until(() => /issue update/.test(out), 'the update');
    expect(out.split('\n').find((l) => l.includes('issue update'))).toMatch(
      new RegExp(`^v\\d+ issue update ${key} "Seen by watch": (state \\S+ → In Progress, priority none → high|priority none → high, state \\S+ → In Progress)$`),
    );
    expect((await api(`/issues/${key}/comments`, 'POST', { body: '<p>A remark from the watch test</p>' })).status).toBe(201);
    await until(() => /comment insert/.test(out), 'the comment');
    expect(out.split('\n').find((l) => l.includes('comment insert'))).toMatch(new RegExp(`^v\\d+ comment insert on ${key} by \\S.*: "A remark from the watch test"$`));
    expect(out).not.toMatch(/comment insert on [0-9a-f]{8}-/);

    // An outage: the server stops and comes back on the same port and data; announced once each way.
    const watchedServer = server.child;
    watchedServer.kill('SIGTERM');
    await new Promise((r) => watchedServer.once('exit', r));
    await until(() => err.includes('Connection lost'), 'the outage');
    await new Promise((r) => setTimeout(r, 4000)); // several reconnect attempts fail meanwhile
    const restarted = await startServe(server.port, server.dataDir);
    server = { ...server, child: restarted.child, output: restarted.output };
    // The client's reconnect delay has grown meanwhile (full jitter, capped at 30 s).
    await until(() => err.includes('Reconnected'), 'the reconnect', 45_000);
    expect(err.match(/Connection lost/g)).toHaveLength(1);
    expect(err).toMatch(/Reconnected \(caught up to v\d+\)/);
    child.kill('SIGINT');
    const code = await new Promise((res) => child.once('exit', res));
    expect(code).toBe(0);
  }, 180_000);

  it('names the web app\'s settings page for tokens as its navigation does', async () => {
    const sections = readFileSync(path.join(root, 'apps/web/src/features/settings/sections.ts'), 'utf8');
    const title = /\{ id: 'api', title: '([^']+)'/.exec(sections)?.[1];
    expect(title).toBeDefined();
    const anon = await inproc(['whoami'], { EXPONENTIAL_CONFIG_HOME: path.join(tmp, 'no-config') });
    expect(anon.code).toBe(3);
    expect(anon.err).toContain(`Settings → ${title})`);
    expect((await inproc(['login', '--help'])).out).toContain(`Settings → ${title})`);
  });

  it('describes updates by what changed, truncating long values, and drops issueCount-only team updates', () => {
    const team = { id: 't1', key: 'ENG', name: 'Engineering', issueCount: 4, updatedAt: 'a' };
    expect(describeOp({ v: 5, seq: 0, entity: 'team', id: 't1', action: 'update', data: { ...team, issueCount: 5, updatedAt: 'b' }, actor: null }, team)).toBeNull();
    const issue = { id: 'i1', identifier: 'ENG-2', title: 'Docs', description: '<p>a</p>', priority: 'none', estimate: null };
    const long = 'x'.repeat(200);
    const line = describeOp({ v: 6, seq: 0, entity: 'issue', id: 'i1', action: 'update', data: { ...issue, title: long, description: '<p>b</p>', estimate: 3 }, actor: null }, issue);
    expect(line).toBe(`v6 issue update ENG-2 "${'x'.repeat(39)}…": title Docs → ${'x'.repeat(39)}…, description changed, estimate none → 3`);
  });

  it('answers mistakes with usage (2), errors (1) and help (0)', async () => {
    const noTeam = await inproc(['issue', 'create', '--title', 'x']);
    expect(noTeam.code).toBe(2);
    expect(noTeam.err).toContain('--team is required');
    const prio = await inproc(['issue', 'list', '--priority', 'huge']);
    expect(prio.code).toBe(2);
    expect(prio.err).toContain('--priority must be one of none, urgent, high, medium, low');
    expect((await inproc(['issue', 'frobnicate'])).code).toBe(2);
    expect((await inproc(['issue', 'list', '--nope'])).code).toBe(2);
    const help = await inproc(['issue', 'update', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: exponential issue update <KEY-N> [options]');
    const down = await inproc(['whoami', '--api-url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.err).toContain('Cannot reach http://127.0.0.1:9');
    const unknownTeam = await inproc(['issue', 'create', '--team', 'ZZZ', '--title', 'x']);
    expect(unknownTeam.code).toBe(1);
    expect(unknownTeam.err).toContain('Team "ZZZ" not found');
  });

  it('imports a Linear CSV (dry run, then with progress) and exports the workspace as JSON and CSV', async () => {
    const csv = path.join(tmp, 'linear.csv');
    writeFileSync(csv, 'ID,Team,Title,Description,Status,Priority,Assignee,Labels,Parent issue\nCLI-1,Cli,First imported,,Todo,High,,"Bug, UI",\nCLI-2,Cli,Second imported,,Done,Low,,,CLI-1\n');
    const dry = await inproc(['import', csv, '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('Dry run of');
    expect(dry.out).toContain('2 issues');
    const done = await json(['import', csv]);
    expect(done.status).toBe('succeeded');
    expect(done.counts.issues).toBe(2);
    const listed = await json(['issue', 'list', '--query', 'imported']);
    expect(listed.map((i: { title: string }) => i.title).sort()).toEqual(['First imported', 'Second imported']);
    const out = path.join(tmp, 'workspace.json');
    const exported = await inproc(['export', '--output', out]);
    expect(exported.code, exported.err).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.format).toBe('exponential');
    expect(doc.issues.some((i: { title: string }) => i.title === 'Second imported')).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const csvOut = await cli(['export', '--csv'], { EXPONENTIAL_TOKEN: token, EXPONENTIAL_API_URL: server.url });
    expect(csvOut.code, csvOut.err).toBe(0);
    expect(csvOut.out).toContain('First imported');
    const unknown = await inproc(['import', path.join(tmp, 'nothing.txt')]);
    expect(unknown.code).toBe(1);
  }, 90_000);

  it('prints completion scripts and migrates a database', async () => {
    const bash = await inproc(['completion', 'bash']);
    expect(bash.out).toContain('complete -F _exponential exponential');
    expect(bash.out).toContain('"issue list") opts="--team --state');
    expect((await inproc(['completion', 'zsh'])).out).toContain('bashcompinit');
    expect((await inproc(['completion', 'fish'])).code).toBe(2);
    const migrated = await cli(['migrate', '--data-dir', path.join(tmp, 'other')], { DATABASE_URL: '', NODE_ENV: 'development' });
    expect(migrated.code, migrated.err).toBe(0);
    expect(migrated.err).toContain('Migrations applied');
  }, 60_000);
});
