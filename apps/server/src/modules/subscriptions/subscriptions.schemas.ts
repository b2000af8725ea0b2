import { Type } from 'typebox';
import { Nullable, Uuid } from '../../lib/schemas.ts';

/** The viewer's subscription to an issue and the subscriber count. */
export const SubscriptionStateSchema = Type.Object(
  { subscribed: Type.Boolean(), subscriberCount: Type.Integer({ minimum: 0 }) },
  { $id: 'IssueSubscriptionState' },
);

/** A subscriber's public profile. */
export const SubscriberSchema = Type.Object(
  { id: Uuid, name: Type.String(), avatarUrl: Nullable(Type.String()) },
  { $id: 'IssueSubscriber' },
);
