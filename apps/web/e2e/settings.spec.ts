/**
 * Settings: a member's role change (and the server's refusal to change your own role, shown as
 * it words it), a personal access token shown once, the sign-in policy (including the server's
 * lock-out refusal), the import page checking and importing a small Linear CSV, and the profile.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { dataDir, decodeQuotedPrintable, sameOrigin, shot, signInByMagicLink, uniqueEmail } from './helpers.ts';
import { apiGet, openApp, ready, type Setup, setUp } from './issue-page.helpers.ts';

let setup: Setup;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  setup = await setUp(browser, baseURL!, 'settings', 'SET');
});

const settingsUrl = (section: string) => `/${setup.workspace.urlSlug}/settings/${section}`;

/** The token of the newest invitation mailed to `email` (the outbox the server writes). */
function invitationToken(email: string): string {
  const outbox = path.join(dataDir, 'outbox');
  const mails = readdirSync(outbox)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => decodeQuotedPrintable(readFileSync(path.join(outbox, f), 'utf8')))
    .filter((raw) => new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(raw) && raw.includes('/invite/'));
  const token = /\/invite\/(inv_[A-Za-z0-9_-]+)/.exec(mails[mails.length - 1] ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

test('members: invite, change a role, and see the server refuse a change of your own role', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('members'));
  await ready(page);
  const invitee = uniqueEmail('teammate');
  await page.getByLabel('E-mail').fill(invitee);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}`)).toBeVisible();
  await expect(page.getByTestId('invitation-row').filter({ hasText: invitee })).toBeVisible();

  // The invitee accepts in their own browser.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInByMagicLink(otherPage, invitee);
  await expect(otherPage).toHaveURL(/\/onboarding$/);
  await expect
    .poll(() => {
      try {
        return invitationToken(invitee);
      } catch {
        return null;
      }
    })
    .not.toBeNull();
  const accept = await otherPage.request.post('/api/v1/invitations/accept', { headers: sameOrigin(baseURL!), data: { token: invitationToken(invitee) } });
  expect(accept.status(), await accept.text()).toBe(200);
  await other.close();

  await page.reload();
  await ready(page);
  const row = page.getByTestId('member-row').filter({ hasText: invitee });
  await expect(row).toBeVisible();
  await row.getByRole('combobox').selectOption('admin');
  await expect(page.getByText(/is now admin/)).toBeVisible();
  const members = await apiGet<{ data: { email: string; role: string }[] }>(page.request, setup, 'members');
  expect(members.data.find((m) => m.email === invitee)?.role).toBe('admin');

  // Your own role: the server refuses, and its message is shown as is, next to you.
  const mine = page.getByTestId('member-row').filter({ hasText: '(you)' });
  await mine.getByRole('combobox').selectOption('member');
  await expect(mine.getByTestId('member-error')).toHaveText('Use your account settings to change your own access');
  await expect(mine.getByRole('combobox')).toHaveValue('owner');
  await shot(page, '30-settings-members');
  await page.context().close();
});

test('API: a new personal access token is shown once and works', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('api'));
  await ready(page);
  await expect(page.getByText('No tokens yet.')).toBeVisible();
  await page.getByLabel('Name').fill('CI script');
  await page.getByLabel('Read and write').check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByTestId('token-created');
  await expect(shown).toBeVisible();
  await expect(shown).toContainText('it will not be shown again');
  const value = (await shown.getByTestId('secret-value').textContent())!;
  expect(value).toMatch(/^pat_/);
  await shot(page, '31-settings-token-once');

  // The value authenticates API calls.
  const me = await page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${value}` } });
  expect(me.status()).toBe(200);

  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  const row = page.getByTestId('token-row').filter({ hasText: 'CI script' });
  await expect(row).toContainText('read, write');
  await expect(row).toContainText(value.slice(0, 12));
  // Never shown again, not even after a reload.
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('token-row')).toHaveCount(1);
  expect(await page.content()).not.toContain(value);
  await page.context().close();
});

test('security: the sign-in policy changes, and a lock-out is refused with the server’s message', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('security'));
  await ready(page);
  const policy = page.getByTestId('auth-policy');
  const magic = policy.getByRole('checkbox', { name: /Email link/ });
  const oidc = policy.getByRole('checkbox', { name: /Single sign-on/ });
  // A new workspace admits every method.
  await expect(magic).toBeChecked();
  await expect(oidc).toBeChecked();

  // Dropping the method this session used would lock the admin out: refused.
  await magic.uncheck();
  await policy.getByRole('button', { name: 'Save sign-in methods' }).click();
  await expect(policy.getByTestId('auth-policy-error')).toHaveText('Keep "magic_link" allowed: you are signed in with it and would lock yourself out');

  // Keeping it and dropping single sign-on is accepted.
  await magic.check();
  await oidc.uncheck();
  await policy.getByRole('button', { name: 'Save sign-in methods' }).click();
  await expect(policy.getByRole('status')).toContainText('Saved');
  const stored = await apiGet<{ allowedMethods: string[] }>(page.request, setup, 'workspaces/current/auth-policy');
  expect([...stored.allowedMethods].sort()).toEqual(['google', 'magic_link']);
  await expect(page.getByTestId('session-row').filter({ hasText: 'This browser' })).toBeVisible();
  await shot(page, '32-settings-security');
  await page.context().close();
});

test('import: a small Linear CSV is checked, then imported with progress', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('import-export'));
  await ready(page);
  const file = test.info().outputPath('linear-export.csv');
  writeFileSync(
    file,
    [
      'ID,Team,Title,Description,Status,Priority,Labels',
      'LIN-1,Linear,Imported first issue,Found in **beta**,Todo,High,Bug',
      'LIN-2,Linear,Imported second issue,,In Progress,Low,',
    ].join('\n'),
  );
  await page.locator('input[type="file"]').setInputFiles(file);
  await expect(page.getByLabel('Format', { exact: true })).toHaveValue('linear-csv');
  await page.getByRole('button', { name: 'Check file' }).click();
  const dry = page.getByTestId('dry-run');
  await expect(dry).toContainText('Ready to import');
  await expect(dry.getByTestId('import-counts')).toContainText(/issues\s*2/);
  await shot(page, '33-settings-import-dry-run');

  await page.getByRole('button', { name: 'Import 2 issues' }).click();
  const job = page.getByTestId('import-job');
  await expect(job).toContainText('Import finished', { timeout: 30_000 });
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(job.getByTestId('import-counts')).toContainText(/issues\s*2/);
  await shot(page, '34-settings-import-done');
  const issue = await apiGet<{ title: string; priority: string }>(page.request, setup, 'issues/LIN-1');
  expect(issue.title).toBe('Imported first issue');
  expect(issue.priority).toBe('high');

  // Export: the issues CSV downloads under the server's file name and holds the imported issues.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download issues (CSV)' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toMatch(/^issues-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(readFileSync((await csv.path())!, 'utf8')).toContain('Imported second issue');
  await page.context().close();
});

test('profile: the name is saved and shown; an http avatar URL is refused with the server’s message', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('account'));
  await ready(page);
  const name = `Ada ${Date.now().toString(36)}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Avatar URL').fill('http://example.com/a.png');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('alert')).toHaveText('avatarUrl must be an https:// URL without user name or password');
  await page.getByLabel('Avatar URL').fill('');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByText('Profile updated')).toBeVisible();
  const me = await apiGet<{ user: { name: string } }>(page.request, setup, 'me');
  expect(me.user.name).toBe(name);
  // Shown in the app at once, e.g. the members list.
  await page.goto(settingsUrl('members'));
  await expect(page.getByTestId('member-row').filter({ hasText: '(you)' })).toContainText(name);
  await shot(page, '35-settings-account');
  await page.context().close();
});

test('teams: create a team, reorder its workflow, add a label', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('teams'));
  await ready(page);
  const form = page.getByTestId('create-team');
  await form.getByLabel('Team name').fill('Mobile Apps');
  await expect(form.getByLabel('Key')).toHaveValue('MA');
  await form.getByLabel('Key').fill('MOB');
  await form.getByRole('checkbox', { name: /Private team/ }).check();
  await form.getByRole('button', { name: 'Create team' }).click();
  await expect(page).toHaveURL(new RegExp(`/settings/teams/MOB$`));
  await expect(page.getByRole('heading', { name: 'Mobile Apps' })).toBeVisible();

  // A second started state, then moved above In Progress.
  const workflow = page.getByTestId('workflow');
  await workflow.getByLabel('New status').fill('In Review');
  await workflow.getByRole('button', { name: 'Add status' }).click();
  const started = () => workflow.getByTestId('state-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
  await expect.poll(started).toContain('In Review');
  expect((await started()).indexOf('In Review')).toBeGreaterThan((await started()).indexOf('In Progress'));
  await workflow.getByRole('button', { name: 'Move In Review up' }).click();
  await expect.poll(async () => (await started()).indexOf('In Review') < (await started()).indexOf('In Progress')).toBe(true);
  const teams = await apiGet<{ data: { id: string; key: string; isPrivate: boolean }[] }>(page.request, setup, 'teams');
  const mob = teams.data.find((t) => t.key === 'MOB')!;
  expect(mob.isPrivate).toBe(true);
  const states = await apiGet<{ data: { name: string; position: number }[] }>(page.request, setup, `teams/${mob.id}/states`);
  const pos = (n: string) => states.data.find((s) => s.name === n)!.position;
  expect(pos('In Review')).toBeLessThan(pos('In Progress'));

  // A team label.
  const labels = page.getByTestId('team-labels');
  await labels.getByLabel('New label').fill('iOS');
  await labels.getByRole('button', { name: 'Add label' }).click();
  await expect(labels.getByTestId('label-row')).toHaveCount(1);
  await shot(page, '36-settings-team');
  await page.context().close();
});

test('OAuth applications: the client secret is shown once, rotation shows a new one; the audit log records it', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(settingsUrl('applications'));
  await ready(page);
  const form = page.getByTestId('new-app');
  await form.getByLabel('Name').fill('Deploy bot');
  await form.getByLabel('Redirect URIs').fill('https://deploy.example.com/callback');
  await form.getByRole('checkbox', { name: 'write' }).check();
  await form.getByRole('button', { name: 'Register application' }).click();
  const secret = page.getByTestId('app-secret');
  await expect(secret).toBeVisible();
  const first = (await secret.getByTestId('secret-value').textContent())!;
  expect(first).toMatch(/^ocs_/);
  await secret.getByRole('button', { name: 'Done' }).click();
  const row = page.getByTestId('app-row').filter({ hasText: 'Deploy bot' });
  await expect(row).toContainText('read, write');
  expect(await page.content()).not.toContain(first);

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(secret).toBeVisible();
  const second = (await secret.getByTestId('secret-value').textContent())!;
  expect(second).toMatch(/^ocs_/);
  expect(second).not.toBe(first);
  await secret.getByRole('button', { name: 'Done' }).click();

  await page.goto(settingsUrl('audit'));
  await expect(page.getByTestId('audit-row').filter({ hasText: 'oauth_application.secret_rotated' })).toBeVisible();
  await page.getByLabel('Filter by action').fill('member.role_changed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await expect(page.getByTestId('audit-row')).toContainText('member → admin');
  await shot(page, '37-settings-audit');
  await page.context().close();
});
