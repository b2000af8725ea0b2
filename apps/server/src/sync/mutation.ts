/**
 * The mutation runner: every write goes through `runMutation`, which
 * 1. opens a transaction and locks the workspace's version counter by bumping it
 *    (`UPDATE workspace SET version = version + 1 … RETURNING version`: V+1, a row lock held to
 *    commit), so all writes in a workspace are serialized and versions follow commit order;
 * 2. runs the service's function, which writes rows and `emit`s sync operations (full post-images);
 * 3. if anything was emitted, appends the operations at version V+1 in the same transaction;
 *    if nothing was, sets the counter back to V (gapless: one version per committed mutating
 *    transaction; a rollback undoes the bump with everything else, and no other transaction can
 *    see V+1 before the commit that holds its operations);
 * 4. after commit, waits for durability (PGlite WAL fsync) and announces `{workspaceId, version}`
 *    (with the committed rows, which only this process's gateway sees: it sends them without
 *    reading them back).
 * Side effects (mail, fan-out) belong after commit: use `afterCommit`.
 * Exactly-once for sync clients (`options.client`, or the request's `X-Client-Id` and
 * `X-Client-Mutation-Id` via sync/client-context.ts): under the workspace lock a mutation id ≤
 * the client's last applied one is refused with 409 `mutation_already_applied`; the id is recorded
 * in the same transaction; a permanent rejection (400, 403, 404, 422) still records it
 * (Replicache's rule, so a client queue never blocks on a mutation that can never succeed).
 */
import { and, eq, sql } from 'drizzle-orm';
import { clientMutation, syncOperation, workspace, type Database, type Tx } from '@exponential/db';
import type { Clock } from '../lib/clock.ts';
import { AppError, notFound } from '../lib/errors.ts';
import type { Bus } from './bus.ts';
import { reportCommittedVersion, takeAmbientClient } from './client-context.ts';
import type { OpRow } from './oplog.ts';

/** Sync operation actions. */
export type OpAction = 'insert' | 'update' | 'delete';

/** One change to record in the op log. */
export interface OpInput {
  /** Entity type as the sync client names it: `issue`, `team`, `workflowState`, `label`, … */
  entity: string;
  id: string;
  action: OpAction;
  /** The full post-image as REST presents it; null for deletes. */
  data: unknown;
  /** Team whose visibility governs who may receive the operation; null = whole workspace. */
  teamId?: string | null;
}

/** What a mutation function receives. */
export interface MutationContext {
  tx: Tx;
  workspaceId: string;
  actorId: string | null;
  /** One timestamp for the whole transaction. */
  now: Date;
  /** Records an operation for the op log. */
  emit(op: OpInput): void;
  /** Runs `fn` after a successful commit (never on rollback). */
  afterCommit(fn: () => void | Promise<void>): void;
  /**
   * Hands over a write already sent (a running query) whose result the mutation does not need:
   * the runner sends the op-log insert behind it without waiting (one round trip for both on
   * PostgreSQL) and awaits it before committing; its failure fails the mutation. Statements sent
   * after it see its effect (they run after it on the same connection).
   */
  later(write: Promise<unknown>): void;
}

/** Dependencies of the runner. */
export interface MutationDeps {
  database: Database;
  bus: Bus;
  clock: Clock;
}

/** Optional sync-client identity for exactly-once mutations. */
export interface ClientMutationRef {
  clientId: string;
  mutationId: number;
}

/** Options of {@link runMutation}. */
export interface MutationOptions {
  /** Exactly-once identity of a sync client's mutation. */
  client?: ClientMutationRef;
  /** Runs first in the same transaction, before the version lock (e.g. to insert the workspace itself). */
  init?: (tx: Tx) => Promise<void>;
}

/** Result of a mutation with the version it committed at (unchanged if nothing was emitted). */
export interface MutationResult<T> {
  value: T;
  version: number;
}

/** Statuses of a permanent rejection: resending the same mutation can never succeed. */
const PERMANENT = new Set([400, 403, 404, 422]);

/**
 * Runs `fn` as one mutating transaction in `workspaceId`.
 * @throws AppError 404 when the workspace does not exist; 409 `mutation_already_applied` for a
 *   resent client mutation; whatever `fn` throws (the transaction rolls back)
 */
export async function runMutation<T>(
  deps: MutationDeps,
  workspaceId: string,
  actorId: string | null,
  fn: (ctx: MutationContext) => Promise<T>,
  options: MutationOptions = {},
): Promise<MutationResult<T>> {
  const client = options.client ?? takeAmbientClient();
  const after: Array<() => void | Promise<void>> = [];
  const now = deps.clock.now();
  let run: { value: T; version: number; changed: boolean; rows: OpRow[] };
  try {
    run = await deps.database.db.transaction(async (tx) => {
      if (options.init) await options.init(tx);
      // The lock and the next version in one statement. An UPDATE takes the row lock FOR NO KEY
      // UPDATE: writers of a workspace still wait for each other, while inserts elsewhere that
      // only reference the workspace (their foreign key's KEY SHARE) no longer wait for them.
      // It is sent, not awaited: on PostgreSQL the statements `fn` sends go out behind it in one
      // pipeline and run after it, under the lock, without a round trip each in between.
      const lock = sendVersionLock(deps.database, tx, workspaceId);
      let seen: Promise<Array<{ last: number }>> | undefined;
      if (client && actorId) {
        seen = tx
          .select({ last: clientMutation.lastMutationId })
          .from(clientMutation)
          .where(and(eq(clientMutation.clientId, client.clientId), eq(clientMutation.userId, actorId)))
          .execute();
        seen.catch(() => {});
      }
      const ops: OpInput[] = [];
      const pending: Array<Promise<unknown>> = [];
      const ctx: MutationContext = {
        tx,
        workspaceId,
        actorId,
        now,
        emit: (op) => ops.push(op),
        afterCommit: (f) => after.push(f),
        later: (write) => {
          write.catch(() => {});
          pending.push(write);
        },
      };
      let value: T;
      try {
        // `fn` settles, and so do the writes it left running, before the transaction may end:
        // nothing may be sent on its connection after the rollback or the commit.
        const outcome = await fn(ctx).then(
          (v) => ({ ok: true as const, v }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        const locked = await lock;
        if (locked === undefined) throw notFound('Workspace');
        if (seen && client) {
          // A resent mutation is refused as such, whatever `fn` made of it the second time.
          const [row] = await seen;
          if (row && row.last >= client.mutationId) {
            throw new AppError(
              409,
              'mutation_already_applied',
              `Mutation ${client.mutationId} of client ${client.clientId} was already applied (last applied: ${row.last})`,
            );
          }
        }
        if (!outcome.ok) throw await rootCause(outcome.error, pending);
        value = outcome.v;
        const version = ops.length ? locked : locked - 1;
        // The op-log rows, also announced after commit (gateways send them without a read).
        const rows: OpRow[] = ops.map((op, seq) => ({
          workspaceId,
          version,
          seq,
          entity: op.entity,
          entityId: op.id,
          action: op.action,
          data: op.data === null || op.data === undefined ? null : (op.data as object),
          teamId: op.teamId ?? null,
          actorId,
          clientId: client?.clientId ?? null,
          mutationId: client?.mutationId ?? null,
        }));
        if (ops.length) {
          // Insert in chunks: a bulk update may emit hundreds of operations. Sent behind the
          // writes `fn` left running (ctx.later), awaited together with them.
          for (let i = 0; i < rows.length; i += 500) {
            const chunk = tx
              .insert(syncOperation)
              .values(rows.slice(i, i + 500).map((r) => ({ ...r, createdAt: now })))
              .execute();
            ctx.later(chunk);
          }
        } else {
          // Nothing to record: this transaction takes no version.
          ctx.later(tx.update(workspace).set({ version }).where(eq(workspace.id, workspaceId)).execute());
        }
        if (client && actorId) {
          ctx.later(
            tx
              .insert(clientMutation)
              .values({ clientId: client.clientId, userId: actorId, workspaceId, lastMutationId: client.mutationId, updatedAt: now })
              .onConflictDoUpdate({
                target: [clientMutation.clientId, clientMutation.userId],
                set: { lastMutationId: sql`greatest(${clientMutation.lastMutationId}, ${client.mutationId})`, updatedAt: now },
              })
              .execute(),
          );
        }
        // The first failure wins (a later statement of an aborted transaction only says so).
        for (const p of pending) await p;
        return { value, version, changed: ops.length > 0, rows };
      } finally {
        await Promise.allSettled([lock, ...(seen ? [seen] : []), ...pending]);
      }
    });
  } catch (err) {
    if (client && actorId && err instanceof AppError && PERMANENT.has(err.status)) {
      await recordClientMutation(deps, workspaceId, actorId, client, now).catch(() => {});
    }
    throw err;
  }
  const { value, version, changed, rows } = run;
  await deps.database.flush();
  if (changed) reportCommittedVersion(version);
  if (changed) await deps.bus.publish({ workspaceId, version, rows });
  for (const f of after) {
    try {
      await f();
    } catch {
      // after-commit effects must not turn a committed write into an error
    }
  }
  return { value, version };
}

/** SQLSTATE of a statement sent to a transaction an earlier statement aborted. */
const IN_FAILED_TRANSACTION = '25P02';

/** Whether `err` (or an error it wraps, as drizzle's query errors do) has SQLSTATE `code`. */
function hasSqlState(err: unknown, code: string): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}

/**
 * The error to report for a failed mutation function: when it failed only because the transaction
 * was already aborted (25P02), the failure of the write it left running (ctx.later) that aborted it.
 */
async function rootCause(error: unknown, pending: Array<Promise<unknown>>): Promise<unknown> {
  if (!hasSqlState(error, IN_FAILED_TRANSACTION)) return error;
  for (const p of pending) {
    const r = await p.then(
      () => null,
      (e: unknown) => ({ e }),
    );
    if (r && !hasSqlState(r.e, IN_FAILED_TRANSACTION)) return r.e;
  }
  return error;
}

/** The part of a postgres.js client {@link sendVersionLock} uses. */
interface RawClient {
  unsafe(text: string, params: unknown[]): { execute(): Promise<Array<{ version: string }>> };
}

/**
 * Sends the statement that takes the workspace's version lock and the next version
 * (`UPDATE workspace SET version = version + 1 … RETURNING version`) and returns its pending
 * result: the new version, or undefined when the workspace does not exist.
 * On PostgreSQL the statement is queued on the transaction's connection before this returns
 * (postgres.js's `execute()`), so statements sent afterwards are pipelined behind it and run after
 * it. PGlite runs one statement at a time in process; there it is an ordinary query.
 */
function sendVersionLock(database: Database, tx: Tx, workspaceId: string): Promise<number | undefined> {
  let rows: Promise<Array<{ version: number | string }>>;
  if (database.postgres) {
    // drizzle's postgres.js transaction keeps the reserved connection's client as `session.client`.
    const client = (tx as unknown as { session: { client: RawClient } }).session.client;
    rows = client.unsafe('update "workspace" set "version" = "version" + 1 where "id" = $1 returning "version"', [workspaceId]).execute();
  } else {
    rows = tx.update(workspace).set({ version: sql`${workspace.version} + 1` }).where(eq(workspace.id, workspaceId)).returning({ version: workspace.version }).execute();
  }
  const version = rows.then((r) => (r[0] ? Number(r[0].version) : undefined));
  version.catch(() => {});
  return version;
}

/** Advances a client's last applied mutation id outside a mutation (after a permanent rejection). */
async function recordClientMutation(deps: MutationDeps, workspaceId: string, userId: string, client: ClientMutationRef, now: Date) {
  await deps.database.db
    .insert(clientMutation)
    .values({ clientId: client.clientId, userId, workspaceId, lastMutationId: client.mutationId, updatedAt: now })
    .onConflictDoUpdate({
      target: [clientMutation.clientId, clientMutation.userId],
      set: { lastMutationId: sql`greatest(${clientMutation.lastMutationId}, ${client.mutationId})`, updatedAt: now },
    });
}
