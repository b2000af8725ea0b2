/**
 * Load generators, all on loopback and bounded in time:
 * - HTTP: wrk (Debian's `wrk`, one thread, `--latency`) with a generated Lua script that cycles
 *   through a fixed list of requests; without wrk, a Node keep-alive client with the same
 *   request list (slower: it competes with the server for the 2 cores, so results say which ran);
 * - database: pgbench (`-n -M prepared -j 2`) with one script file per parameter set, picked at
 *   random by pgbench (perf-baseline.md §2.1).
 * Request bodies may contain `{{n}}`, replaced by a counter so every write changes something.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { quantile } from './util.ts';

/** One HTTP request of a workload. */
export interface HttpRequest {
  method: string;
  path: string;
  body?: string;
}

/** Result of one timed HTTP run. */
export interface HttpResult {
  tool: 'wrk' | 'node';
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx/3xx, plus socket errors and timeouts. */
  errors: number;
}

/** Result of one pgbench run. */
export interface PgbenchResult {
  clients: number;
  seconds: number;
  tps: number;
  latencyAvgMs: number;
  failed: number;
}

let wrkPath: string | null | undefined;

/** The wrk binary, or null when not installed. */
export function findWrk(): string | null {
  if (wrkPath === undefined) {
    const r = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' });
    wrkPath = r.status === 0 ? r.stdout.trim() : null;
  }
  return wrkPath;
}

/** The pgbench binary (`PGBENCH` or PATH), or null. */
export function findPgbench(): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${process.env.PGBENCH ?? 'pgbench'}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function luaString(s: string): string {
  let eq = '=';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

/** Writes the wrk Lua script for a request list; `counterStart` seeds `{{n}}`. */
export function writeWrkScript(file: string, reqs: HttpRequest[], headers: Record<string, string>, counterStart: number): void {
  const rows = reqs.map((r) => `  {${luaString(r.method)}, ${luaString(r.path)}, ${r.body === undefined ? 'nil' : luaString(r.body)}},`);
  const hdr = Object.entries(headers).map(([k, v]) => `[ ${luaString(k)} ] = ${luaString(v)}`);
  writeFileSync(
    file,
    `local reqs = {\n${rows.join('\n')}\n}\n` +
      `local plain = { ${hdr.join(', ')} }\n` +
      `local json = { ${[...hdr, '["Content-Type"] = "application/json"'].join(', ')} }\n` +
      `local i = 0\nlocal n = ${counterStart}\n` +
      'request = function()\n' +
      '  i = (i % #reqs) + 1\n' +
      '  local r = reqs[i]\n' +
      '  if r[3] == nil then return wrk.format(r[1], r[2], plain, nil) end\n' +
      '  n = n + 1\n' +
      '  local body = string.gsub(r[3], "{{n}}", tostring(n))\n' +
      '  return wrk.format(r[1], r[2], json, body)\n' +
      'end\n',
  );
}

function toMs(v: string, unit: string): number {
  const x = Number(v);
  return unit === 'us' ? x / 1000 : unit === 's' ? x * 1000 : unit === 'm' ? x * 60_000 : x;
}

/** Parses wrk's `--latency` output. @throws Error when it has no Requests/sec line */
export function parseWrk(out: string, connections: number, seconds: number): HttpResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`wrk failed:\n${out}`);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : Number.NaN;
  };
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const sockErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    tool: 'wrk',
    connections,
    seconds: total ? toMs(total[2]!, total[3]!) / 1000 : seconds,
    requests: total ? Number(total[1]) : 0,
    rps: Number(rps[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors: (non2xx ? Number(non2xx[1]) : 0) + sockErrors,
  };
}

/** Options of {@link runHttp}. */
export interface HttpRunOptions {
  baseUrl: string;
  reqs: HttpRequest[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Folder for the generated Lua script. */
  workDir: string;
  /** Force the Node client even when wrk is installed. */
  forceNode?: boolean;
}

let counter = Math.floor(Date.now() / 1000) * 1000;

/** Runs one timed HTTP load. */
export async function runHttp(o: HttpRunOptions): Promise<HttpResult> {
  const wrk = o.forceNode ? null : findWrk();
  counter += 1_000_000;
  if (!wrk) return runNodeClient(o, counter);
  const script = path.join(o.workDir, `wrk-${process.pid}-${counter}.lua`);
  writeWrkScript(script, o.reqs, o.headers ?? {}, counter);
  const { out } = await run(
    wrk,
    ['-t1', `-c${o.connections}`, `-d${Math.max(1, Math.round(o.seconds))}s`, '--timeout', '10s', '--latency', '-s', script, o.baseUrl],
    (o.seconds + 30) * 1000,
  );
  // wrk reports script errors and then runs without the script (GET /): never accept that.
  if (/\.lua:\d+:/.test(out)) throw new Error(`wrk script error:\n${out}`);
  return parseWrk(out, o.connections, o.seconds);
}

/** The fallback load generator: `connections` keep-alive loops for `seconds` (at most 1M requests). */
async function runNodeClient(o: HttpRunOptions, start: number): Promise<HttpResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const url = new URL(o.baseUrl);
  const lat: number[] = [];
  let errors = 0;
  let i = 0;
  let n = start;
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  const one = (r: HttpRequest) =>
    new Promise<void>((resolve) => {
      const body = r.body?.replace(/\{\{n\}\}/g, String(++n));
      const ts = performance.now();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: r.method,
          path: r.path,
          agent,
          headers: { ...o.headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 400) errors++;
            lat.push(performance.now() - ts);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (performance.now() < end && lat.length + errors < 1_000_000) await one(o.reqs[i++ % o.reqs.length]!);
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - t0) / 1000;
  return {
    tool: 'node',
    connections: o.connections,
    seconds,
    requests: lat.length,
    rps: lat.length / seconds,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    errors,
  };
}

/** Parses pgbench's summary. @throws Error when it printed no tps */
export function parsePgbench(out: string, clients: number, seconds: number): PgbenchResult {
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  if (!tps || /client \d+ aborted/.test(out)) throw new Error(`pgbench failed:\n${out.slice(0, 2000)}`);
  const lat = /latency average = ([\d.]+) ms/.exec(out);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  return { clients, seconds, tps: Number(tps[1]), latencyAvgMs: lat ? Number(lat[1]) : Number.NaN, failed: failed ? Number(failed[1]) : 0 };
}

/**
 * Runs pgbench against `url` with one script per entry of `scripts` (chosen at random per
 * transaction), `clients` clients on 2 threads for `seconds`.
 */
export async function runPgbench(url: string, scriptFiles: string[], clients: number, seconds: number): Promise<PgbenchResult> {
  const bin = findPgbench();
  if (!bin) throw new Error('pgbench is not installed');
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(2, clients)), '-T', String(seconds)];
  for (const f of scriptFiles) args.push('-f', f);
  args.push(url);
  const { out } = await run(bin, args, (seconds + 60) * 1000);
  return parsePgbench(out, clients, seconds);
}
