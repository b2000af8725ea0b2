/**
 * What every CLI command shares: the configuration (file and environment), the typed API client
 * from @exponential/sdk, errors with exit codes, and output (aligned tables on a terminal, JSON
 * with `--json`).
 *
 * Configuration: `$EXPONENTIAL_CONFIG_HOME/config.json`, else `~/.config/exponential/config.json`,
 * written with mode 0600 as `{token, apiUrl}`. `EXPONENTIAL_TOKEN` and `EXPONENTIAL_API_URL`
 * override it; `--api-url` overrides both. Default API URL: http://localhost:7015.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApiClient, createApiClient } from '@exponential/sdk';

/** Exit codes. */
export const EXIT = { ok: 0, error: 1, usage: 2, auth: 3 } as const;

/** An error the CLI reports in one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage mistake (exit code 2). */
export const usage = (message: string) => new CliError(message, EXIT.usage);

/** The stored configuration. */
export interface CliConfig {
  token?: string;
  apiUrl?: string;
}

/** Default server address (`exponential serve` listens there). */
export const DEFAULT_API_URL = 'http://localhost:7015';

/** Path of the configuration file. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.EXPONENTIAL_CONFIG_HOME || path.join(os.homedir(), '.config', 'exponential');
  return path.join(dir, 'config.json');
}

/** Reads the configuration file (an empty one when missing). @throws CliError when unreadable */
export function readConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const file = configPath(env);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CliConfig;
  } catch {
    throw new CliError(`The configuration file ${file} is not valid JSON: fix or delete it, then run \`exponential login\` again`);
  }
}

/** Writes the configuration file with mode 0600 (its folder 0700). */
export function writeConfig(cfg: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const file = configPath(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(cfg, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Output and connection settings of one invocation. */
export interface Ctx {
  json: boolean;
  apiUrl: string;
  token: string | undefined;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
}

/** Builds the context from global flags and the environment. */
export function createCtx(flags: { json?: boolean; 'api-url'?: string }, env: NodeJS.ProcessEnv = process.env): Ctx {
  const cfg = readConfig(env);
  const apiUrl = (flags['api-url'] || env.EXPONENTIAL_API_URL || cfg.apiUrl || DEFAULT_API_URL).replace(/\/+$/, '');
  try {
    if (!/^https?:$/.test(new URL(apiUrl).protocol)) throw new Error();
  } catch {
    throw usage(`The API URL "${apiUrl}" is not an http(s) URL`);
  }
  return {
    json: !!flags.json,
    apiUrl,
    token: env.EXPONENTIAL_TOKEN || cfg.token,
    env,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    isTTY: !!process.stdout.isTTY,
  };
}

/** The typed API client, authenticated. @throws CliError (exit 3) when no token is configured */
export function apiOf(ctx: Ctx): ApiClient {
  if (!ctx.token) {
    throw new CliError('Not logged in: run `exponential login --token pat_…` (create a personal access token in Settings → API) or set EXPONENTIAL_TOKEN', EXIT.auth);
  }
  return createApiClient({ baseUrl: ctx.apiUrl, token: ctx.token, fetch: (input, init) => guardedFetch(ctx, input, init) });
}

async function guardedFetch(ctx: Ctx, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch {
    throw new CliError(`Cannot reach ${ctx.apiUrl}: is the server running? Start one with \`exponential serve\`, or point --api-url / EXPONENTIAL_API_URL at it`);
  }
}

/** Problem document fields the CLI shows. */
interface ProblemLike {
  status?: number;
  code?: string;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

/**
 * Unwraps an openapi-fetch result.
 * @throws CliError: exit 3 for 401/403 (with how to fix it), 1 otherwise, with the server's detail
 */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (response.ok) return data as T;
  const problem = (error ?? {}) as ProblemLike;
  const detail = problem.detail ?? response.statusText;
  const fields = problem.errors?.map((e) => `${e.field}: ${e.message}`).filter((f) => !detail.includes(f.split(': ')[1] ?? '\u0000')) ?? [];
  const extra = fields.length ? ` (${fields.join('; ')})` : '';
  if (response.status === 401) {
    throw new CliError(`${detail}: the token is missing, expired or revoked. Run \`exponential login --token pat_…\` with a valid token`, EXIT.auth);
  }
  if (response.status === 403) {
    const hint = problem.code === 'insufficient_scope' ? ' Create a token with the "write" scope.' : '';
    throw new CliError(`${detail}.${hint}`, EXIT.auth);
  }
  throw new CliError(`${detail}${extra}`);
}

/** Prints rows as an aligned table (header in capitals), or as JSON with `--json`. */
export function printTable(ctx: Ctx, rows: Array<Record<string, unknown>>, columns: Array<[key: string, header: string]>, json: unknown = rows) {
  if (ctx.json) {
    ctx.out(JSON.stringify(json, null, 2));
    return;
  }
  if (!rows.length) {
    ctx.out('(none)');
    return;
  }
  const cells = rows.map((r) => columns.map(([k]) => cellText(r[k])));
  const widths = columns.map(([, h], i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === vals.length - 1 ? v : v.padEnd(widths[i] as number))).join('  ').trimEnd();
  const head = line(columns.map(([, h]) => h));
  ctx.out(ctx.isTTY ? `\u001b[1m${head}\u001b[0m` : head);
  for (const c of cells) ctx.out(line(c));
}

/** Prints one record as `key: value` lines, or as JSON with `--json`. */
export function printRecord(ctx: Ctx, fields: Array<[label: string, value: unknown]>, json: unknown) {
  if (ctx.json) {
    ctx.out(JSON.stringify(json, null, 2));
    return;
  }
  const w = Math.max(...fields.map(([l]) => l.length));
  for (const [l, v] of fields) ctx.out(`${`${l}:`.padEnd(w + 1)} ${cellText(v)}`);
}

function cellText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '-';
  return String(v).replace(/\s+/g, ' ');
}
