/**
 * `exponential watch`: prints every change in the workspace as it happens, one line each, until
 * interrupted. It speaks the sync protocol through the SDK's SyncClient (a full client: it keeps
 * the normalized store, so an update line says what changed, with names instead of ids), prints
 * only what happens from its start on, and reconnects by itself (announcing each outage once).
 */
import { type EntityChange, type Row, SyncClient, type SyncOp, type SyncStore } from '@exponential/sdk';
import type { Command } from '../command.ts';
import { apiOf, CliError, type Ctx, EXIT } from '../context.ts';
import { htmlToText } from '../resolve.ts';

/** Longest shown value in a change line (longer ones end with `…`). */
const MAX_VALUE = 40;

/** Fields an update line never reports: bookkeeping that changes with everything else. */
const NOISE = new Set(['updatedAt', 'sortOrder', 'issueCount', 'startedAt', 'completedAt', 'canceledAt', 'editedAt', 'reactions']);

/** Shortens a value to {@link MAX_VALUE} characters on one line. */
function short(v: string): string {
  const one = v.replace(/\s+/g, ' ').trim();
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE - 1)}…` : one;
}

/** A value as a change line shows it: names for ids the store can resolve, `none` for empty. */
function shown(store: SyncStore | undefined, key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (Array.isArray(v)) return v.length ? v.map((x) => shown(store, key, x)).join(', ') : 'none';
  if (store && typeof v === 'string') {
    if (key === 'stateId') return store.get('workflowState', v)?.name ?? v;
    if (key === 'assigneeId' || key === 'creatorId' || key === 'userId') return memberName(store, v) ?? v;
    if (key === 'labelIds') return store.get('label', v)?.name ?? v;
    if (key === 'parentId') return store.get('issue', v)?.identifier ?? v;
    if (key === 'teamId') return store.get('team', v)?.key ?? v;
  }
  return short(typeof v === 'string' ? v : JSON.stringify(v));
}

/** The display name of a workspace member by user id, from the store. */
function memberName(store: SyncStore, userId: string): string | undefined {
  for (const m of store.table('member').values()) if (m.userId === userId || m.id === userId) return m.name || m.email;
  return undefined;
}

/** Field names as a change line shows them (`stateId` → `state`). */
function fieldLabel(key: string): string {
  if (key === 'labelIds') return 'labels';
  return key.endsWith('Id') && key.length > 2 ? key.slice(0, -2) : key;
}

/**
 * What changed between two post-images of a record, e.g. `state Todo → In Progress`, in key
 * order of the new record; bookkeeping fields ({@link NOISE}) are left out. Long texts
 * (descriptions, bodies) are reported as `description changed`.
 * @returns one phrase per changed field (empty when nothing worth saying changed)
 */
export function diffFields(previous: Row, next: Row, store?: SyncStore): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(next), ...Object.keys(previous)]);
  for (const k of keys) {
    if (NOISE.has(k) || k === 'id') continue;
    const a = previous[k];
    const b = next[k];
    if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue;
    if (k === 'description' || k === 'body') out.push(`${k} changed`);
    else if (k === 'archivedAt') out.push(b ? 'archived' : 'unarchived');
    else out.push(`${fieldLabel(k)} ${shown(store, k, a)} → ${shown(store, k, b)}`);
  }
  return out;
}

/**
 * One line describing an operation. With the store (a full sync client) and the record's
 * previous post-image, an update says what changed and a comment names its issue and author.
 * @returns the line, or null for an update with nothing worth saying (e.g. only a team's
 *   `issueCount`, which every issue create bumps)
 */
export function describeOp(op: SyncOp, previous?: Row | null, store?: SyncStore): string | null {
  const d = (op.data ?? {}) as Record<string, unknown>;
  if (op.entity === 'comment') {
    const issue = typeof d.issueId === 'string' ? store?.get('issue', d.issueId) : undefined;
    const on = issue?.identifier ?? (previous?.issueId as string | undefined) ?? d.issueId ?? op.id;
    const who = typeof d.userId === 'string' ? (store ? memberName(store, d.userId) : undefined) ?? d.userId : undefined;
    if (op.action === 'delete') return `v${op.v} comment delete on ${on}`;
    const body = htmlToText(typeof d.body === 'string' ? d.body : '');
    return `v${op.v} comment ${op.action} on ${on}${who ? ` by ${who}` : ''}${body.trim() ? `: "${short(body)}"` : ''}`;
  }
  const held = previous ?? {};
  const name = d.identifier ?? d.key ?? d.name ?? held.identifier ?? held.key ?? held.name ?? (op.entity === 'teamMember' ? `${d.teamId}:${d.userId}` : undefined);
  const rawTitle = typeof d.title === 'string' ? d.title : typeof held.title === 'string' ? held.title : undefined;
  const title = rawTitle !== undefined ? ` "${op.action === 'update' ? short(rawTitle) : rawTitle}"` : '';
  const head = `v${op.v} ${op.entity} ${op.action} ${name ?? op.id}${title}`;
  if (op.action !== 'update' || !previous || !op.data) return head;
  const changes = diffFields(previous, op.data as Row, store);
  if (!changes.length) return null;
  return `${head}: ${changes.join(', ')}`;
}

async function watch(ctx: Ctx) {
  apiOf(ctx); // fails early (exit 3) without a token
  // A full client (not tail mode): its store holds the previous post-image of every record, to
  // say what an update changed, and the names of states, members, labels and issues.
  const client = new SyncClient({ baseUrl: ctx.apiUrl, token: ctx.token, includeArchived: true, patches: false });
  // The store reports each batch's changes (with the records before) just before `onOps` runs.
  let lastChanges: EntityChange[] = [];
  client.store.subscribe((e) => {
    lastChanges = e.replaced ? [] : e.changes;
  });
  client.onOps((ops) => {
    const before = new Map<string, EntityChange[]>();
    for (const c of lastChanges) before.set(`${c.entity}\u0000${c.key}`, [...(before.get(`${c.entity}\u0000${c.key}`) ?? []), c]);
    lastChanges = [];
    for (const op of ops) {
      if (ctx.json) {
        ctx.out(JSON.stringify(op));
        continue;
      }
      const key = op.entity === 'teamMember' && op.data ? `${op.data.teamId}:${op.data.userId}` : op.id;
      const change = before.get(`${op.entity}\u0000${key}`)?.shift();
      const line = describeOp(op, change?.previous ?? null, client.store);
      if (line !== null) ctx.out(line);
    }
  });
  let announced = false;
  let down = false;
  client.onStatus((s, detail) => {
    if (s === 'live' && !announced) {
      announced = true;
      ctx.err(`Watching ${ctx.apiUrl} from version ${client.store.version} (Ctrl-C to stop)`);
    } else if (s === 'live' && down) {
      down = false;
      ctx.err(`Reconnected (caught up to v${client.store.version})`);
    } else if (s === 'offline' && announced && !down) {
      // Once per outage: every failed reconnect attempt passes through 'offline' again.
      down = true;
      ctx.err('Connection lost; reconnecting…');
    } else if (s === 'unauthorized') ctx.err(`Stopped: ${detail ?? 'not authorized'}`);
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      client.stop();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.onStatus((s) => {
      if (s === 'unauthorized') resolve();
    });
  });
  try {
    await client.start();
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403 || client.status === 'unauthorized') {
      throw new CliError(`${(err as Error).message}: run \`exponential login --token pat_…\` with a valid token`, EXIT.auth);
    }
    if (err instanceof TypeError) throw new CliError(`Cannot reach ${ctx.apiUrl}: is the server running?`);
    throw err;
  }
  await stopped;
  if (client.status === 'unauthorized') throw new CliError('The server ended the stream: the token was revoked or lost access', EXIT.auth);
}

/** The `watch` command. */
export const watchCommand: Command = {
  path: ['watch'],
  summary: 'Print each change in the workspace as it happens, one line each (JSON lines with --json), until interrupted.',
  run: (ctx) => watch(ctx),
};
