import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { CreateLabelBody, LabelParams, LabelSchema, ListLabelsQuery, UpdateLabelBody } from './labels.schemas.ts';
import { createLabelService } from './labels.service.ts';

/** Workspace and team labels, and label groups, under `/api/v1/labels`. */
export async function labelRoutes(app: App, deps: ModuleDeps) {
  const labels = createLabelService(deps);
  app.addSchema(LabelSchema);

  app.get('/api/v1/labels', {
    schema: {
      operationId: 'listLabels', tags: ['labels'], querystring: ListLabelsQuery,
      response: { 200: Page(Type.Ref('Label')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => labels.list(workspaceActor(req), req.query));

  app.post('/api/v1/labels', {
    schema: { operationId: 'createLabel', tags: ['labels'], body: CreateLabelBody, response: { 201: Type.Ref('Label'), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => reply.status(201).send(await labels.create(workspaceActor(req), req.body)));

  app.get('/api/v1/labels/:labelId', {
    schema: { operationId: 'getLabel', tags: ['labels'], params: LabelParams, response: { 200: Type.Ref('Label'), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => labels.get(workspaceActor(req), req.params.labelId));

  app.patch('/api/v1/labels/:labelId', {
    schema: {
      operationId: 'updateLabel', tags: ['labels'], params: LabelParams, body: UpdateLabelBody,
      response: { 200: Type.Ref('Label'), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => labels.update(workspaceActor(req), req.params.labelId, req.body));

  app.delete('/api/v1/labels/:labelId', {
    schema: { operationId: 'deleteLabel', tags: ['labels'], params: LabelParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    await labels.remove(workspaceActor(req), req.params.labelId);
    return reply.status(204).send(null);
  });
}
