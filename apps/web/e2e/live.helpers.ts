/**
 * Shared set-up of the list, board, filter, view and real-time specs: one signed-in user with a
 * workspace per spec file (its session saved for new contexts), and API shortcuts to seed and
 * check data the way another client would.
 */
import { type APIRequestContext, type Browser, expect, type Page, test } from '@playwright/test';
import { createWorkspaceViaApi, sameOrigin, signInByMagicLink, uniqueEmail } from './helpers.ts';

/** What a spec file works in. */
export interface Setup {
  storagePath: string;
  workspace: { id: string; urlSlug: string };
  team: { id: string; key: string };
  baseURL: string;
}

/** Signs a new user in, creates a workspace with one team, and saves the session. */
export async function setUp(browser: Browser, baseURL: string, prefix: string, teamKey: string): Promise<Setup> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByMagicLink(page, uniqueEmail(prefix));
  await expect(page).toHaveURL(/\/onboarding$/);
  const created = await createWorkspaceViaApi(page.request, baseURL, `${prefix} Co`, `${prefix}-${Date.now().toString(36)}`, teamKey);
  const storagePath = test.info().outputPath(`${prefix}-storage.json`);
  await context.storageState({ path: storagePath });
  await context.close();
  return { storagePath, workspace: created.workspace, team: created.team, baseURL };
}

/** A new context of the user, on `path`. */
export async function openPage(browser: Browser, s: Setup, path: string): Promise<Page> {
  const context = await browser.newContext({ storageState: s.storagePath });
  const page = await context.newPage();
  await page.goto(path);
  return page;
}

/** The team's list URL with optional search params. */
export function listUrl(s: Setup, view = 'all'): string {
  return `/${s.workspace.urlSlug}/team/${s.team.key}/${view}`;
}

/** API calls as the signed-in user of `request`. */
export function apiOf(request: APIRequestContext, s: Setup) {
  const headers = (extra: Record<string, string> = {}) => sameOrigin(s.baseURL, { 'x-workspace': s.workspace.id, ...extra });
  const ok = async <T>(res: Awaited<ReturnType<APIRequestContext['get']>>, status: number): Promise<T> => {
    expect(res.status(), await res.text()).toBe(status);
    return (await res.json()) as T;
  };
  return {
    createIssue: async (body: Record<string, unknown>) =>
      ok<{ id: string; identifier: string; stateId: string; sortOrder: string }>(
        await request.post('/api/v1/issues', { headers: headers({ 'idempotency-key': crypto.randomUUID() }), data: { teamId: s.team.id, ...body } }),
        201,
      ),
    createLabel: async (name: string, color: string) => ok<{ id: string }>(await request.post('/api/v1/labels', { headers: headers(), data: { name, color, teamId: s.team.id } }), 201),
    issue: async (ref: string) =>
      ok<{ id: string; identifier: string; stateId: string; priority: string; assigneeId: string | null; labelIds: string[] }>(await request.get(`/api/v1/issues/${ref}`, { headers: { 'x-workspace': s.workspace.id } }), 200),
    states: async () => (await ok<{ data: Array<{ id: string; name: string }> }>(await request.get(`/api/v1/teams/${s.team.id}/states`, { headers: { 'x-workspace': s.workspace.id } }), 200)).data,
    manualOrder: async () =>
      (await ok<{ data: Array<{ identifier: string }> }>(await request.get(`/api/v1/issues?teamId=${s.team.id}&orderBy=manual&limit=100`, { headers: { 'x-workspace': s.workspace.id } }), 200)).data.map((i) => i.identifier),
  };
}

/** Drags the element `from` onto `to` with small pointer steps (dnd-kit needs real movement). */
export async function drag(page: Page, from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>, where: 'center' | 'top' | 'bottom' = 'center'): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  const y = where === 'top' ? b.y + 4 : where === 'bottom' ? b.y + b.height - 4 : b.y + b.height / 2;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 8, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, y, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2, y + 1, { steps: 2 });
  await page.mouse.up();
}
