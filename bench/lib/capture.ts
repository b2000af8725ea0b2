/**
 * Captures the SQL the real API runs for a request: the application (`buildApp`, the same code
 * the server process runs) is built in this process over a database whose driver logs every
 * statement (postgres.js `debug` hook; PGlite `query` wrapped, transactions included), and each
 * workload request is sent once with `inject`. The statements feed the EXPLAIN check and the
 * baselines (pgbench scripts and the bare endpoint run exactly these statements).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { type Database, type Db, schema } from '@exponential/db';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { buildApp } from '../../apps/server/src/app.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createMailer } from '../../apps/server/src/lib/mailer.ts';
import { createMemoryBus } from '../../apps/server/src/sync/bus.ts';
import type { BenchDb } from './engines.ts';

/** One statement as the driver received it. */
export interface Captured {
  sql: string;
  params: unknown[];
}

/** A request sent once, with the statements it ran. */
export interface CapturedRequest {
  status: number;
  /** Response body size in bytes. */
  bytes: number;
  json: unknown;
  statements: Captured[];
}

/** Sends one request through the in-process application and records its SQL. */
export type CaptureCall = (method: string, url: string, body?: unknown) => Promise<CapturedRequest>;

type QueryFn = PGlite['query'];

function wrapQuery<T extends { query: QueryFn }>(target: T, sink: (c: Captured) => void): void {
  const orig = target.query.bind(target) as QueryFn;
  (target as { query: QueryFn }).query = ((text: string, params?: unknown[], opts?: object) => {
    sink({ sql: text, params: [...(params ?? [])] });
    return orig(text, params, opts as never);
  }) as QueryFn;
}

/**
 * Builds the application over a logging connection to `bdb`, runs `fn` (with a way to send
 * requests, and the database for EXPLAIN), and closes everything.
 * @param secret the session secret (it signs list cursors, so the workloads can build them)
 * @param token the personal access token sent as `Authorization: Bearer`
 */
export async function withCapturingApp<T>(bdb: BenchDb, secret: string, token: string, fn: (call: CaptureCall, database: Database) => Promise<T>): Promise<T> {
  const log: Captured[] = [];
  let on = false;
  const sink = (c: Captured) => {
    // postgres.js reads array types once per connection: driver housekeeping, not the API's SQL.
    if (on && !c.sql.includes('pg_catalog.pg_type')) log.push(c);
  };
  let database: Database;
  if (bdb.engine === 'postgres') {
    const client = postgres(bdb.url!, {
      max: 10,
      onnotice: () => {},
      debug: (_conn, sql, params) => sink({ sql, params: [...(params as unknown[])] }),
    });
    database = {
      db: drizzle(client, { schema }) as unknown as Db,
      kind: 'postgres',
      postgres: client,
      migrate: async () => {},
      flush: async () => {},
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  } else {
    database = await bdb.open();
    const pg = database.pglite!;
    wrapQuery(pg, sink);
    const origTx = pg.transaction.bind(pg);
    (pg as { transaction: PGlite['transaction'] }).transaction = (<R>(cb: (tx: Transaction) => Promise<R>) =>
      origTx((tx) => {
        wrapQuery(tx, sink);
        return cb(tx);
      })) as PGlite['transaction'];
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'exp-bench-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    EXPONENTIAL_DATA_DIR: tmp,
    EXPONENTIAL_SESSION_SECRET: secret,
    EXPONENTIAL_APP_URL: 'http://127.0.0.1:7015',
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp({
    config,
    database,
    bus: createMemoryBus(),
    mailer: createMailer({ from: config.mailFrom, outboxDir: path.join(tmp, 'outbox') }),
  });
  await app.ready();
  try {
    return await fn(async (method, url, body) => {
      log.length = 0;
      on = true;
      try {
        const res = await app.inject({
          method: method as 'GET',
          url,
          headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        let json: unknown = null;
        try {
          json = res.json();
        } catch {
          // not JSON
        }
        return { status: res.statusCode, bytes: res.rawPayload.length, json, statements: [...log] };
      } finally {
        on = false;
      }
    }, database);
  } finally {
    await app.close();
    await database.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** True when a statement reads or writes the `issue` table itself (not `issue_label` etc.). */
export function touchesIssue(sql: string): boolean {
  return /\b(from|join|update|into)\s+"?issue"?(\s|$|\))/i.test(sql);
}

/**
 * The statement that produces a list page: the first SELECT from `issue` with ORDER BY and LIMIT.
 * @returns undefined when the request ran none (e.g. empty by construction)
 */
export function mainListStatement(statements: Captured[]): Captured | undefined {
  return statements.find((s) => /^\s*select/i.test(s.sql) && /\bfrom\s+"issue"\s/i.test(s.sql) && /\border by\b/i.test(s.sql) && /\blimit\b/i.test(s.sql));
}
