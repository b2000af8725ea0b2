/**
 * The bare baseline server of the benchmark suite (perf-baseline.md §2.4 `/pg`): Fastify 5 with
 * no plugins, no auth and no schemas, running the SAME SQL the API runs — the statements captured
 * from the API (reads) or the baseline transactions of lib/sqltext.ts (writes) — straight through
 * postgres.js (prepared statements, pool of 10 like the API) or PGlite, and replying with the rows
 * as JSON. It is the "physical floor" of serving a request from Node on this machine.
 *
 * Configured by the JSON file in `BARE_CONFIG` (written by bench/run.ts); listens on `PORT`.
 * Routes: `GET /hello`, `GET /ready` (select 1), `GET /q/:id?i=k` (k-th parameter set of read
 * workload `id`), `GET /s/:id?i=k` (every SELECT the API ran for that request, in order; replies
 * with the page rows: how much the round trips alone cost), `POST /tx/create?t=k`,
 * `POST /tx/update?t=k`, and `POST /probe` (the same work in a loop inside this process, without
 * HTTP: the driver-level baseline).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import Fastify from 'fastify';
import postgres from 'postgres';
import { CREATE_TX, driverStatement, fixedVars, type TxStatement, UPDATE_TX } from './lib/sqltext.ts';

/** The configuration file's shape. */
export interface BareConfig {
  engine: 'postgres' | 'pglite';
  /** PostgreSQL URL. */
  url?: string;
  /**
   * PGlite: a directory holding `pgdata/`; or `fresh` (initdb in memory), `template:<tgz>` (the
   * tarball loaded in memory), or `copy:<dir>` (an unpacked template copied to a temporary
   * `pgdata/` and opened there, as the API's first start does; removed on exit).
   */
  dataDir?: string;
  /** Captured page query per read workload and parameter set. */
  queries: Record<string, Array<{ sql: string; params: unknown[] }>>;
  /** Every SELECT the API ran per request (diagnostic `/s/:id`), where captured. */
  sequences?: Record<string, Array<Array<{ sql: string; params: unknown[] }>>>;
  tx?: { workspaceId: string; userId: string; issuesPerTeam: number; teams: Array<{ id: string; stateIds: string[] }> };
}

type Row = Record<string, unknown>;
type Runner = {
  query(text: string, params: unknown[]): Promise<Row[]>;
  transaction<T>(fn: (q: Runner['query']) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

async function openRunner(cfg: BareConfig): Promise<Runner> {
  if (cfg.engine === 'postgres') {
    const sql = postgres(cfg.url!, { max: 10, onnotice: () => {} });
    return {
      query: async (text, params) => (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Row[],
      transaction: async (fn) =>
        (await sql.begin((tx) => fn(async (text, params) => (await tx.unsafe(text, params as never[], { prepare: true })) as unknown as Row[]))) as never,
      close: () => sql.end({ timeout: 5 }),
    };
  }
  let dir = cfg.dataDir ?? 'fresh';
  if (dir.startsWith('copy:')) {
    const target = mkdtempSync(path.join(os.tmpdir(), 'exp-bare-copy-'));
    process.on('exit', () => rmSync(target, { recursive: true, force: true }));
    cpSync(dir.slice(5), path.join(target, 'pgdata'), { recursive: true });
    dir = target;
  }
  const pg = await PGlite.create({
    extensions: { pg_trgm },
    ...(dir === 'fresh' ? {} : dir.startsWith('template:') ? { loadDataDir: new Blob([readFileSync(dir.slice(9))]) } : { dataDir: path.join(dir, 'pgdata') }),
  });
  return {
    query: async (text, params) => (await pg.query<Row>(text, params)).rows,
    transaction: (fn) => pg.transaction((tx) => fn(async (text, params) => (await tx.query<Row>(text, params)).rows)),
    close: () => pg.close(),
  };
}

const cfg = JSON.parse(readFileSync(process.env.BARE_CONFIG!, 'utf8')) as BareConfig;
const db = await openRunner(cfg);

/** Runs one baseline transaction for team `t`; returns the issue row it wrote. */
async function runTx(kind: 'create' | 'update', t: number): Promise<Row | undefined> {
  const tx = cfg.tx!;
  const team = tx.teams[t % tx.teams.length]!;
  const vars: Record<string, unknown> = {
    ...fixedVars({ workspaceId: tx.workspaceId, teamId: team.id, stateId: team.stateIds[Math.floor(Math.random() * team.stateIds.length)]!, userId: tx.userId }),
    num: 1 + Math.floor(Math.random() * tx.issuesPerTeam),
    prio: Math.floor(Math.random() * 5),
  };
  const stmts: TxStatement[] = kind === 'create' ? CREATE_TX : UPDATE_TX;
  return db.transaction(async (q) => {
    let written: Row | undefined;
    for (const s of stmts) {
      const { text, params } = driverStatement(s.text, vars);
      const rows = await q(text, params);
      if (s.gset) Object.assign(vars, rows[0]);
      if (/returning \*/.test(s.text)) written = rows[0];
    }
    return written;
  });
}

function readQuery(id: string, i: number) {
  const list = cfg.queries[id];
  if (!list?.length) throw new Error(`no captured query for ${id}`);
  const q = list[i % list.length]!;
  return db.query(q.sql, q.params);
}

async function readSequence(id: string, i: number) {
  const list = cfg.sequences?.[id];
  if (!list?.length) throw new Error(`no captured sequence for ${id}`);
  const seq = list[i % list.length]!;
  const main = cfg.queries[id]?.[i % list.length];
  let page: Row[] = [];
  for (const q of seq) {
    const rows = await db.query(q.sql, q.params);
    if (q.sql === main?.sql) page = rows;
  }
  return page;
}

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
app.get('/ready', async () => {
  await db.query('select 1', []);
  return { ok: true };
});
app.get<{ Params: { id: string }; Querystring: { i?: string } }>('/q/:id', async (req) => readQuery(req.params.id, Number(req.query.i ?? 0)));
app.get<{ Params: { id: string }; Querystring: { i?: string } }>('/s/:id', async (req) => readSequence(req.params.id, Number(req.query.i ?? 0)));
app.post<{ Params: { kind: string }; Querystring: { t?: string } }>('/tx/:kind', async (req) =>
  (await runTx(req.params.kind === 'update' ? 'update' : 'create', Number(req.query.t ?? 0))) ?? {},
);
app.post<{ Body: { id: string; callers: number; ms: number } }>('/probe', async (req) => {
  const { id, callers, ms } = req.body;
  const op = id === 'tx:create' ? (k: number) => runTx('create', k) : id === 'tx:update' ? (k: number) => runTx('update', k) : (k: number) => readQuery(id, k);
  const lat: number[] = [];
  let k = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const ts = performance.now();
        await op(k++);
        lat.push(performance.now() - ts);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)] ?? Number.NaN;
  return { ops: lat.length, seconds, opsPerSec: lat.length / seconds, p50Ms: q(0.5), p99Ms: q(0.99) };
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const stop = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
