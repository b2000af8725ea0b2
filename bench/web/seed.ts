/**
 * B11 set-up: a production build of the web app served by a real server process on localhost
 * (embedded PGlite in a fresh data directory, mail to `<dataDir>/outbox`), a user signed in through
 * the real magic-link flow in Chromium, a workspace, and N issues imported in one request
 * (`POST /api/v1/imports?format=linear-csv&team=KEY`, one transaction).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';

/** The repository root (bench/web/../..). */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** A running server. */
export interface Server {
  baseURL: string;
  dataDir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

/** Builds the web app (`npm run build -w @exponential/web`). */
export function buildWeb(): void {
  execFileSync('npm', ['run', 'build', '-w', '@exponential/web'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Starts `node --import tsx apps/server/src/main.ts` on a free port with a fresh data directory.
 * @throws Error when it does not answer `/api/healthz` within 120 s
 */
export async function startServer(): Promise<Server> {
  const port = freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exp-bench-web-'));
  const baseURL = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', EXPONENTIAL_APP_URL: baseURL, EXPONENTIAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(`${baseURL}/api/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseURL,
    dataDir,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

async function magicLink(dataDir: string, email: string, since: number): Promise<string> {
  const outbox = path.join(dataDir, 'outbox');
  for (let i = 0; i < 100; i++) {
    let files: string[] = [];
    try {
      files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    } catch {
      files = [];
    }
    for (const f of files.map((x) => path.join(outbox, x)).filter((x) => statSync(x).mtimeMs >= since - 1000)) {
      const raw = readFileSync(f, 'utf8');
      if (!raw.includes(email)) continue;
      const m = /(https?:\/\/\S+\/auth\/verify\?token=[A-Za-z0-9_-]+)/.exec(decodeQuotedPrintable(raw));
      if (m) return m[1]!;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-in mail for ${email}`);
}

/** Signs a new user in through the UI (sign-in form, outbox link, confirmation). */
export async function signIn(page: Page, dataDir: string, email: string): Promise<void> {
  await page.goto('/login');
  const since = Date.now();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await page.getByTestId('check-email').waitFor();
  await page.goto(await magicLink(dataDir, email, since));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/onboarding$/);
}

const STATUSES = ['Backlog', 'Todo', 'In Progress', 'In Review', 'Done', 'Canceled'];
const PRIORITIES = ['Urgent', 'High', 'Medium', 'Low', 'No priority'];
const LABELS = ['Bug', 'Feature', 'Improvement', 'Docs', 'Security', 'Performance'];
const WORDS = 'login session cache queue worker deploy build release sync offline search filter board list label export import token webhook avatar editor comment mention'.split(' ');

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A Linear CSV export of `n` issues of team `key` (fixed pseudo-random content). */
export function issuesCsv(n: number, key: string, assignee: string): string {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const rows = ['ID,Title,Description,Status,Priority,Labels,Assignee,Created'];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 1; i <= n; i++) {
    const title = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}: ${pick(['fails', 'is slow', 'needs work', 'looks wrong', 'crashes'])} #${i}`;
    const labels = rnd() < 0.5 ? [pick(LABELS)] : rnd() < 0.5 ? [pick(LABELS), pick(LABELS)].filter((x, j, a) => a.indexOf(x) === j) : [];
    const created = new Date(start + Math.floor(rnd() * 300 * 86_400_000)).toISOString();
    rows.push([`${key}-${i}`, title, `Steps to reproduce ${i}.`, pick(STATUSES), pick(PRIORITIES), labels.join(', '), rnd() < 0.3 ? assignee : '', created].map(csvCell).join(','));
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Creates a workspace with team `key` and imports `n` issues into it.
 * @returns the workspace's URL slug and the team key
 */
export async function seedWorkspace(context: BrowserContext, baseURL: string, email: string, n: number, key = 'BEN'): Promise<{ slug: string; key: string; workspaceId: string }> {
  const headers = { origin: baseURL, 'content-type': 'application/json' };
  const slug = `bench-${Date.now().toString(36)}`;
  const ws = await context.request.post('/api/v1/workspaces', { headers: { ...headers, 'idempotency-key': crypto.randomUUID() }, data: { name: 'Bench Co', urlSlug: slug, teamName: 'Bench', teamKey: key } });
  if (ws.status() !== 201) throw new Error(`workspace: ${ws.status()} ${await ws.text()}`);
  const workspaceId = ((await ws.json()) as { workspace: { id: string } }).workspace.id;
  const res = await context.request.post(`/api/v1/imports?format=linear-csv&team=${key}`, {
    headers: { origin: baseURL, 'content-type': 'text/csv', 'x-workspace': workspaceId },
    data: Buffer.from(issuesCsv(n, key, email)),
  });
  if (res.status() !== 202) throw new Error(`import: ${res.status()} ${(await res.text()).slice(0, 2000)}`);
  const job = (await res.json()) as { id: string };
  for (let i = 0; i < 600; i++) {
    const j = (await (await context.request.get(`/api/v1/imports/${job.id}`, { headers: { 'x-workspace': workspaceId } })).json()) as { status: string; problems?: unknown };
    if (j.status === 'succeeded' || j.status === 'completed' || j.status === 'done') return { slug, key, workspaceId };
    if (j.status === 'failed') throw new Error(`import failed: ${JSON.stringify(j).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('import did not finish in 5 minutes');
}

/**
 * Waits until the web app's IndexedDB copy (the `exponential-sync:*` database, store `issue`)
 * holds at least `n` issues, polling every 500 ms.
 * @throws Playwright's TimeoutError after 120 s
 */
export async function waitForStoredIssues(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    async (want) => {
      const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((x) => x.startsWith('exponential-sync:'));
      if (!names.length) return false;
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(names[0]!);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const count = await new Promise<number>((res) => {
        const r = db.transaction('issue').objectStore('issue').count();
        r.onsuccess = () => res(r.result);
      });
      db.close();
      return count >= want;
    },
    n,
    { timeout: 120_000, polling: 500 },
  );
}
