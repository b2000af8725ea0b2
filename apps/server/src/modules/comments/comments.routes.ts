import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Page, PageQuery, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { IssueRefParams } from '../history/history.schemas.ts';
import { CommentParams, CommentSchema, CreateCommentBody, UpdateCommentBody } from './comments.schemas.ts';
import { createCommentService } from './comments.service.ts';

/** Comments under `/api/v1/issues/:issueId/comments` and `/api/v1/comments/:commentId`. */
export async function commentRoutes(app: App, deps: ModuleDeps) {
  const comments = createCommentService(deps);
  app.addSchema(CommentSchema);

  app.get('/api/v1/issues/:issueId/comments', {
    schema: {
      operationId: 'listComments', tags: ['comments'], params: IssueRefParams, querystring: Type.Object(PageQuery),
      response: { 200: Page(Type.Ref('Comment')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => comments.list(workspaceActor(req), req.params.issueId, req.query));

  app.post('/api/v1/issues/:issueId/comments', {
    schema: {
      operationId: 'createComment', tags: ['comments'], params: IssueRefParams, body: CreateCommentBody,
      response: { 201: Type.Ref('Comment'), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req, reply) => reply.status(201).send(await comments.create(workspaceActor(req), req.params.issueId, req.body)));

  app.patch('/api/v1/comments/:commentId', {
    schema: {
      operationId: 'updateComment', tags: ['comments'], params: CommentParams, body: UpdateCommentBody,
      response: { 200: Type.Ref('Comment'), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => comments.update(workspaceActor(req), req.params.commentId, req.body));

  app.delete('/api/v1/comments/:commentId', {
    schema: { operationId: 'deleteComment', tags: ['comments'], params: CommentParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    await comments.remove(workspaceActor(req), req.params.commentId);
    return reply.status(204).send(null);
  });
}
