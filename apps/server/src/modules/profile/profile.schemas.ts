/** TypeBox contracts of the profile API (`PATCH /api/v1/me`): the signed-in user's own name and avatar. */
import { type Static, Type } from 'typebox';
import { Nullable, Text, Uuid } from '../../lib/schemas.ts';

/** Longest display name, in Unicode code points. */
export const NAME_MAX = 100;
/** Longest avatar URL accepted. */
export const AVATAR_URL_MAX = 2048;

/** The signed-in user's profile as `PATCH /me` answers it (the `user` of `GET /me`). */
export const ProfileSchema = Type.Object(
  { id: Uuid, email: Type.String(), name: Type.String(), avatarUrl: Nullable(Type.String()) },
  { $id: 'Profile' },
);

/**
 * Body of `PATCH /me` (at least one field). `avatarUrl` must be an https URL (checked by the
 * service, which names the rule); null removes the avatar.
 */
export const UpdateProfileBody = Type.Object(
  {
    name: Type.Optional(Text(NAME_MAX)),
    avatarUrl: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: AVATAR_URL_MAX }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Parsed body of `PATCH /me`. */
export type UpdateProfileInput = Static<typeof UpdateProfileBody>;
