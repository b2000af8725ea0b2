/**
 * Two sign-in links for a new address spent at the same moment both sign in, as one user (no 500
 * from a duplicate account).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, uniqueAddress, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('concurrent first sign-in', () => {
  it('creates one account for two links verified at once', async () => {
    const email = 'twice-at-once@example.com';
    // Two devices ask at once (on PostgreSQL neither request may see the other's link to void it).
    await Promise.all(
      [0, 1].map(() => t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', payload: { email }, remoteAddress: uniqueAddress() })),
    );
    const tokens = t.mailer.sent.filter((m) => m.to === email).map((m) => decodeURIComponent(/token=([^\s&]+)/.exec(m.text)![1]!));
    expect(tokens).toHaveLength(2);
    const res = await Promise.all(
      tokens.map((token) => t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token }, remoteAddress: uniqueAddress() })),
    );
    expect(res.map((r) => r.statusCode).filter((c) => c >= 500)).toEqual([]);
    const users = new Set(res.filter((r) => r.statusCode === 200).map((r) => JSON.parse(r.body).userId));
    expect(users.size).toBe(1);
  });
});
