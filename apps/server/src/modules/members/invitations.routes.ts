import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, ProblemSchema, errorResponses } from '../../lib/schemas.ts';
import { actorOf, workspaceActor } from '../../plugins/auth.ts';
import { requestOrigin } from '../../lib/audit.ts';
import { createInvitationService } from './invitations.service.ts';
import {
  AcceptInvitationBody,
  AcceptedInvitationSchema,
  CreateInvitationBody,
  InvitationParams,
  InvitationPreviewSchema,
  InvitationSchema,
  ListQuery,
  MyInvitationListSchema,
  PreviewQuery,
} from './members.schemas.ts';

/**
 * Invitations under `/api/v1/invitations`: managing them, previewing and accepting a link; and
 * the signed-in user's own pending invitations under `/api/v1/me/invitations` (list, accept by id).
 * Inviting and revoking are workspace administration: tokens need the `admin` scope.
 */
export async function invitationRoutes(app: App, deps: ModuleDeps) {
  const invitations = createInvitationService({
    ...deps,
    // Locally (no SMTP) the link is printed as a plain line, as sign-in links are.
    log: (line) => {
      app.log.info(line);
      if (deps.config.mode === 'local') process.stdout.write(`\n  ${line}\n\n`);
    },
  });
  app.addSchema(InvitationSchema);

  app.post('/api/v1/invitations', {
    schema: {
      operationId: 'createInvitation', tags: ['invitations'], body: CreateInvitationBody,
      response: { 200: Type.Ref('Invitation'), 201: Type.Ref('Invitation'), ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    const r = await invitations.create(workspaceActor(req), req.body, requestOrigin(req));
    return reply.status(r.created ? 201 : 200).send(r.invitation);
  });

  app.get('/api/v1/invitations', {
    schema: {
      operationId: 'listInvitations', tags: ['invitations'], querystring: ListQuery,
      response: { 200: Page(Type.Ref('Invitation')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => invitations.list(workspaceActor(req), req.query));

  app.delete('/api/v1/invitations/:invitationId', {
    schema: { operationId: 'revokeInvitation', tags: ['invitations'], params: InvitationParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    await invitations.revoke(workspaceActor(req), req.params.invitationId, requestOrigin(req));
    return reply.status(204).send(null);
  });

  app.get('/api/v1/invitations/preview', {
    schema: {
      operationId: 'previewInvitation', tags: ['invitations'], querystring: PreviewQuery,
      response: { 200: InvitationPreviewSchema, 400: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema },
    },
    config: { auth: 'public', rateLimit: { max: 30, timeWindow: '15 minutes' } },
  }, async (req, reply) => {
    reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
    return invitations.preview(req.query.token);
  });

  // A browser session only: a token is bound to one workspace and must not enrol its user elsewhere.
  app.post('/api/v1/invitations/accept', {
    schema: {
      operationId: 'acceptInvitation', tags: ['invitations'], body: AcceptInvitationBody,
      response: { 200: AcceptedInvitationSchema, ...errorResponses },
    },
    config: { auth: 'session' },
  }, async (req) => {
    const a = actorOf(req);
    return invitations.accept({ userId: a.userId, email: a.email }, req.body.token, requestOrigin(req));
  });

  // A browser session only, like accepting by token; matched by the account's verified address.
  app.get('/api/v1/me/invitations', {
    schema: { operationId: 'listMyInvitations', tags: ['invitations'], response: { 200: MyInvitationListSchema, ...errorResponses } },
    config: { auth: 'session' },
  }, async (req, reply) => {
    reply.header('Cache-Control', 'no-store');
    return invitations.listMine({ email: actorOf(req).email });
  });

  app.post('/api/v1/me/invitations/:invitationId/accept', {
    schema: {
      operationId: 'acceptMyInvitation', tags: ['invitations'], params: InvitationParams,
      response: { 200: AcceptedInvitationSchema, ...errorResponses },
    },
    config: { auth: 'session' },
  }, async (req) => {
    const a = actorOf(req);
    return invitations.acceptMine({ userId: a.userId, email: a.email }, req.params.invitationId, requestOrigin(req));
  });
}
