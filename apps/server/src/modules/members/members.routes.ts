import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, ProblemSchema, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { requestOrigin } from '../../lib/audit.ts';
import { ListQuery, MemberParams, UpdateMemberBody, WorkspaceMemberSchema } from './members.schemas.ts';
import { createMemberService } from './members.service.ts';

/**
 * Workspace members under `/api/v1/members`. Changing roles and removing members is workspace
 * administration: a token needs the `admin` scope (personal access tokens with `write` hold it;
 * an OAuth application needs `admin` granted, not just `write`).
 */
export async function memberRoutes(app: App, deps: ModuleDeps) {
  const members = createMemberService(deps);
  app.addSchema(WorkspaceMemberSchema);

  app.get('/api/v1/members', {
    schema: {
      operationId: 'listMembers', tags: ['members'], querystring: ListQuery,
      response: { 200: Page(Type.Ref('WorkspaceMember')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => members.list(workspaceActor(req), req.query));

  app.patch('/api/v1/members/:userId', {
    schema: {
      operationId: 'updateMemberRole', tags: ['members'], params: MemberParams, body: UpdateMemberBody,
      response: { 200: Type.Ref('WorkspaceMember'), ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => members.updateRole(workspaceActor(req), req.params.userId, req.body.role, requestOrigin(req)));

  app.delete('/api/v1/members/:userId', {
    schema: { operationId: 'removeMember', tags: ['members'], params: MemberParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    await members.remove(workspaceActor(req), req.params.userId, requestOrigin(req));
    return reply.status(204).send(null);
  });

  // Leaving is an account action: a browser session only, never a token.
  app.post('/api/v1/members/leave', {
    schema: { operationId: 'leaveWorkspace', tags: ['members'], response: { 204: Type.Null(), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema } },
    config: { auth: 'session' },
  }, async (req, reply) => {
    await members.leave(workspaceActor(req), requestOrigin(req));
    return reply.status(204).send(null);
  });
}
