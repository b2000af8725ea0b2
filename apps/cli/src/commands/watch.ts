/**
 * `exponential watch`: prints every change in the workspace as it happens, one line each, until
 * interrupted. It speaks the sync protocol through the SDK's SyncClient in tail mode (no
 * snapshot, only what happens from now on), reconnecting by itself.
 */
import { SyncClient, type SyncOp } from '@exponential/sdk';
import type { Command } from '../command.ts';
import { apiOf, CliError, EXIT, type Ctx } from '../context.ts';

/** One line describing an operation. */
export function describeOp(op: SyncOp): string {
  const d = (op.data ?? {}) as Record<string, unknown>;
  const name = d.identifier ?? d.key ?? d.name ?? (op.entity === 'teamMember' ? `${d.teamId}:${d.userId}` : undefined);
  const title = typeof d.title === 'string' ? ` "${d.title}"` : '';
  return `v${op.v} ${op.entity} ${op.action} ${name ?? op.id}${title}`;
}

async function watch(ctx: Ctx) {
  apiOf(ctx); // fails early (exit 3) without a token
  const client = new SyncClient({ baseUrl: ctx.apiUrl, token: ctx.token, mode: 'tail' });
  client.onOps((ops) => {
    for (const op of ops) ctx.out(ctx.json ? JSON.stringify(op) : describeOp(op));
  });
  let announced = false;
  client.onStatus((s, detail) => {
    if (s === 'live' && !announced) {
      announced = true;
      ctx.err(`Watching ${ctx.apiUrl} from version ${client.store.version} (Ctrl-C to stop)`);
    } else if (s === 'offline' && announced) ctx.err('Connection lost; reconnecting…');
    else if (s === 'unauthorized') ctx.err(`Stopped: ${detail ?? 'not authorized'}`);
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
