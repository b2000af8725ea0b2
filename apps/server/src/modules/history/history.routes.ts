import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, PageQuery, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { IssueHistorySchema, IssueRefParams } from './history.schemas.ts';
import { createHistoryService } from './history.service.ts';

/** `GET /api/v1/issues/:issueId/history`: an issue's activity log, newest first. */
export async function historyRoutes(app: App, deps: ModuleDeps) {
  const history = createHistoryService(deps);
  app.addSchema(IssueHistorySchema);

  app.get('/api/v1/issues/:issueId/history', {
    schema: {
      operationId: 'listIssueHistory', tags: ['issues'], params: IssueRefParams, querystring: Type.Object(PageQuery),
      response: { 200: Page(Type.Ref('IssueHistoryEvent')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => history.list(workspaceActor(req), req.params.issueId, req.query));
}
