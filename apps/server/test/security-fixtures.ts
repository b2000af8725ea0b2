/**
 * Fixtures for the security tests: a personal access token inserted straight into the database
 * (so these tests do not depend on the tokens API), and a log-capturing stream.
 */
import { Writable } from 'node:stream';
import { personalAccessToken, type Db } from '@exponential/db';
import { randomToken, sha256 } from '../src/lib/crypto.ts';
import { newId } from '../src/lib/ids.ts';

/**
 * Creates a personal access token for `userId` in `workspaceId`.
 * @returns the bearer value (`pat_…`) and the token row id
 */
export async function insertToken(db: Db, o: { workspaceId: string; userId: string; scopes?: string[] }): Promise<{ token: string; id: string }> {
  const token = randomToken('pat_');
  const id = newId();
  await db.insert(personalAccessToken).values({
    id,
    workspaceId: o.workspaceId,
    userId: o.userId,
    name: 'test token',
    tokenHash: sha256(token),
    tokenPrefix: token.slice(0, 12),
    scopes: o.scopes ?? ['read', 'write'],
  });
  return { token, id };
}

/** A writable stream that keeps every chunk written to it (for logger output). */
export function captureStream(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}
