/** Schemas of the sessions API: one browser session as its owner sees it. */
import { Type } from 'typebox';
import { Nullable, PageQuery, Timestamp, Uuid } from '../../lib/schemas.ts';

/** A browser session of the caller. */
export const SessionSchema = Type.Object(
  {
    id: Uuid,
    /** True for the session making this request. */
    current: Type.Boolean(),
    /** Client address at sign-in. */
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    /** Short label derived from the User-Agent, e.g. "Firefox on macOS". */
    device: Type.String(),
    createdAt: Timestamp,
    /** Last request seen (updated at most once a minute). */
    lastSeenAt: Timestamp,
    /** Absolute end of the session, whatever its use. */
    expiresAt: Timestamp,
    /** When the session ends if it is not used again (idle lifetime). */
    idleExpiresAt: Timestamp,
  },
  { $id: 'Session' },
);

/** `?limit=&cursor=` of the session list. */
export const ListSessionsQuery = Type.Object(PageQuery, { additionalProperties: false });

/** `:sessionId` path parameter. */
export const SessionParams = Type.Object({ sessionId: Uuid });

/** Result of ending every other session. */
export const RevokeOthersResult = Type.Object({ revoked: Type.Integer({ minimum: 0 }) });
