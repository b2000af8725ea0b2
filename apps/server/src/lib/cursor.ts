/**
 * Opaque pagination cursors: base64url of a JSON array of sort-key values, followed by an
 * HMAC-SHA-256 tag under the session secret. A tampered or foreign cursor is a 400
 * `invalid_cursor`, never a 500 or a silent restart.
 */
import { constantTimeEqual, hmac } from './crypto.ts';
import { badRequest } from './errors.ts';

/** Signs and verifies cursors with the current secret (and the previous one, during rotation). */
export interface CursorCodec {
  encode(values: unknown[]): string;
  /** @throws AppError 400 `invalid_cursor` */
  decode(cursor: string): unknown[];
}

/** Creates a codec; `secrets[0]` signs, every entry verifies. */
export function createCursorCodec(secrets: string[]): CursorCodec {
  const [signing] = secrets;
  if (!signing) throw new Error('a cursor secret is required');
  return {
    encode(values) {
      const body = Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
      return `${body}.${hmac(signing, `cursor:${body}`).slice(0, 22)}`;
    },
    decode(cursor) {
      const bad = () => badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
      const dot = cursor.indexOf('.');
      if (dot < 1) throw bad();
      const body = cursor.slice(0, dot);
      const tag = cursor.slice(dot + 1);
      if (!secrets.some((s) => constantTimeEqual(hmac(s, `cursor:${body}`).slice(0, 22), tag))) throw bad();
      try {
        const values = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        if (!Array.isArray(values)) throw bad();
        return values;
      } catch {
        throw bad();
      }
    },
  };
}
