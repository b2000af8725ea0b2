/**
 * Factories for the labels, members, invitations and tokens tests, all through the real API:
 * joining a workspace by invitation (invite, read the mail, accept) and creating tokens.
 */
import { expect } from 'vitest';
import { api, signIn, type SignedIn, type TestApp } from './helpers.ts';

/** The invitation token in the newest mail sent to `email`. */
export function invitationTokenFor(t: TestApp, email: string): string {
  const msg = [...t.mailer.sent].reverse().find((m) => m.to === email.toLowerCase());
  const token = /\/invite\/(inv_[A-Za-z0-9_-]+)/.exec(msg?.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail for ${email}`);
  return token;
}

/**
 * Signs `email` in and makes them a member of `inviter`'s current workspace with `role`
 * (owner: invited as admin, then promoted by `inviter`, who must be an owner).
 */
export async function joinAs(t: TestApp, inviter: SignedIn & { workspace?: string }, email: string, role: 'owner' | 'admin' | 'member' | 'guest'): Promise<SignedIn> {
  const who = await signIn(t, email);
  const inv = await api(t.app, 'POST', '/api/v1/invitations', { as: inviter, body: { email, role: role === 'owner' ? 'admin' : role } });
  expect(inv.status, JSON.stringify(inv.body)).toBe(201);
  const acc = await api(t.app, 'POST', '/api/v1/invitations/accept', { as: who, body: { token: invitationTokenFor(t, email) } });
  expect(acc.status, JSON.stringify(acc.body)).toBe(200);
  if (role === 'owner') {
    const up = await api(t.app, 'PATCH', `/api/v1/members/${who.userId}`, { as: inviter, body: { role: 'owner' } });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
  }
  return who;
}

/** Creates a personal access token as `who` and returns its value. */
export async function createToken(t: TestApp, who: { cookie: string; workspace?: string } | { token: string }, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api(t.app, 'POST', '/api/v1/tokens', { as: who, body: { name: 'test token', ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.value as string;
}
