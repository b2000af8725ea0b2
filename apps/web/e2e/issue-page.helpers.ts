/**
 * Shared set-up of the issue-page, keyboard, create and settings specs: one signed-in user with a
 * workspace (team, labels) made through the API, stored as a browser state, and small API helpers.
 */
import { expect, type APIRequestContext, type Browser, type Page, test } from '@playwright/test';
import { createWorkspaceViaApi, sameOrigin, signInByMagicLink, uniqueEmail } from './helpers.ts';

/** What a spec file's `beforeAll` made. */
export interface Setup {
  storage: string;
  email: string;
  workspace: { id: string; urlSlug: string };
  team: { id: string; key: string };
}

/**
 * Signs a new user in, creates a workspace (team `teamKey`) and the given labels, and saves the
 * browser state to `test.info().outputPath('storage.json')`.
 */
export async function setUp(browser: Browser, baseURL: string, prefix: string, teamKey: string, labels: { name: string; team?: boolean; color: string }[] = []): Promise<Setup> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail(prefix);
  await signInByMagicLink(page, email);
  await expect(page).toHaveURL(/\/onboarding$/);
  const created = await createWorkspaceViaApi(page.request, baseURL, `${prefix} Co`, `${prefix}-${Date.now().toString(36)}`, teamKey);
  for (const l of labels) {
    const res = await page.request.post('/api/v1/labels', {
      headers: sameOrigin(baseURL, { 'x-workspace': created.workspace.id }),
      data: { name: l.name, color: l.color, ...(l.team ? { teamId: created.team.id } : {}) },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  const storage = test.info().outputPath(`${prefix}-storage.json`);
  await context.storageState({ path: storage });
  await context.close();
  return { storage, email, workspace: created.workspace, team: created.team };
}

/** A page in a fresh context with the saved state (clipboard allowed). */
export async function openApp(browser: Browser, setup: Setup, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ storageState: setup.storage });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  return context.newPage();
}

/** `GET /api/v1/<path>` in the workspace, as JSON. */
export async function apiGet<T = Record<string, unknown>>(request: APIRequestContext, setup: Setup, path: string): Promise<T> {
  const res = await request.get(`/api/v1/${path}`, { headers: { 'x-workspace': setup.workspace.id } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as T;
}

/** The clipboard's text. */
export function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Waits until the page has loaded the workspace: its teams are listed and the screen is not busy. */
export async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('navigation', { name: 'Sidebar' }).getByText('Engineering')).toBeVisible();
  await expect(page.locator('main > [aria-busy="true"]')).toHaveCount(0);
}
