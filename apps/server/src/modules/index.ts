/**
 * Registers every module's routes. Order matters only for shared schemas: teams before
 * workspaces (the workspace creation response refers to `Team`).
 */
import type { App, ModuleDeps } from '../app.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { oidcRoutes } from './auth/oidc.routes.ts';
import { oauthAppRoutes } from './oauth/oauth.apps.routes.ts';
import { oauthRoutes } from './oauth/oauth.routes.ts';
import { profileRoutes } from './profile/profile.routes.ts';
import { authPolicyRoutes } from './auth/auth-policy.routes.ts';
import { commentRoutes } from './comments/comments.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { importRoutes } from './imports/imports.routes.ts';
import { exportRoutes } from './exports/exports.routes.ts';
import { historyRoutes } from './history/history.routes.ts';
import { issueRoutes } from './issues/issues.routes.ts';
import { labelRoutes } from './labels/labels.routes.ts';
import { invitationRoutes } from './members/invitations.routes.ts';
import { memberRoutes } from './members/members.routes.ts';
import { reactionRoutes } from './reactions/reactions.routes.ts';
import { relationRoutes } from './relations/relations.routes.ts';
import { subscriptionRoutes } from './subscriptions/subscriptions.routes.ts';
import { sessionRoutes } from './sessions/sessions.routes.ts';
import { teamRoutes } from './teams/teams.routes.ts';
import { tokenRoutes } from './tokens/tokens.routes.ts';
import { viewRoutes } from './views/views.routes.ts';
import { workspaceRoutes } from './workspaces/workspaces.routes.ts';
import { syncRoutes } from '../sync/sync.routes.ts';

/** Registers all modules on `app`. */
export async function registerModules(app: App, deps: ModuleDeps): Promise<void> {
  await healthRoutes(app, deps);
  await authRoutes(app, deps);
  await sessionRoutes(app, deps);
  await profileRoutes(app, deps);
  await auditRoutes(app, deps);
  await oidcRoutes(app, deps);
  await authPolicyRoutes(app, deps);
  await oauthRoutes(app, deps);
  await oauthAppRoutes(app, deps);
  await teamRoutes(app, deps);
  await workspaceRoutes(app, deps);
  await viewRoutes(app, deps);
  await issueRoutes(app, deps);
  await labelRoutes(app, deps);
  await memberRoutes(app, deps);
  await invitationRoutes(app, deps);
  await tokenRoutes(app, deps);
  await commentRoutes(app, deps);
  await relationRoutes(app, deps);
  await reactionRoutes(app, deps);
  await subscriptionRoutes(app, deps);
  await historyRoutes(app, deps);
  await importRoutes(app, deps);
  await exportRoutes(app, deps);
  await syncRoutes(app, deps);
}
