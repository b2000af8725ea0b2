import type { personalAccessToken } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type TokenRow = typeof personalAccessToken.$inferSelect;

/** A personal access token as the API lists it: never the value or its hash. */
export function presentToken(t: TokenRow) {
  return {
    id: t.id,
    name: t.name,
    tokenPrefix: t.tokenPrefix,
    scopes: t.scopes,
    createdAt: iso(t.createdAt) as string,
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}
