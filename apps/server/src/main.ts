/**
 * Starts the server: validates the configuration, opens the database (PGlite in the data
 * directory, or PostgreSQL with DATABASE_URL), migrates, and listens. Stops cleanly on SIGINT and
 * SIGTERM.
 */
import path from 'node:path';
import { openDatabase } from '@exponential/db';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createMailer } from './lib/mailer.ts';
import { createMemoryBus } from './sync/bus.ts';

/** The one line printed when the port (a number) is taken, naming the next port to try. */
export function portInUseMessage(port: number): string {
  return `Port ${port} is in use (another exponential or other program?). Start with PORT=${port + 1} npm start, or stop the other process.`;
}

/** Starts the server with the process environment; resolves once it is listening. */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  } catch (err) {
    // Another server holds the data directory: its message says which process; no stack trace.
    if ((err as NodeJS.ErrnoException).code === 'database_locked') {
      console.error((err as Error).message);
      process.exit(1);
    }
    throw err;
  }
  await database.migrate();
  // ioredis is loaded only when Redis is configured.
  const redis = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : undefined;
  const bus = config.redisUrl ? await (await import('./sync/redis-bus.ts')).createRedisBus(config.redisUrl) : createMemoryBus();
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    outboxDir: path.join(config.dataDir, 'outbox'),
  });
  const app = await buildApp({ config, database, bus, mailer, redis });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    console.error(portInUseMessage(config.port));
    await database.close().catch(() => {});
    process.exit(1);
  }
  app.log.info(
    `exponential is running at ${config.appUrl} (${database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    app.log.info('exponential is stopping');
    try {
      await app.close();
      await bus.close();
      redis?.disconnect();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  start().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
