import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { ListOf, ProblemSchema, Uuid, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import {
  CreateStateBody,
  CreateTeamBody,
  ReorderStatesBody,
  TeamParams,
  TeamSchema,
  UpdateStateBody,
  UpdateTeamBody,
  WorkflowStateSchema,
} from './teams.schemas.ts';
import { createTeamService } from './teams.service.ts';

const MemberSchema = Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), avatarUrl: Type.Union([Type.String(), Type.Null()]) });
const StateParams = Type.Object({ stateId: Uuid });
const noContent = { 204: Type.Null(), ...errorResponses };

/** Teams, team members and workflow states under `/api/v1/teams`. */
export async function teamRoutes(app: App, deps: ModuleDeps) {
  const teams = createTeamService(deps);
  app.addSchema(TeamSchema);
  app.addSchema(WorkflowStateSchema);

  app.get('/api/v1/teams', {
    schema: { operationId: 'listTeams', tags: ['teams'], response: { 200: ListOf(Type.Ref('Team')), 401: ProblemSchema, 403: ProblemSchema } },
    config: { auth: 'workspace' },
  }, async (req) => ({ data: await teams.list(workspaceActor(req)) }));

  app.post('/api/v1/teams', {
    schema: { operationId: 'createTeam', tags: ['teams'], body: CreateTeamBody, response: { 201: Type.Ref('Team'), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => reply.status(201).send(await teams.create(workspaceActor(req), req.body)));

  app.get('/api/v1/teams/:teamId', {
    schema: { operationId: 'getTeam', tags: ['teams'], params: TeamParams, response: { 200: Type.Ref('Team'), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => teams.get(workspaceActor(req), req.params.teamId));

  app.patch('/api/v1/teams/:teamId', {
    schema: { operationId: 'updateTeam', tags: ['teams'], params: TeamParams, body: UpdateTeamBody, response: { 200: Type.Ref('Team'), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => teams.update(workspaceActor(req), req.params.teamId, req.body));

  app.delete('/api/v1/teams/:teamId', {
    schema: { operationId: 'deleteTeam', tags: ['teams'], params: TeamParams, response: noContent },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    await teams.remove(workspaceActor(req), req.params.teamId);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/teams/:teamId/members', {
    schema: { operationId: 'listTeamMembers', tags: ['teams'], params: TeamParams, response: { 200: ListOf(MemberSchema), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => ({ data: await teams.listMembers(workspaceActor(req), req.params.teamId) }));

  app.post('/api/v1/teams/:teamId/members', {
    schema: {
      operationId: 'addTeamMember', tags: ['teams'], params: TeamParams,
      body: Type.Object({ userId: Uuid }, { additionalProperties: false }), response: noContent,
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    await teams.addMember(workspaceActor(req), req.params.teamId, req.body.userId);
    return reply.status(204).send(null);
  });

  app.delete('/api/v1/teams/:teamId/members/:userId', {
    schema: { operationId: 'removeTeamMember', tags: ['teams'], params: Type.Object({ teamId: TeamParams.properties.teamId, userId: Uuid }), response: noContent },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    await teams.removeMember(workspaceActor(req), req.params.teamId, req.params.userId);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/teams/:teamId/states', {
    schema: { operationId: 'listWorkflowStates', tags: ['workflow states'], params: TeamParams, response: { 200: ListOf(Type.Ref('WorkflowState')), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => ({ data: await teams.listStates(workspaceActor(req), req.params.teamId) }));

  app.post('/api/v1/teams/:teamId/states', {
    schema: { operationId: 'createWorkflowState', tags: ['workflow states'], params: TeamParams, body: CreateStateBody, response: { 201: Type.Ref('WorkflowState'), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => reply.status(201).send(await teams.createState(workspaceActor(req), req.params.teamId, req.body)));

  app.post('/api/v1/teams/:teamId/states/reorder', {
    schema: { operationId: 'reorderWorkflowStates', tags: ['workflow states'], params: TeamParams, body: ReorderStatesBody, response: { 200: ListOf(Type.Ref('WorkflowState')), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => ({ data: await teams.reorderStates(workspaceActor(req), req.params.teamId, req.body.stateIds) }));

  app.patch('/api/v1/states/:stateId', {
    schema: { operationId: 'updateWorkflowState', tags: ['workflow states'], params: StateParams, body: UpdateStateBody, response: { 200: Type.Ref('WorkflowState'), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => teams.updateState(workspaceActor(req), req.params.stateId, req.body));

  app.delete('/api/v1/states/:stateId', {
    schema: {
      operationId: 'deleteWorkflowState', tags: ['workflow states'], params: StateParams,
      querystring: Type.Object({ replacementId: Type.Optional(Uuid) }), response: noContent,
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    await teams.deleteState(workspaceActor(req), req.params.stateId, req.query.replacementId);
    return reply.status(204).send(null);
  });
}
