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
 * 4. after commit, waits for durability (PGlite WAL fsync) and announces `{workspaceId, version}`.
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
  let run: { value: T; version: number; changed: boolean };
  try {
    run = await deps.database.db.transaction(async (tx) => {
      if (options.init) await options.init(tx);
      // The lock and the next version in one statement. An UPDATE takes the row lock FOR NO KEY
      // UPDATE: writers of a workspace still wait for each other, while inserts elsewhere that
      // only reference the workspace (their foreign key's KEY SHARE) no longer wait for them.
      const locked = await tx
        .update(workspace)
        .set({ version: sql`${workspace.version} + 1` })
        .where(eq(workspace.id, workspaceId))
        .returning({ version: workspace.version });
      if (!locked[0]) throw notFound('Workspace');
      const next = locked[0].version;
      if (client && actorId) {
        const [seen] = await tx
          .select({ last: clientMutation.lastMutationId })
          .from(clientMutation)
          .where(and(eq(clientMutation.clientId, client.clientId), eq(clientMutation.userId, actorId)));
        if (seen && seen.last >= client.mutationId) {
          throw new AppError(
            409,
            'mutation_already_applied',
            `Mutation ${client.mutationId} of client ${client.clientId} was already applied (last applied: ${seen.last})`,
          );
        }
      }
      const ops: OpInput[] = [];
      const ctx: MutationContext = {
        tx,
        workspaceId,
        actorId,
        now,
        emit: (op) => ops.push(op),
        afterCommit: (f) => after.push(f),
      };
      const value = await fn(ctx);
      const version = ops.length ? next : next - 1;
      if (ops.length) {
        // Insert in chunks: a bulk update may emit hundreds of operations.
        for (let i = 0; i < ops.length; i += 500) {
          await tx.insert(syncOperation).values(
            ops.slice(i, i + 500).map((op, j) => ({
              workspaceId,
              version,
              seq: i + j,
              entity: op.entity,
              entityId: op.id,
              action: op.action,
              data: op.data === null || op.data === undefined ? null : (op.data as object),
              teamId: op.teamId ?? null,
              actorId,
              clientId: client?.clientId ?? null,
              mutationId: client?.mutationId ?? null,
              createdAt: now,
            })),
          );
        }
      } else {
        // Nothing to record: this transaction takes no version.
        await tx.update(workspace).set({ version }).where(eq(workspace.id, workspaceId));
      }
      if (client && actorId) {
        await tx
          .insert(clientMutation)
          .values({ clientId: client.clientId, userId: actorId, workspaceId, lastMutationId: client.mutationId, updatedAt: now })
          .onConflictDoUpdate({
            target: [clientMutation.clientId, clientMutation.userId],
            set: { lastMutationId: sql`greatest(${clientMutation.lastMutationId}, ${client.mutationId})`, updatedAt: now },
          });
      }
      return { value, version, changed: ops.length > 0 };
    });
  } catch (err) {
    if (client && actorId && err instanceof AppError && PERMANENT.has(err.status)) {
      await recordClientMutation(deps, workspaceId, actorId, client, now).catch(() => {});
    }
    throw err;
  }
  const { value, version, changed } = run;
  await deps.database.flush();
  if (changed) reportCommittedVersion(version);
  if (changed) await deps.bus.publish({ workspaceId, version });
  for (const f of after) {
    try {
      await f();
    } catch {
      // after-commit effects must not turn a committed write into an error
    }
  }
  return { value, version };
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
