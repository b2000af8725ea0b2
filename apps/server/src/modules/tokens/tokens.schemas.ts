import { Type } from 'typebox';
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../lib/schemas.ts';

/** A personal access token as listed: never its value or hash. */
export const PersonalAccessTokenSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    /** The token's first characters (`pat_` and 8 more), to recognise it. */
    tokenPrefix: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: Timestamp,
    lastUsedAt: Nullable(Timestamp),
    expiresAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
  },
  { $id: 'PersonalAccessToken' },
);

/**
 * Days until expiry, 1..365, or null for none. A type list rather than `anyOf` with null: under
 * ajv's type coercion an `anyOf [integer, null]` turns `0` (and `false`) into null, i.e. a token
 * that never expires. The route also refuses non-number values before coercion.
 */
const ExpiresInDays = Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: 365 });

/**
 * Body of `POST /tokens`. Scopes are free strings here so an unknown one is answered with the
 * precise 400 `invalid_scope` (and its index) rather than a generic schema error.
 */
export const CreateTokenBody = Type.Object(
  {
    name: Text(80),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
    expiresInDays: Type.Optional(ExpiresInDays),
  },
  { additionalProperties: false },
);

/** `201` of `POST /tokens`: the token and, this once, its value. */
export const CreatedTokenSchema = Type.Object({ token: Type.Ref('PersonalAccessToken'), value: Type.String() });

/** Query of `GET /tokens`. */
export const ListTokensQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** `:tokenId` path parameter. */
export const TokenParams = Type.Object({ tokenId: Uuid });
