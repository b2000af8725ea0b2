import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { ListOf, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { CommentParams, ReactionSummarySchema } from '../comments/comments.schemas.ts';
import { IssueRefParams } from '../history/history.schemas.ts';
import { AddReactionBody, ReactionParams, ReactionSchema } from './reactions.schemas.ts';
import { createReactionService } from './reactions.service.ts';

/**
 * Reactions: `POST /issues/:issueId/reactions`, `POST /comments/:commentId/reactions` (201 when
 * added, 200 with the existing reaction when the viewer already reacted with that emoji),
 * `DELETE /reactions/:reactionId`, and the issue's summary.
 */
export async function reactionRoutes(app: App, deps: ModuleDeps) {
  const reactions = createReactionService(deps);
  app.addSchema(ReactionSchema);
  const added = { 200: Type.Ref('Reaction'), 201: Type.Ref('Reaction'), ...errorResponses };

  app.get('/api/v1/issues/:issueId/reactions', {
    schema: { operationId: 'listIssueReactions', tags: ['reactions'], params: IssueRefParams, response: { 200: ListOf(ReactionSummarySchema), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => ({ data: await reactions.issueSummary(workspaceActor(req), req.params.issueId) }));

  app.post('/api/v1/issues/:issueId/reactions', {
    schema: { operationId: 'addIssueReaction', tags: ['reactions'], params: IssueRefParams, body: AddReactionBody, response: added },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    const r = await reactions.addToIssue(workspaceActor(req), req.params.issueId, req.body);
    return reply.status(r.created ? 201 : 200).send(r.reaction);
  });

  app.post('/api/v1/comments/:commentId/reactions', {
    schema: { operationId: 'addCommentReaction', tags: ['reactions'], params: CommentParams, body: AddReactionBody, response: added },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    const r = await reactions.addToComment(workspaceActor(req), req.params.commentId, req.body);
    return reply.status(r.created ? 201 : 200).send(r.reaction);
  });

  app.delete('/api/v1/reactions/:reactionId', {
    schema: { operationId: 'deleteReaction', tags: ['reactions'], params: ReactionParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    await reactions.remove(workspaceActor(req), req.params.reactionId);
    return reply.status(204).send(null);
  });
}
