import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, PageQuery, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { IssueRefParams } from '../history/history.schemas.ts';
import { CreateRelationBody, IssueRelationSchema, RelationParams } from './relations.schemas.ts';
import { createRelationService } from './relations.service.ts';

/** Issue relations under `/api/v1/issues/:issueId/relations` and `/api/v1/relations/:relationId`. */
export async function relationRoutes(app: App, deps: ModuleDeps) {
  const relations = createRelationService(deps);
  app.addSchema(IssueRelationSchema);

  app.get('/api/v1/issues/:issueId/relations', {
    schema: {
      operationId: 'listIssueRelations', tags: ['relations'], params: IssueRefParams, querystring: Type.Object(PageQuery),
      response: { 200: Page(Type.Ref('IssueRelation')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => relations.list(workspaceActor(req), req.params.issueId, req.query));

  app.post('/api/v1/issues/:issueId/relations', {
    schema: {
      operationId: 'createIssueRelation', tags: ['relations'], params: IssueRefParams, body: CreateRelationBody,
      response: { 201: Type.Ref('IssueRelation'), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req, reply) => reply.status(201).send(await relations.create(workspaceActor(req), req.params.issueId, req.body)));

  app.delete('/api/v1/relations/:relationId', {
    schema: { operationId: 'deleteIssueRelation', tags: ['relations'], params: RelationParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    await relations.remove(workspaceActor(req), req.params.relationId);
    return reply.status(204).send(null);
  });
}
