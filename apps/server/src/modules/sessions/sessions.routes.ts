import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { requestOrigin } from '../../lib/audit.ts';
import { Page, errorResponses } from '../../lib/schemas.ts';
import { SESSION_COOKIE, actorOf } from '../../plugins/auth.ts';
import { ListSessionsQuery, RevokeOthersResult, SessionParams, SessionSchema } from './sessions.schemas.ts';
import { createSessionService } from './sessions.service.ts';

/**
 * The caller's browser sessions under `/api/v1/sessions`: list, end one, end all others.
 * Browser sessions only (`auth: 'session'`): a token can neither list nor end sessions.
 */
export async function sessionRoutes(app: App, deps: ModuleDeps) {
  const sessions = createSessionService(deps);
  app.addSchema(SessionSchema);

  app.get('/api/v1/sessions', {
    schema: {
      operationId: 'listSessions', tags: ['sessions'], querystring: ListSessionsQuery,
      response: { 200: Page(Type.Ref('Session')), ...errorResponses },
    },
    config: { auth: 'session' },
  }, async (req) => sessions.list(actorOf(req), req.query));

  app.delete('/api/v1/sessions/:sessionId', {
    schema: {
      operationId: 'revokeSession', tags: ['sessions'], params: SessionParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    config: { auth: 'session' },
  }, async (req, reply) => {
    const { current } = await sessions.revoke(actorOf(req), req.params.sessionId, requestOrigin(req));
    if (current) reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.post('/api/v1/sessions/revoke-others', {
    schema: {
      operationId: 'revokeOtherSessions', tags: ['sessions'],
      response: { 200: RevokeOthersResult, ...errorResponses },
    },
    config: { auth: 'session' },
  }, async (req) => sessions.revokeOthers(actorOf(req), requestOrigin(req)));
}
