import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { invalid } from '../../lib/errors.ts';
import { Page, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { requestOrigin } from '../../lib/audit.ts';
import { CreateTokenBody, CreatedTokenSchema, ListTokensQuery, PersonalAccessTokenSchema, TokenParams } from './tokens.schemas.ts';
import { createTokenService } from './tokens.service.ts';

/**
 * Refuses an `expiresInDays` that is neither a number nor null before ajv coerces it (`""` or
 * `false` would otherwise become null: a token that never expires).
 */
async function refuseCoercedExpiry(req: FastifyRequest): Promise<void> {
  const body = req.body as { expiresInDays?: unknown } | null;
  const d = body && typeof body === 'object' ? body.expiresInDays : undefined;
  if (d !== undefined && d !== null && typeof d !== 'number') {
    throw invalid('/body/expiresInDays', 'expiresInDays must be an integer from 1 to 365, or null for no expiry');
  }
}

/** The caller's personal access tokens under `/api/v1/tokens`. */
export async function tokenRoutes(app: App, deps: ModuleDeps) {
  const tokens = createTokenService(deps);
  app.addSchema(PersonalAccessTokenSchema);

  app.get('/api/v1/tokens', {
    schema: {
      operationId: 'listPersonalAccessTokens', tags: ['personal access tokens'], querystring: ListTokensQuery,
      response: { 200: Page(Type.Ref('PersonalAccessToken')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => tokens.list(workspaceActor(req), req.query));

  app.post('/api/v1/tokens', {
    schema: {
      operationId: 'createPersonalAccessToken', tags: ['personal access tokens'], body: CreateTokenBody,
      response: { 201: CreatedTokenSchema, ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'write' },
    preValidation: refuseCoercedExpiry,
  }, async (req, reply) => reply.status(201).send(await tokens.create(workspaceActor(req), req.body, requestOrigin(req))));

  app.delete('/api/v1/tokens/:tokenId', {
    schema: {
      operationId: 'revokePersonalAccessToken', tags: ['personal access tokens'], params: TokenParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'write' },
  }, async (req, reply) => {
    await tokens.revoke(workspaceActor(req), req.params.tokenId, requestOrigin(req));
    return reply.status(204).send(null);
  });
}
