/** Sign-in by magic link and onboarding, as a new user sees them. */
import { expect, test } from '@playwright/test';
import { magicLinkFor, shot, uniqueEmail } from './helpers.ts';

test('a new user signs in by magic link and creates a workspace with a team', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to exponential' })).toBeVisible();
  await shot(page, '01-sign-in');

  const email = uniqueEmail('founder');
  const since = Date.now();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Email').press('Enter');
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expect(page.getByTestId('check-email')).toContainText(email);
  await shot(page, '02-check-email');

  const link = await magicLinkFor(email, since);
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue' }).click();

  // No workspace yet: onboarding.
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole('heading', { name: 'Create your workspace' })).toBeVisible();
  await page.getByLabel('Workspace name').fill('Acme Rockets');
  await expect(page.getByLabel('Workspace URL')).toHaveValue('acme-rockets');
  await page.getByLabel('First team').fill('Platform Core');
  await expect(page.getByLabel('Team key')).toHaveValue('PC');
  await page.getByLabel('Team key').fill('PLAT');
  await shot(page, '03-onboarding');
  await page.getByRole('button', { name: 'Create workspace' }).click();

  await expect(page).toHaveURL(/\/acme-rockets\/team\/PLAT\/all$/);
  await expect(page.getByRole('heading', { name: 'Platform Core' })).toBeVisible();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('workspace-switcher')).toContainText('Acme Rockets');
  await shot(page, '04-empty-team');

  // The session survives a reload, and / goes back to the workspace.
  await page.goto('/');
  await expect(page).toHaveURL(/\/acme-rockets\/team\/PLAT\/all$/);
});

test('a refusal from the server is shown with its problem message', async ({ page }) => {
  // The server's problem+json detail reaches the user as is (here a per-address limit).
  await page.route('**/api/v1/auth/magic-link', (route) =>
    route.fulfill({
      status: 429,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Too many sign-in links for this address. Try again in 15 minutes.',
        code: 'rate_limited',
      }),
    }),
  );
  await page.goto('/login');
  await page.getByLabel('Email').fill('someone@example.com');
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await expect(page.getByRole('alert')).toHaveText('Too many sign-in links for this address. Try again in 15 minutes.');
  await expect(page.getByTestId('check-email')).toBeHidden();
});
