/**
 * Server-side commands: `exponential serve` runs the server (the same program as `npm start`),
 * `exponential migrate` applies database migrations and exits. These import the server itself;
 * every other command talks to a server over HTTP through the SDK.
 */
import type { Command } from '../command.ts';
import { usage } from '../context.ts';

/** Applies `--port`, `--host` and `--data-dir` to the environment the server reads. */
function applyServerFlags(o: Record<string, any>) {
  if (o.port !== undefined) {
    if (!/^\d{1,5}$/.test(o.port) || Number(o.port) > 65535) throw usage('--port must be a port number');
    process.env.PORT = o.port;
  }
  if (o.host !== undefined) process.env.HOST = o.host;
  if (o['data-dir'] !== undefined) process.env.EXPONENTIAL_DATA_DIR = o['data-dir'];
}

const serverOptions = {
  port: { type: 'string', value: 'PORT', description: 'port to listen on (default 7015, or PORT)' },
  host: { type: 'string', value: 'HOST', description: 'address to listen on (default 127.0.0.1, or HOST)' },
  'data-dir': { type: 'string', value: 'DIR', description: 'embedded database and files (default ./.exponential)' },
} as const;

/** `serve` and `migrate`. */
export const serverCommands: Command[] = [
  {
    path: ['serve'],
    summary: 'Run the exponential server (API, sync and web app) until interrupted.',
    details: 'Configured by the environment like `npm start`: DATABASE_URL, REDIS_URL, EXPONENTIAL_APP_URL, SMTP_URL, …',
    options: serverOptions,
    needsCtx: false,
    async run(_ctx, o) {
      applyServerFlags(o);
      const { start } = await import('@exponential/server/src/main.ts');
      await start(process.env);
      await new Promise<never>(() => {}); // the server's signal handlers end the process
    },
  },
  {
    path: ['migrate'],
    summary: 'Apply pending database migrations and exit.',
    options: { 'data-dir': serverOptions['data-dir'] },
    needsCtx: false,
    async run(ctx, o) {
      applyServerFlags(o);
      const { loadConfig } = await import('@exponential/server/src/config.ts');
      const { openDatabase } = await import('@exponential/db');
      const config = loadConfig(process.env);
      const db = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
      try {
        await db.migrate();
      } finally {
        await db.close();
      }
      ctx.err(`Migrations applied (${db.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
    },
  },
];
