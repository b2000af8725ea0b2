/**
 * Child processes of the sync and import benchmarks: the real API (bench/sync/api-entry.ts, which
 * runs `start()` of apps/server/src/main.ts) and the raw `ws` floor server
 * (bench/sync/raw-ws-server.ts). Each listens on a free 127.0.0.1 port, has an IPC channel for
 * memory readings after GC, and is stopped by its own handle only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort, root } from '../../lib/procs.ts';
import { sleep } from '../../lib/util.ts';
import type { MemorySnapshot } from './memory.ts';

/** A started child with an IPC channel. */
export interface Child {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Memory after two full GCs, as the child measures itself. */
  memory(): Promise<MemorySnapshot>;
  /** The last ~32 KB of its output. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves on exit. */
  stop(): Promise<void>;
}

/** Options of {@link spawnChild}. */
export interface SpawnOptions {
  script: string;
  env: Record<string, string>;
  /** Resolves true once the child is ready (polled every 20 ms). */
  ready: (url: string) => Promise<boolean>;
  timeoutMs?: number;
}

/**
 * Starts `node --expose-gc --import tsx <script>` with PORT/HOST set and an IPC channel.
 * @throws Error when it exits or is not ready in time (it is then killed)
 */
export async function spawnChild(o: SpawnOptions): Promise<Child> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  // BENCH_NODE_ARGS: extra flags for diagnostics, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--expose-gc', ...extra, '--import', 'tsx', o.script], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-32_768);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let seq = 0;
  const pending = new Map<number, (m: MemorySnapshot) => void>();
  child.on('message', (m: { type?: string; id?: number } & MemorySnapshot) => {
    if (m?.type === 'mem' && typeof m.id === 'number') pending.get(m.id)?.(m);
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = performance.now() + (o.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.script} exited early (${child.exitCode}):\n${out}`);
    if (await o.ready(url).catch(() => false)) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${o.script} not ready in time:\n${out}`);
    }
    await sleep(20);
  }
  return {
    url,
    port,
    pid: child.pid as number,
    child,
    output: () => out,
    stop,
    memory() {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('no memory answer in 30 s'));
        }, 30_000);
        pending.set(id, (m) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(m);
        });
        child.send({ type: 'mem', id });
      });
    },
  };
}

/** Where the API keeps its data. */
export interface ApiDb {
  /** PostgreSQL URL, or undefined for PGlite. */
  databaseUrl?: string;
  /** PGlite data directory (also the API's data directory for secrets). */
  dataDir: string;
}

/** Starts the real API (quiet logs, no per-user rate limit: one token sends every request). */
export function startApi(db: ApiDb, extra: Record<string, string> = {}): Promise<Child> {
  return spawnChild({
    script: 'bench/sync/api-entry.ts',
    env: {
      NODE_ENV: 'development',
      TEST_DB: '',
      EXPONENTIAL_DATA_DIR: db.dataDir,
      EXPONENTIAL_SESSION_SECRET: randomBytes(32).toString('base64url'),
      EXPONENTIAL_RATE_LIMIT_PER_MINUTE: '1000000000',
      EXPONENTIAL_PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000000',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.databaseUrl ?? '',
      REDIS_URL: '',
      ...extra,
    },
    ready: async (url) => (await fetch(`${url}/api/readyz`)).status === 200,
  });
}

/** Starts the raw ws floor server (optionally on Redis pub/sub). */
export function startRawWs(redisUrl?: string): Promise<Child> {
  return spawnChild({
    script: 'bench/sync/raw-ws-server.ts',
    env: { REDIS_URL: redisUrl ?? '' },
    ready: async (url) => (await fetch(`${url}/ready`)).status === 200,
    timeoutMs: 30_000,
  });
}
