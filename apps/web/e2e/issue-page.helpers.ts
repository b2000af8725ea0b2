/**
 * Shared set-up of the issue-page, keyboard, create and settings specs: one signed-in user (per
 * server run), a workspace per spec file (team, labels) made through the API, and small helpers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { createWorkspaceViaApi, dataDir, sameOrigin, signInByMagicLink, uniqueEmail } from './helpers.ts';

/** What a spec file's `beforeAll` made. */
export interface Setup {
  storage: string;
  email: string;
  workspace: { id: string; urlSlug: string };
  team: { id: string; key: string };
}

/**
 * The signed-in user these specs share: one sign-in per server run (the server allows 20 sign-in
 * requests per address in 15 minutes, and the whole suite signs in many times), its browser state
 * kept in the server's data directory.
 */
async function sharedUser(browser: Browser): Promise<{ storage: string; email: string }> {
  const storage = path.join(dataDir, 'e2e-issue-page-user.json');
  const meta = `${storage}.email`;
  if (existsSync(storage) && existsSync(meta)) return { storage, email: readFileSync(meta, 'utf8') };
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail('keyboard-user');
  await signInByMagicLink(page, email);
  await expect(page).toHaveURL(/\/onboarding$/);
  await context.storageState({ path: storage });
  writeFileSync(meta, email);
  await context.close();
  return { storage, email };
}

/**
 * Creates a workspace (team `teamKey`) with the given labels for the shared user, so each spec
 * file starts from an empty workspace of its own.
 */
export async function setUp(browser: Browser, baseURL: string, prefix: string, teamKey: string, labels: { name: string; team?: boolean; color: string }[] = []): Promise<Setup> {
  const user = await sharedUser(browser);
  const context = await browser.newContext({ storageState: user.storage });
  const page = await context.newPage();
  const created = await createWorkspaceViaApi(page.request, baseURL, `${prefix} Co`, `${prefix}-${Date.now().toString(36)}`, teamKey);
  for (const l of labels) {
    const res = await page.request.post('/api/v1/labels', {
      headers: sameOrigin(baseURL, { 'x-workspace': created.workspace.id }),
      data: { name: l.name, color: l.color, ...(l.team ? { teamId: created.team.id } : {}) },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  await context.close();
  return { storage: user.storage, email: user.email, workspace: created.workspace, team: created.team };
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
  // Attached rather than visible: on phones the sidebar hides behind its menu button.
  await expect(page.locator('nav[aria-label="Sidebar"]').getByText('Engineering')).toBeAttached();
  await expect(page.locator('main > [aria-busy="true"]')).toHaveCount(0);
}
