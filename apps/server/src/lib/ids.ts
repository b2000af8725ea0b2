import { v7 } from 'uuid';

/** A new time-ordered UUIDv7 (RFC 9562 §5.7), the id of every row the server creates. */
export function newId(): string {
  return v7();
}

/** True when `s` is a UUID in canonical 8-4-4-4-12 hex form (any version). */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
