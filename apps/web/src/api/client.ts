/**
 * A thin JSON client over `fetch` for the REST API under `/api/v1`. Same-origin cookies carry the
 * session; `X-Workspace` names the workspace the request acts in. Errors come back as RFC 9457
 * problem documents and are raised as {@link ApiError} with a human message.
 *
 * Kept deliberately small so the generated SDK (packages/sdk) can replace it without touching the
 * screens: everything goes through {@link request}.
 */

/** One field error of a problem document. */
export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem document as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}

/** A failed API call: HTTP status, the problem's `code`, a message fit to show, field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let currentWorkspace: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Sets the workspace (id or URL slug) sent as `X-Workspace` on every later request. */
export function setWorkspaceHeader(workspace: string | null): void {
  currentWorkspace = workspace;
}

/** Registers what to do when the session is gone (a 401 from any call but `/me`). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

/** Options of {@link request}. */
export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** Sent as `Idempotency-Key`, so a retried create is applied once. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Overrides the current workspace for this call (`null`: send none). */
  workspace?: string | null;
}

/** Message to show for a problem document. */
export function problemMessage(p: Problem, status: number): string {
  const first = p.errors?.[0];
  const base = p.detail || p.title || `Request failed (${status})`;
  if (first && !base.includes(first.message)) return `${base}: ${first.message}`;
  return base;
}

/**
 * Sends one request and returns the parsed JSON body (undefined for 204).
 * @throws ApiError for any non-2xx answer (status 0 when the network failed)
 */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  let url = path.startsWith('/') ? path : `/api/v1/${path}`;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null) qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const ws = opts.workspace === undefined ? currentWorkspace : opts.workspace;
  if (ws) headers['X-Workspace'] = ws;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const p = (json && typeof json === 'object' ? json : {}) as Problem;
    const err = new ApiError(res.status, p.code ?? `http_${res.status}`, problemMessage(p, res.status), p.errors ?? []);
    if (res.status === 401 && !url.startsWith('/api/v1/me')) onUnauthenticated?.();
    throw err;
  }
  return json as T;
}

/** A page of a cursor-paginated list. */
export interface Page<T> {
  data: T[];
  nextCursor?: string | null;
}

/**
 * Reads every page of a cursor-paginated list (`?limit=&cursor=` → `{data, nextCursor}`), calling
 * `onPage` as pages arrive so the screen fills in progressively.
 */
export async function listAll<T>(
  path: string,
  query: RequestOptions['query'] = {},
  onPage?: (rows: T[]) => void,
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null | undefined;
  // A server bug returning the same cursor forever must not spin: stop after 10,000 pages.
  for (let i = 0; i < 10_000; i++) {
    const page = await request<Page<T>>('GET', path, { query: { ...query, cursor: cursor ?? undefined }, signal });
    out.push(...page.data);
    onPage?.(page.data);
    if (!page.nextCursor || page.nextCursor === cursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** A fresh random UUID (client-chosen entity ids and idempotency keys). */
export function uuid(): string {
  return crypto.randomUUID();
}
