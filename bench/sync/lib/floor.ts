/**
 * Bare-script floors of B8 and B9: the same SQL the server runs, through postgres.js in the
 * harness process, plus JSON encoding, with nothing else (no HTTP, WebSocket, auth or
 * presentation). They are what "≤ 2× the floor" is measured against.
 */
import postgres from 'postgres';

/** Time and bytes of one floor pass. */
export interface FloorPass {
  ms: number;
  bytes: number;
  rows: number;
  queries: number;
}

/**
 * Reads the op log after `after` as sync/oplog.ts `readLogPage` does (pages of `pageOps` + 1
 * rows, ordered by version and seq, cut on a whole version) and JSON-encodes each page.
 */
export async function oplogFloor(url: string, workspaceId: string, after: number, pageOps: number): Promise<FloorPass> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Warm-up: the connection and the prepared statement, as a running server has them.
    await sql`select * from sync_operation where workspace_id = ${workspaceId} and version > ${after} order by version, seq limit ${1}`;
    const t0 = performance.now();
    let from = after;
    let bytes = 0;
    let rows = 0;
    let queries = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      const page = await sql`select * from sync_operation where workspace_id = ${workspaceId} and version > ${from} order by version, seq limit ${pageOps + 1}`;
      queries++;
      let taken: typeof page | (typeof page)[number][] = page;
      const more = page.length > pageOps;
      if (more) {
        const cut = page[pageOps]!.version;
        taken = page.slice(0, pageOps).filter((r) => r.version !== cut);
      }
      if (!taken.length) break;
      bytes += Buffer.byteLength(JSON.stringify({ type: 'ops', fromVersion: from, toVersion: taken[taken.length - 1]!.version, ops: taken }));
      rows += taken.length;
      from = Number(taken[taken.length - 1]!.version);
      if (!more) break;
    }
    return { ms: performance.now() - t0, bytes, rows, queries };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The same in one query (perf-baseline.md §2.5's "10k ops: fetch + stringify"). */
export async function oplogFloorSingle(url: string, workspaceId: string, after: number): Promise<FloorPass> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select * from sync_operation where workspace_id = ${workspaceId} and version > ${after + 1_000_000_000} order by version, seq`;
    const t0 = performance.now();
    const rows = await sql`select * from sync_operation where workspace_id = ${workspaceId} and version > ${after} order by version, seq`;
    const bytes = Buffer.byteLength(JSON.stringify(rows));
    return { ms: performance.now() - t0, bytes, rows: rows.length, queries: 1 };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Reads every non-archived issue of the workspace as sync/bootstrap.ts does (team by team, pages
 * of `pageSize` along `(team_id, number)`, each page's labels in one query) and JSON-encodes one
 * line per issue.
 */
export async function bootstrapFloor(url: string, workspaceId: string, pageSize: number): Promise<FloorPass> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    const t0 = performance.now();
    let bytes = 0;
    let rows = 0;
    let queries = 1;
    const teams = await sql`select id from team where workspace_id = ${workspaceId} order by id`;
    for (const t of teams) {
      let after = 0;
      for (let guard = 0; guard < 100_000; guard++) {
        const page = await sql`select * from issue where team_id = ${t.id} and number > ${after} and archived_at is null order by number limit ${pageSize}`;
        queries++;
        if (!page.length) break;
        const labels = await sql`select issue_id, label_id from issue_label where issue_id in ${sql(page.map((r) => r.id as string))}`;
        queries++;
        const byIssue = new Map<string, string[]>();
        for (const l of labels) byIssue.set(l.issue_id, [...(byIssue.get(l.issue_id) ?? []), l.label_id]);
        let chunk = '';
        for (const r of page) chunk += `${JSON.stringify({ entity: 'issue', data: { ...r, labelIds: byIssue.get(r.id) ?? [] } })}\n`;
        bytes += Buffer.byteLength(chunk);
        rows += page.length;
        after = page[page.length - 1]!.number;
        if (page.length < pageSize) break;
      }
    }
    return { ms: performance.now() - t0, bytes, rows, queries };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
