import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { ListOf, Page, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import {
  BulkUpdateBody,
  CreateIssueBody,
  IssueListItemSchema,
  IssueParams,
  IssueSchema,
  ListIssuesQuery,
  MoveIssueBody,
  UpdateIssueBody,
} from './issues.schemas.ts';
import { createIssueService } from './issues.service.ts';

const IssueRef = Type.Ref('Issue');
const IssueListItemRef = Type.Ref('IssueListItem');
const tags = ['issues'];

/** Issues under `/api/v1/issues`: CRUD, archive, manual order, bulk update and the filtered list. */
export async function issueRoutes(app: App, deps: ModuleDeps) {
  const issues = createIssueService(deps);
  app.addSchema(IssueSchema);
  app.addSchema(IssueListItemSchema);

  app.get('/api/v1/issues', {
    schema: { operationId: 'listIssues', tags, querystring: ListIssuesQuery, response: { 200: Page(IssueListItemRef), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => issues.list(workspaceActor(req), req.query));

  app.post('/api/v1/issues', {
    schema: { operationId: 'createIssue', tags, body: CreateIssueBody, response: { 201: IssueRef, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => reply.status(201).send(await issues.create(workspaceActor(req), req.body)));

  app.post('/api/v1/issues/bulk', {
    schema: { operationId: 'bulkUpdateIssues', tags, body: BulkUpdateBody, response: { 200: ListOf(IssueRef), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => ({ data: await issues.bulkUpdate(workspaceActor(req), req.body.issueIds, req.body.update) }));

  app.get('/api/v1/issues/:issueId', {
    schema: { operationId: 'getIssue', tags, params: IssueParams, response: { 200: IssueRef, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => issues.get(workspaceActor(req), req.params.issueId));

  app.patch('/api/v1/issues/:issueId', {
    schema: { operationId: 'updateIssue', tags, params: IssueParams, body: UpdateIssueBody, response: { 200: IssueRef, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => issues.update(workspaceActor(req), req.params.issueId, req.body));

  app.post('/api/v1/issues/:issueId/archive', {
    schema: { operationId: 'archiveIssue', tags, params: IssueParams, response: { 200: IssueRef, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => issues.setArchived(workspaceActor(req), req.params.issueId, true));

  app.post('/api/v1/issues/:issueId/unarchive', {
    schema: { operationId: 'unarchiveIssue', tags, params: IssueParams, response: { 200: IssueRef, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => issues.setArchived(workspaceActor(req), req.params.issueId, false));

  app.post('/api/v1/issues/:issueId/move', {
    schema: { operationId: 'moveIssue', tags, params: IssueParams, body: MoveIssueBody, response: { 200: IssueRef, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => issues.move(workspaceActor(req), req.params.issueId, req.body));

  app.delete('/api/v1/issues/:issueId', {
    schema: { operationId: 'deleteIssue', tags, params: IssueParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    await issues.remove(workspaceActor(req), req.params.issueId);
    return reply.status(204).send(null);
  });
}
