import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { queryRows } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';

/**
 * `/api/healthz` (the process answers), `/api/readyz` (database reachable, migrations applied)
 * and `/api/v1/openapi.json` (the OpenAPI 3.1 document of this server).
 */
export async function healthRoutes(app: App, deps: ModuleDeps) {
  app.get(
    '/api/v1/openapi.json',
    { schema: { hide: true }, config: { auth: 'public' } },
    async (_req, reply) => reply.type('application/json').send(app.swagger()),
  );
  app.get(
    '/api/healthz',
    {
      schema: { operationId: 'healthz', tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      config: { auth: 'public' },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/api/readyz',
    {
      schema: {
        operationId: 'readyz',
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
          503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
        },
      },
      config: { auth: 'public' },
    },
    async (_req, reply) => {
      try {
        await deps.database.ping();
        const [row] = await queryRows<{ n: number }>(
          deps.database.db,
          sql`select count(*)::int as n from information_schema.tables where table_name = 'sync_operation'`,
        );
        const n = row?.n;
        if (!n) return reply.status(503).send({ status: 'unavailable' as const, reason: 'migrations not applied' });
        return { status: 'ready' as const, database: deps.database.kind };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const, reason: 'database unreachable' });
      }
    },
  );
}
