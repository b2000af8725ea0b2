import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, PageQuery, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { IssueRefParams } from '../history/history.schemas.ts';
import { SubscriberSchema, SubscriptionStateSchema } from './subscriptions.schemas.ts';
import { createSubscriptionService } from './subscriptions.service.ts';

/** Issue subscriptions under `/api/v1/issues/:issueId/subscription` and `/subscribers`. */
export async function subscriptionRoutes(app: App, deps: ModuleDeps) {
  const subs = createSubscriptionService(deps);
  app.addSchema(SubscriptionStateSchema);
  app.addSchema(SubscriberSchema);
  const stateResponse = { 200: Type.Ref('IssueSubscriptionState'), ...errorResponses };

  app.get('/api/v1/issues/:issueId/subscription', {
    schema: { operationId: 'getIssueSubscription', tags: ['issues'], params: IssueRefParams, response: stateResponse },
    config: { auth: 'workspace' },
  }, async (req) => subs.state(workspaceActor(req), req.params.issueId));

  app.put('/api/v1/issues/:issueId/subscription', {
    schema: { operationId: 'subscribeToIssue', tags: ['issues'], params: IssueRefParams, response: stateResponse },
    config: { auth: 'workspace' },
  }, async (req) => subs.subscribe(workspaceActor(req), req.params.issueId));

  app.delete('/api/v1/issues/:issueId/subscription', {
    schema: { operationId: 'unsubscribeFromIssue', tags: ['issues'], params: IssueRefParams, response: stateResponse },
    config: { auth: 'workspace' },
  }, async (req) => subs.unsubscribe(workspaceActor(req), req.params.issueId));

  app.get('/api/v1/issues/:issueId/subscribers', {
    schema: {
      operationId: 'listIssueSubscribers', tags: ['issues'], params: IssueRefParams, querystring: Type.Object(PageQuery),
      response: { 200: Page(Type.Ref('IssueSubscriber')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => subs.subscribers(workspaceActor(req), req.params.issueId, req.query));
}
