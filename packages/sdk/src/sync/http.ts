/**
 * HTTP side of the sync client: the NDJSON bootstrap and the op log catch-up
 * (`GET /api/v1/sync/bootstrap`, `GET /api/v1/sync/ops`), on any `fetch` (browsers, Node ≥ 18).
 */
import type { BootstrapHeader, OpsBatch } from './protocol.ts';
import type { Row } from './store.ts';

/** Where and as whom the client talks to the server. */
export interface HttpConfig {
  /** Server origin, e.g. `http://localhost:7015` (no trailing slash needed). */
  baseUrl: string;
  /** A personal access token; omit in browsers to use the session cookie. */
  token?: string;
  /** Workspace id or URL slug (session clients in several workspaces). */
  workspace?: string;
  fetch: typeof fetch;
}

/** A non-2xx answer, with the problem document when there was one. */
export class SyncHttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
}

/** Request headers for `cfg` (bearer token or workspace selection). */
export function authHeaders(cfg: HttpConfig): Record<string, string> {
  const h: Record<string, string> = {};
  if (cfg.token) h.authorization = `Bearer ${cfg.token}`;
  if (cfg.workspace && !cfg.token) h['x-workspace'] = cfg.workspace;
  return h;
}

/** `cfg.baseUrl` joined with an absolute path. */
export function urlOf(cfg: HttpConfig, path: string): string {
  return `${cfg.baseUrl.replace(/\/+$/, '')}${path}`;
}

async function failure(res: Response): Promise<SyncHttpError> {
  let code: string | undefined;
  let detail = res.statusText;
  try {
    const body = (await res.json()) as { code?: string; detail?: string };
    code = body.code;
    detail = body.detail ?? detail;
  } catch {
    // not a problem document
  }
  return new SyncHttpError(res.status, code, `${res.status} ${detail}`);
}

/** A complete bootstrap. */
export interface BootstrapResult {
  header: BootstrapHeader;
  rows: Array<{ entity: string; data: Row }>;
  counts: Record<string, number>;
}

/**
 * Downloads and parses a bootstrap stream line by line.
 * @throws SyncHttpError on a non-200 answer; Error when the stream ends without its trailer or
 *   the counts disagree (an incomplete snapshot must never be used)
 */
export async function fetchBootstrap(cfg: HttpConfig, opts: { includeArchived?: boolean; clientId?: string } = {}): Promise<BootstrapResult> {
  const q = new URLSearchParams();
  if (opts.includeArchived) q.set('includeArchived', 'true');
  if (opts.clientId) q.set('clientId', opts.clientId);
  const res = await cfg.fetch(urlOf(cfg, `/api/v1/sync/bootstrap${q.size ? `?${q}` : ''}`), {
    headers: { accept: 'application/x-ndjson', ...authHeaders(cfg) },
    credentials: 'include',
  });
  if (res.status !== 200 || !res.body) throw await failure(res);
  let header: BootstrapHeader | undefined;
  let trailer: { complete?: boolean; counts?: Record<string, number> } | undefined;
  const rows: BootstrapResult['rows'] = [];
  const seen: Record<string, number> = {};
  const take = (line: string) => {
    if (!line) return;
    const obj = JSON.parse(line);
    if (!header) header = obj as BootstrapHeader;
    else if (obj.complete !== undefined) trailer = obj;
    else {
      rows.push(obj);
      seen[obj.entity] = (seen[obj.entity] ?? 0) + 1;
    }
  };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      take(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  }
  take(buf + decoder.decode());
  if (!header || !trailer?.complete) throw new Error('The bootstrap stream ended early');
  for (const [entity, n] of Object.entries(trailer.counts ?? {})) {
    if ((seen[entity] ?? 0) !== n) throw new Error(`The bootstrap is incomplete: ${seen[entity] ?? 0} of ${n} ${entity} records`);
  }
  return { header, rows, counts: trailer.counts ?? {} };
}

/** One page of the op log, with the teams the user may read now. */
export interface OpsPage extends OpsBatch {
  more: boolean;
  headVersion: number;
  teamIds: string[];
}

/**
 * Reads one page of the op log after `after`.
 * @throws SyncHttpError (410 `reset_required`: bootstrap again)
 */
export async function fetchOps(cfg: HttpConfig, after: number, limit = 1000): Promise<OpsPage> {
  const res = await cfg.fetch(urlOf(cfg, `/api/v1/sync/ops?after=${after}&limit=${limit}`), {
    headers: authHeaders(cfg),
    credentials: 'include',
  });
  if (res.status !== 200) throw await failure(res);
  return (await res.json()) as OpsPage;
}
