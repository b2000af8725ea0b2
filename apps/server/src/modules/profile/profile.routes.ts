import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { requestOrigin } from '../../lib/audit.ts';
import { errorResponses } from '../../lib/schemas.ts';
import { actorOf } from '../../plugins/auth.ts';
import { ProfileSchema, UpdateProfileBody } from './profile.schemas.ts';
import { createProfileService } from './profile.service.ts';

/**
 * `PATCH /api/v1/me`: the signed-in user changes their own name or avatar. A browser session
 * only: a personal access token belongs to one workspace, while the profile is shown in all of
 * the user's workspaces.
 */
export async function profileRoutes(app: App, deps: ModuleDeps) {
  const profiles = createProfileService(deps);
  app.addSchema(ProfileSchema);

  app.patch('/api/v1/me', {
    schema: {
      operationId: 'updateMe', tags: ['auth'], body: UpdateProfileBody,
      response: { 200: Type.Ref('Profile'), ...errorResponses },
    },
    config: { auth: 'session' },
  }, async (req) => profiles.update(actorOf(req).userId, req.body, requestOrigin(req)));
}
