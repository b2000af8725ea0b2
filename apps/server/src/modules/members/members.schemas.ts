import { Type } from 'typebox';
import { Nullable, PageQuery, Timestamp, Uuid } from '../../lib/schemas.ts';

/** Workspace roles, most to least privileged. */
export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member'), Type.Literal('guest')]);

/** A workspace member as REST lists it. `id` is the membership's id. */
export const WorkspaceMemberSchema = Type.Object(
  {
    id: Uuid,
    userId: Uuid,
    name: Type.String(),
    email: Type.String(),
    avatarUrl: Nullable(Type.String()),
    role: RoleSchema,
    createdAt: Timestamp,
  },
  { $id: 'WorkspaceMember' },
);

/** A pending (or past) invitation to join the workspace. */
export const InvitationSchema = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    role: RoleSchema,
    status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('revoked')]),
    invitedById: Nullable(Uuid),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Invitation' },
);

/** Query of every list in this module. */
export const ListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** `:userId` path parameter of member routes. */
export const MemberParams = Type.Object({ userId: Uuid });

/** Body of `PATCH /members/:userId`. */
export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

/**
 * Body of `POST /invitations`. `owner` passes the schema so that the service can answer with a
 * precise message (invitations never grant ownership).
 */
export const CreateInvitationBody = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254 }), role: RoleSchema },
  { additionalProperties: false },
);

/** `:invitationId` path parameter. */
export const InvitationParams = Type.Object({ invitationId: Uuid });

/** An invitation token as sent in the link (`inv_` + 43 base64url characters). */
const InvitationToken = Type.String({ minLength: 1, maxLength: 200 });

/** Query of the public `GET /invitations/preview`. */
export const PreviewQuery = Type.Object({ token: InvitationToken }, { additionalProperties: false });

/** What an invitation link shows before sign-in: never the invited address. */
export const InvitationPreviewSchema = Type.Object({
  workspaceName: Type.String(),
  /** Who sent it (null once their account is gone). */
  invitedByName: Nullable(Type.String()),
  role: RoleSchema,
  expiresAt: Timestamp,
  valid: Type.Boolean(),
});

/** Body of `POST /invitations/accept`. */
export const AcceptInvitationBody = Type.Object({ token: InvitationToken }, { additionalProperties: false });

/** `200` of `POST /invitations/accept`: the workspace joined. */
export const AcceptedInvitationSchema = Type.Object({
  workspaceId: Uuid,
  workspaceName: Type.String(),
  urlSlug: Type.String(),
  role: RoleSchema,
  /** The team the new member was added to (the workspace's oldest live team), if any. */
  teamId: Nullable(Uuid),
});

/** One of the signed-in user's own pending invitations (`GET /me/invitations`): never a token. */
export const MyInvitationSchema = Type.Object({
  id: Uuid,
  workspaceName: Type.String(),
  role: RoleSchema,
  /** Who sent it (null once their account is gone). */
  invitedByName: Nullable(Type.String()),
  expiresAt: Timestamp,
});

/** `200` of `GET /me/invitations`. */
export const MyInvitationListSchema = Type.Object({ data: Type.Array(MyInvitationSchema) });
