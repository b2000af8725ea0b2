/**
 * What a start says when it cannot run, and what `npm start` says when its server dies: one
 * clear line each, never a stack trace. The server is started from its source (main.ts) as a
 * child process; the `npm start` supervisor (scripts/supervise.mjs) watches a stand-in child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type ServerProcess } from './process.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'exp-start-'));
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the server from source with `env` until it exits; its exit code and output. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'development', TEST_DB: '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('server start', () => {
  let server: ServerProcess;

  it('refuses a data directory another server holds, in one line', async () => {
    server = await startServer({ timeoutMs: 90_000 });
    cleanups.push(() => server.kill());
    const port = await freePort();
    const r = await runServer({ PORT: String(port), EXPONENTIAL_APP_URL: `http://127.0.0.1:${port}`, EXPONENTIAL_DATA_DIR: server.dataDir });
    expect(r.code).toBe(1);
    expect(r.out.trim()).toMatch(new RegExp(`^The data directory is in use by process ${server.child.pid} \\(.*\\)\\. Stop it first\\.$`));
  }, 120_000);

  it('refuses a busy port in one line naming the next port', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => holder.close(() => r())));
    const port = (holder.address() as net.AddressInfo).port;
    const r = await runServer({ PORT: String(port), EXPONENTIAL_APP_URL: `http://127.0.0.1:${port}`, EXPONENTIAL_DATA_DIR: path.join(tmp, 'busy') });
    expect(r.code).toBe(1);
    expect(r.out.trim()).toBe(`Port ${port} is in use (another exponential or other program?). Start with PORT=${port + 1} npm start, or stop the other process.`);
  }, 120_000);
});

describe('npm start supervisor', () => {
  /** Starts scripts/supervise.mjs over a child that idles; resolves once the child's pid is known. */
  async function supervised(): Promise<{ wrapper: ChildProcess; childPid: number; done: Promise<{ code: number | null; err: string }> }> {
    const script = `
      import { spawn } from 'node:child_process';
      import { superviseServer } from './scripts/supervise.mjs';
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
      superviseServer(child);
      console.log(child.pid);`;
    const wrapper = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    wrapper.stdout!.on('data', (d) => (out += d));
    wrapper.stderr!.on('data', (d) => (err += d));
    const done = new Promise<{ code: number | null; err: string }>((r) => wrapper.on('exit', (code) => r({ code, err })));
    for (let i = 0; i < 200 && !/^\d+\n/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const childPid = Number.parseInt(out, 10);
    expect(childPid).toBeGreaterThan(0);
    return { wrapper, childPid, done };
  }

  it('says so in one line when the server is killed from outside', async () => {
    const { childPid, done } = await supervised();
    process.kill(childPid, 'SIGKILL');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('The server stopped (SIGKILL).');
  });

  it('stays quiet when it passed the signal on itself (Ctrl-C, docker stop)', async () => {
    const { wrapper, done } = await supervised();
    wrapper.kill('SIGTERM');
    const r = await done;
    expect(r.err).toBe('');
  });
});
