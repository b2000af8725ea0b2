/**
 * Sync endpoints under `/api/v1/sync`: the NDJSON bootstrap snapshot, the op log over HTTP
 * (catch-up for lagging clients) and the WebSocket gateway.
 */
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import type { App, ModuleDeps } from '../app.ts';
import { AppError, forbidden } from '../lib/errors.ts';
import { Nullable, ProblemSchema, Uuid, errorResponses } from '../lib/schemas.ts';
import { SESSION_COOKIE, workspaceActor } from '../plugins/auth.ts';
import { streamBootstrap } from './bootstrap.ts';
import { createGateway, releaseUpgrade } from './gateway.ts';
import { headVersion, readLogPage, retentionFloor, visibleOps } from './oplog.ts';
import { loadScope } from './scope.ts';

/** An operation as the sync API sends it. */
export const SyncOperationSchema = Type.Object(
  {
    v: Type.Integer({ description: 'Version of the transaction that made it' }),
    seq: Type.Integer({ description: 'Position inside that transaction' }),
    entity: Type.String({ description: 'issue, team, teamMember, workflowState, label, member, workspace, comment, …' }),
    id: Uuid,
    action: Type.Union([Type.Literal('insert'), Type.Literal('update'), Type.Literal('delete')]),
    data: Type.Unknown({ description: 'Full post-image as REST presents it; null for most deletes' }),
    actor: Nullable(Uuid),
    cm: Type.Optional(Type.Object({ clientId: Type.String(), mutationId: Type.Integer() }, { description: 'Your client mutation that caused it' })),
  },
  { $id: 'SyncOperation' },
);

const OpsQuery = Type.Object(
  {
    after: Type.Integer({ minimum: 0, description: 'The version the client has (exclusive)' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500, description: 'About this many operations (whole versions)' })),
  },
  { additionalProperties: false },
);

const OpsPage = Type.Object({
  fromVersion: Type.Integer(),
  toVersion: Type.Integer({ description: 'Apply, then continue from here; may pass operations you may not see' }),
  ops: Type.Array(Type.Ref('SyncOperation')),
  more: Type.Boolean(),
  headVersion: Type.Integer({ description: 'The workspace’s current version' }),
  teamIds: Type.Array(Uuid, { description: 'Teams you may read now; drop local entities of other teams' }),
});

const BootstrapQuery = Type.Object(
  {
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    clientId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', maxLength: 64 })),
  },
  { additionalProperties: false },
);

const resetRequired = () =>
  new AppError(410, 'reset_required', 'This version is no longer (or not yet) in the log: bootstrap again');

/** Registers the sync routes and the WebSocket gateway. */
export async function syncRoutes(app: App, deps: ModuleDeps) {
  app.addSchema(SyncOperationSchema);
  const gateway = createGateway({
    database: deps.database,
    bus: deps.bus,
    log: app.log,
    resolveCredentials: (c) => app.resolveCredentials(c),
    recheckCredentials: (refs) => app.recheckCredentials(refs),
  });
  app.addHook('onClose', async () => gateway.close());

  app.get('/api/v1/sync/bootstrap', {
    schema: {
      operationId: 'syncBootstrap',
      tags: ['sync'],
      description:
        'Everything you may read in the workspace, streamed as NDJSON: a header line `{version, protocol, workspaceId, userId, includeArchived, lastMutationId?}`, ' +
        'then `{entity, data}` lines (workspace, member, team, teamMember, workflowState, label, issue), then a trailer `{complete: true, counts}`. ' +
        'Resume the op log from `version`. A response without the trailer is incomplete.',
      querystring: BootstrapQuery,
      response: {
        200: { description: 'NDJSON stream', content: { 'application/x-ndjson': { schema: Type.String() } } },
        ...errorResponses,
      },
    },
    config: { auth: 'workspace', scope: 'read' },
  }, async (req, reply) => {
    const actor = workspaceActor(req);
    const scope = await loadScope(deps.database.db, actor.userId, actor.workspaceId);
    if (!scope) throw forbidden('You are not a member of this workspace');
    const stream = new PassThrough({ highWaterMark: 256 * 1024 });
    const put = (chunk: string | Buffer) =>
      new Promise<void>((resolve, reject) => {
        if (stream.destroyed) return reject(new Error('client went away'));
        if (stream.write(chunk)) return resolve();
        const done = (err?: Error) => {
          stream.off('drain', onDrain);
          stream.off('close', onClose);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(new Error('client went away'));
        // A reader that takes nothing for a minute holds a database snapshot for nobody.
        const timer = setTimeout(() => done(new Error('client stopped reading')), 60_000);
        stream.once('drain', onDrain);
        stream.once('close', onClose);
      });
    const sink = { write: put, writeBytes: put };
    streamBootstrap(deps.database, scope, { includeArchived: req.query.includeArchived ?? false, clientId: req.query.clientId }, sink).then(
      () => stream.end(),
      (err) => {
        if (!stream.destroyed) req.log.error({ err }, 'bootstrap failed');
        stream.destroy(err);
      },
    );
    reply.type('application/x-ndjson; charset=utf-8');
    return reply.send(stream as never);
  });

  app.get('/api/v1/sync/ops', {
    schema: {
      operationId: 'syncOps',
      tags: ['sync'],
      description:
        'Operations after `after`, whole versions only, filtered to what you may read. Apply them when `fromVersion` equals your version, ' +
        'then continue from `toVersion` while `more`. 410 `reset_required`: bootstrap again.',
      querystring: OpsQuery,
      response: { 200: OpsPage, ...errorResponses, 410: ProblemSchema },
    },
    config: { auth: 'workspace', scope: 'read' },
  }, async (req) => {
    const actor = workspaceActor(req);
    const db = deps.database.db;
    const scope = await loadScope(db, actor.userId, actor.workspaceId);
    if (!scope) throw forbidden('You are not a member of this workspace');
    const head = (await headVersion(db, actor.workspaceId)) ?? 0;
    const { after } = req.query;
    if (after > head || after < (await retentionFloor(db, actor.workspaceId, head))) throw resetRequired();
    const page = await readLogPage(db, actor.workspaceId, after, req.query.limit ?? 500);
    return {
      fromVersion: page.fromVersion,
      toVersion: page.toVersion,
      ops: visibleOps(page.rows, scope),
      more: page.more,
      headVersion: head,
      teamIds: [...scope.teamIds].sort(),
    };
  });

  app.get('/api/v1/sync/ws', {
    websocket: true,
    schema: {
      operationId: 'syncSocket',
      tags: ['sync'],
      description:
        'WebSocket upgrade for the live op stream (protocol in apps/server/src/sync/protocol.ts). Authenticate with the session cookie ' +
        '(the Origin must be allowed) or a token in the first `hello` frame, never in the URL.',
      response: { 101: Type.Null(), 401: ProblemSchema, 403: ProblemSchema },
    },
    config: { auth: 'public' },
    preValidation: async (req) => {
      if (req.query && typeof req.query === 'object' && 'access_token' in req.query) {
        throw new AppError(401, 'unsupported_credentials', 'Send the token in the hello frame, never in the URL');
      }
      // Cross-site WebSocket hijacking: a browser always sends Origin on the handshake.
      const origin = req.headers.origin;
      if (req.headers['sec-fetch-site'] === 'cross-site' || (origin !== undefined && !deps.config.allowedOrigins.includes(origin))) {
        throw forbidden(`Cross-site WebSocket refused: the Origin is not allowed; allowed: ${deps.config.allowedOrigins.join(', ')}`, 'csrf_origin');
      }
    },
  }, (socket, req) => {
    const sessionToken = req.cookies?.[SESSION_COOKIE];
    releaseUpgrade(socket, req.raw);
    gateway.accept(socket, { sessionToken });
  });
}
