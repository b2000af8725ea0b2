/**
 * Child processes of a run: the real API (`node --import tsx apps/server/src/main.ts`, as
 * apps/server/test/process.ts starts it) and the bare baseline server (bench/bare-server.ts).
 * Each is started on a free loopback port and timed from spawn until a given URL answers 200
 * (cold start, B10). Only processes started here are stopped here, by their own handle.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './util.ts';

/** Repository root (the API is started from there). */
export const root = path.resolve(import.meta.dirname, '../..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A started child process. */
export interface Proc {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn until the readiness URL first answered 200. */
  readyMs: number;
  /** The last ~32 KB of its output. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves on exit. */
  stop(): Promise<void>;
}

/** Options of {@link startProcess}. */
export interface StartOptions {
  script: string;
  env: Record<string, string>;
  /** Path (with query) polled until 200, e.g. `/api/readyz`. */
  readyPath: string;
  /** Headers sent while polling. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Extra node flags, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}

/**
 * Starts `node --import tsx <script>` (a `.ts` script) or `node --enable-source-maps <script>` (built
 * JavaScript) with PORT/HOST set and waits until `readyPath` answers 200.
 * @throws Error when the process exits or is not ready in time (it is then killed)
 */
export async function startProcess(o: StartOptions): Promise<Proc> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const t0 = performance.now();
  const loader = o.script.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...loader, o.script], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-32_768);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = t0 + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.script} exited early (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}${o.readyPath}`, { headers: o.headers });
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${o.script} not ready in time:\n${out}`);
    }
    await sleep(10);
  }
  return { url, child, readyMs: performance.now() - t0, output: () => out, stop };
}

/** Environment of the API child: no rate limit (one token sends every request), quiet logs. */
export function apiEnv(opts: { databaseUrl?: string; dataDir: string; secret: string; logLevel: string }): Record<string, string> {
  return {
    NODE_ENV: 'development',
    TEST_DB: '',
    EXPONENTIAL_DATA_DIR: opts.dataDir,
    EXPONENTIAL_SESSION_SECRET: opts.secret,
    EXPONENTIAL_RATE_LIMIT_PER_MINUTE: '1000000000',
    LOG_LEVEL: opts.logLevel,
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATABASE_URL: '' }),
  };
}

/**
 * The API's entry point, relative to the repository root: the built bundle that `npm start` and
 * the container run (scripts/build-server.mjs; `ensureServerBundle()` builds it when stale).
 * `BENCH_API_MAIN` names another build instead (a copy kept next to it), for A/B runs of two
 * builds under the same load.
 */
export const API_MAIN = process.env.BENCH_API_MAIN || 'apps/server/dist/server.mjs';

/** Builds the API bundle when it is missing or older than its sources. */
export async function ensureServerBundle(): Promise<void> {
  // @ts-expect-error: a plain ES module script without type declarations
  const b = (await import('../../scripts/build-server.mjs')) as { ensureServerBundle(): Promise<string> };
  await b.ensureServerBundle();
}
/** The bare baseline server's entry point. */
export const BARE_MAIN = 'bench/bare-server.ts';
