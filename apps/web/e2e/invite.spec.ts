/**
 * Joining by invitation: an admin invites bob in Settings › Members; bob opens the mailed link
 * signed out, signs in by magic link, comes back to the invitation, joins and sees the team's
 * issues. Refusals (a used link, another address's link, an unknown token) show the server's
 * message; a pending invitation is offered on onboarding after a normal sign-in. The token is
 * kept in the tab's sessionStorage only across the sign-in round trip (never in localStorage) and
 * forgotten once signed in, or on "Not now".
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createIssueViaApi, dataDir, decodeQuotedPrintable, magicLinkFor, sameOrigin, shot, signInByMagicLink, uniqueEmail } from './helpers.ts';
import { openApp, ready, type Setup, setUp } from './issue-page.helpers.ts';

let setup: Setup;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  setup = await setUp(browser, baseURL!, 'invite', 'INV');
});

/** Waits for the newest invitation mail to `email` in the outbox and returns its link. */
async function invitationLinkFor(email: string): Promise<string> {
  const outbox = path.join(dataDir, 'outbox');
  let link: string | null = null;
  await expect
    .poll(() => {
      const mails = readdirSync(outbox)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => decodeQuotedPrintable(readFileSync(path.join(outbox, f), 'utf8')))
        .filter((raw) => new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(raw));
      link = /(https?:\/\/\S+\/invite\/inv_[A-Za-z0-9_-]+)/.exec(mails.filter((m) => m.includes('/invite/')).pop() ?? '')?.[1] ?? null;
      return link;
    }, { message: `an invitation mail to ${email}` })
    .not.toBeNull();
  return link!;
}

const STASH = 'exponential.pendingInvitation';

/** Where the page keeps the invitation token: this tab's sessionStorage and the browser's localStorage. */
const stored = (page: Page) =>
  page.evaluate((key) => ({ session: sessionStorage.getItem(key), local: localStorage.getItem(key) }), STASH);

/** Invites `email` as the workspace owner through the API. */
async function inviteViaApi(page: Page, baseURL: string, email: string): Promise<void> {
  const res = await page.request.post('/api/v1/invitations', {
    headers: sameOrigin(baseURL, { 'x-workspace': setup.workspace.id }),
    data: { email, role: 'member' },
  });
  expect(res.status(), await res.text()).toBe(201);
}

test('bob opens the link signed out, signs in, joins and sees the team’s issues', async ({ browser, baseURL }) => {
  const admin = await openApp(browser, setup, baseURL!);
  await createIssueViaApi(admin.request, baseURL!, setup.workspace.id, { teamId: setup.team.id, title: 'Welcome aboard, Bob' });
  await admin.goto(`/${setup.workspace.urlSlug}/settings/members`);
  await ready(admin);
  const bob = uniqueEmail('bob');
  await admin.getByLabel('E-mail').fill(bob);
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  await expect(admin.getByText(`Invitation sent to ${bob}`)).toBeVisible();
  const link = await invitationLinkFor(bob);
  expect(link.startsWith(baseURL!)).toBe(true);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Join invite Co' })).toBeVisible();
  await expect(page.getByTestId('invite-summary')).toContainText('invited you to join invite Co as a member');
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Finvite$/);
  expect(await stored(page)).toEqual({ session: link.slice(link.indexOf('/invite/') + 8), local: null });
  const since = Date.now();
  await page.getByLabel('Email').fill(bob);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await expect(page.getByTestId('check-email')).toBeVisible();
  const magic = await magicLinkFor(bob, since);
  expect(magic).not.toContain('inv_');
  await page.goto(magic);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/invite$/);
  await expect(page.getByText(`Signed in as ${bob}`)).toBeVisible();
  // Signed in: the screen holds the token, storage no longer does.
  await expect.poll(() => stored(page)).toEqual({ session: null, local: null });
  await shot(page, '60-invite-join');
  await page.getByRole('button', { name: 'Join workspace' }).click();
  await expect(page).toHaveURL(new RegExp(`/${setup.workspace.urlSlug}/team/INV/`));
  await expect(page.getByText('Welcome aboard, Bob')).toBeVisible();

  // The link is spent: opening it again says so, in the server's words.
  await page.goto(link);
  await page.getByRole('button', { name: 'Join workspace' }).click();
  await expect(page.getByTestId('invite-error')).toHaveText('This invitation has already been used');
  await ctx.close();
  await admin.context().close();
});

test('another address’s link and an unknown token show the server’s message', async ({ browser, baseURL }) => {
  const admin = await openApp(browser, setup, baseURL!);
  const dave = uniqueEmail('dave');
  await inviteViaApi(admin, baseURL!, dave);
  const link = await invitationLinkFor(dave);
  await admin.context().close();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signInByMagicLink(page, uniqueEmail('carol'));
  await expect(page).toHaveURL(/\/onboarding$/);
  await page.goto(link);
  await page.getByRole('button', { name: 'Join workspace' }).click();
  await expect(page.getByTestId('invite-error')).toHaveText('This invitation was sent to another e-mail address');
  await expect(page).toHaveURL(/\/invite\/inv_/);

  await page.goto(`/invite/inv_${'x'.repeat(43)}`);
  await expect(page.getByTestId('invite-error')).toContainText('not found');
  await ctx.close();
});

test('after a normal sign-in, pending invitations are offered on onboarding', async ({ browser, baseURL }) => {
  const admin = await openApp(browser, setup, baseURL!);
  const erin = uniqueEmail('erin');
  await inviteViaApi(admin, baseURL!, erin);
  await admin.context().close();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signInByMagicLink(page, erin);
  await expect(page).toHaveURL(/\/onboarding$/);
  const pending = page.getByTestId('pending-invitations');
  await expect(pending).toContainText('invite Co');
  await pending.getByRole('button', { name: 'Join invite Co' }).click();
  await expect(page).toHaveURL(new RegExp(`/${setup.workspace.urlSlug}/team/INV/`));
  await ctx.close();
});

test('“Not now” forgets the token; a copy an older version left in localStorage is removed', async ({ browser, baseURL }) => {
  const admin = await openApp(browser, setup, baseURL!);
  const frank = uniqueEmail('frank');
  await inviteViaApi(admin, baseURL!, frank);
  const link = await invitationLinkFor(frank);
  await admin.context().close();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(link);
  await page.evaluate((key) => localStorage.setItem(key, 'inv_left_by_an_older_version'), STASH);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Finvite$/);
  expect(await stored(page)).toEqual({ session: link.slice(link.indexOf('/invite/') + 8), local: null });
  await page.goBack();
  await expect(page.getByTestId('invite-summary')).toBeVisible();
  await page.getByRole('button', { name: 'Not now' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await stored(page)).toEqual({ session: null, local: null });
  await ctx.close();
});
