/**
 * Runs the real server as a child process (`node --import tsx apps/server/src/main.ts`) for tests
 * that need a process boundary: kill -9 durability, several processes on one database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A running server process. */
export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Output so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a server and waits until `/api/readyz` answers 200.
 * @param env extra environment (DATABASE_URL, REDIS_URL, …); `dataDir` reuses a data directory
 * @throws Error when it does not become ready within `timeoutMs`
 */
export async function startServer(
  opts: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number; port?: number; /** `bundle`: apps/server/dist/server.mjs, built when stale (what `npm start` and the container run). */ entry?: 'source' | 'bundle' } = {},
): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'exp-srv-'));
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  let args = ['--import', 'tsx', 'apps/server/src/main.ts'];
  if (opts.entry === 'bundle') {
    // @ts-expect-error: a plain ES module script without type declarations
    const b = (await import('../../../scripts/build-server.mjs')) as { ensureServerBundle(): Promise<string> };
    args = ['--enable-source-maps', await b.ensureServerBundle()];
  }
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      TEST_DB: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      EXPONENTIAL_APP_URL: url,
      EXPONENTIAL_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}/api/readyz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dataDir,
    child,
    output: () => out,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The newest magic-link token sent to `email`, read from the server's outbox folder. */
export function lastMagicToken(dataDir: string, email: string): string {
  const dir = path.join(dataDir, 'outbox');
  const files = readdirSync(dir).sort().reverse();
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    if (!text.toLowerCase().includes(`to: ${email.toLowerCase()}`)) continue;
    // Quoted-printable body: join soft line breaks, then decode =XX escapes.
    const decoded = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    const m = /token=(ml_[A-Za-z0-9_-]+)/.exec(decoded);
    if (m) return m[1] as string;
  }
  throw new Error(`no magic link for ${email} in ${dir}`);
}

/** Signs in against a running server and returns the session cookie value. */
export async function signInOver(server: ServerProcess, email: string): Promise<string> {
  const r = await fetch(`${server.url}/api/v1/auth/magic-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (r.status !== 202) throw new Error(`magic link: ${r.status}`);
  const token = lastMagicToken(server.dataDir, email);
  const v = await fetch(`${server.url}/api/v1/auth/magic-link/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (v.status !== 200) throw new Error(`verify: ${v.status} ${await v.text()}`);
  const cookie = /exponential_session=([^;]+)/.exec(v.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

/** fetch with a session cookie and the server's Origin. */
export function sessionFetch(server: ServerProcess, cookie: string) {
  return (p: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}${p}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie: `exponential_session=${cookie}`,
        origin: server.url,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
}
