import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { ListOf, ProblemSchema, Text, Timestamp, Uuid, errorResponses } from '../../lib/schemas.ts';
import { actorOf, workspaceActor } from '../../plugins/auth.ts';
import { TeamKey } from '../teams/teams.schemas.ts';
import { createWorkspaceService } from './workspaces.service.ts';

const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])$', minLength: 2, maxLength: 48 });
const WorkspaceSchema = Type.Object(
  { id: Uuid, name: Type.String(), urlSlug: Type.String(), createdAt: Timestamp, updatedAt: Timestamp },
  { $id: 'Workspace' },
);

/** Workspaces under `/api/v1/workspaces`. */
export async function workspaceRoutes(app: App, deps: ModuleDeps) {
  const workspaces = createWorkspaceService(deps);
  app.addSchema(WorkspaceSchema);

  app.post('/api/v1/workspaces', {
    schema: {
      operationId: 'createWorkspace', tags: ['workspaces'],
      body: Type.Object({
        id: Type.Optional(Uuid),
        name: Text(100),
        urlSlug: Type.Optional(Slug),
        teamName: Type.Optional(Text(100)),
        teamKey: Type.Optional(TeamKey),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ workspace: Type.Ref('Workspace'), team: Type.Ref('Team') }), ...errorResponses },
    },
    config: { auth: 'user' },
  }, async (req, reply) => reply.status(201).send(await workspaces.create(actorOf(req).userId, req.body)));

  app.get('/api/v1/workspaces', {
    schema: {
      operationId: 'listWorkspaces', tags: ['workspaces'],
      response: { 200: ListOf(Type.Object({ id: Uuid, name: Type.String(), urlSlug: Type.String(), role: Type.String(), createdAt: Timestamp, updatedAt: Timestamp })), 401: ProblemSchema, 403: ProblemSchema },
    },
    config: { auth: 'user' },
  }, async (req) => {
    const actor = actorOf(req);
    const all = await workspaces.listMine(actor.userId);
    // A token is bound to one workspace and sees only that one.
    return { data: actor.via === 'session' ? all : all.filter((w) => w.id === actor.workspaceId) };
  });

  app.get('/api/v1/workspaces/current', {
    schema: { operationId: 'getCurrentWorkspace', tags: ['workspaces'], response: { 200: Type.Ref('Workspace'), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => workspaces.get(workspaceActor(req).workspaceId));

  app.patch('/api/v1/workspaces/current', {
    schema: {
      operationId: 'updateCurrentWorkspace', tags: ['workspaces'],
      body: Type.Object({ name: Type.Optional(Text(100)), urlSlug: Type.Optional(Slug) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Ref('Workspace'), ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => workspaces.update(workspaceActor(req), req.body));
}
