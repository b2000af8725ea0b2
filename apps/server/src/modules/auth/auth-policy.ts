/**
 * Workspace auth-method policy: which sign-in methods (magic_link, google, oidc) may be used to
 * enter a workspace. Checked when a sign-in starts for a named workspace (here) and whenever a
 * session enters a workspace (plugins/auth.ts). A policy that cannot be read as a list admits
 * nothing: it fails closed.
 */
import { eq } from 'drizzle-orm';
import { workspace, type Executor } from '@exponential/db';
import { forbidden } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';

/** Sign-in methods a policy can allow. */
export const AUTH_METHODS = ['magic_link', 'google', 'oidc'] as const;
/** A sign-in method. */
export type AuthMethod = (typeof AUTH_METHODS)[number];

const REFUSALS: Record<AuthMethod, string> = {
  magic_link: 'Email sign-in is disabled for this workspace.',
  google: 'Google sign-in is disabled for this workspace.',
  oidc: 'Single sign-on is disabled for this workspace.',
};

/** True when a stored policy value admits `method` (anything but a list admits nothing). */
export function policyAdmits(allowed: unknown, method: AuthMethod): boolean {
  return Array.isArray(allowed) && allowed.includes(method);
}

/**
 * Refuses a sign-in start for a workspace whose policy disallows `method`. An unknown workspace
 * is not an error (the answer must not reveal which workspaces exist).
 * @param ref workspace id or URL slug, or undefined when the sign-in names none
 * @throws AppError 403 `auth_method_not_allowed`
 */
export async function assertSignInAllowed(ex: Executor, ref: string | undefined, method: AuthMethod): Promise<void> {
  if (!ref) return;
  const cond = isUuid(ref) ? eq(workspace.id, ref) : eq(workspace.urlSlug, ref.toLowerCase());
  const [w] = await ex.select({ allowed: workspace.allowedAuthMethods }).from(workspace).where(cond);
  if (w && !policyAdmits(w.allowed, method)) throw forbidden(REFUSALS[method], 'auth_method_not_allowed');
}
