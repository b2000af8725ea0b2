/**
 * Real time: two browser contexts of one user (two devices, each with its own IndexedDB) see each
 * other's edits without a reload (create, state change, delete; on an open issue page comments,
 * reactions and history), and a reload shows the local copy before the network answers.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { createWorkspaceViaApi, sameOrigin, shot, signInByMagicLink, uniqueEmail } from './helpers.ts';

const storage = { path: '' };
let workspace: { id: string; urlSlug: string };
let team: { id: string; key: string };

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByMagicLink(page, uniqueEmail('live'));
  await expect(page).toHaveURL(/\/onboarding$/);
  const created = await createWorkspaceViaApi(page.request, baseURL!, 'Live Co', `live-${Date.now().toString(36)}`, 'LIV');
  workspace = created.workspace;
  team = created.team;
  storage.path = test.info().outputPath('storage.json');
  await context.storageState({ path: storage.path });
  await context.close();
});

async function openList(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: storage.path });
  const page = await context.newPage();
  await page.goto(`/${workspace.urlSlug}/team/${team.key}/all`);
  await expect(page.getByRole('heading', { name: 'Engineering' })).toBeVisible();
  return page;
}

test('an issue created, moved and deleted in one context updates the other live', async ({ browser, baseURL }) => {
  const a = await openList(browser);
  const b = await openList(browser);
  await expect(b.getByTestId('empty-state')).toBeVisible();

  // Create in A with the keyboard: it appears in B without a reload.
  await a.keyboard.press('c');
  await a.getByLabel('Issue title').fill('Made in tab A');
  await a.keyboard.press('Control+Enter');
  const rowInB = b.getByTestId('issue-row').filter({ hasText: 'Made in tab A' });
  await expect(rowInB).toBeVisible();
  await expect(rowInB).toHaveAttribute('data-identifier', `${team.key}-1`);

  // Change its state in A (S, pick In Progress): B regroups it.
  const rowInA = a.getByTestId('issue-row').filter({ hasText: 'Made in tab A' });
  await rowInA.hover();
  await a.keyboard.press('s');
  await a.keyboard.type('In Progress');
  await a.keyboard.press('Enter');
  const inProgressB = b.getByTestId('group-header').filter({ hasText: 'In Progress' });
  await expect(inProgressB).toBeVisible();
  await expect(b.getByTestId('group-header')).toHaveCount(1);
  await shot(b, 'live-01-second-context');

  // Delete in A (through the API, as the CLI or another client would): B drops the row.
  const del = await a.request.delete(`/api/v1/issues/${team.key}-1`, { headers: { origin: baseURL!, 'x-workspace': workspace.id } });
  expect(del.status(), await del.text()).toBe(204);
  await expect(rowInB).toHaveCount(0);
  await expect(b.getByTestId('empty-state')).toBeVisible();
  await a.context().close();
  await b.context().close();
});

test('a reload shows the IndexedDB copy at once, then catches up on what changed meanwhile', async ({ browser, baseURL }) => {
  const page = await openList(browser);
  await page.keyboard.press('c');
  await page.getByLabel('Issue title').fill('Cached issue');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Cached issue' })).toBeVisible();
  // Let the echo land in IndexedDB.
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const dbs = await indexedDB.databases();
        return dbs.some((d) => d.name?.startsWith('exponential-sync:'));
      }),
    )
    .toBe(true);

  // Another client adds an issue while this page is away.
  await page.goto('about:blank');
  const res = await page.request.post('/api/v1/issues', {
    headers: sameOrigin(baseURL!, { 'x-workspace': workspace.id, 'idempotency-key': crypto.randomUUID() }),
    data: { teamId: team.id, title: 'Made while away' },
  });
  expect(res.status()).toBe(201);

  // The bootstrap endpoint is held back: the list must come from the local copy, and the
  // missing issue from the op log catch-up over the socket.
  let bootstraps = 0;
  await page.route('**/api/v1/sync/bootstrap**', (route) => {
    bootstraps++;
    return route.continue();
  });
  await page.goto(`/${workspace.urlSlug}/team/${team.key}/all`);
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Cached issue' })).toBeVisible();
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Made while away' })).toBeVisible();
  expect(bootstraps).toBe(0);
  await page.context().close();
});

test('an import elsewhere (one sync operation for many rows) makes an open list bootstrap again and show the rows', async ({ browser, baseURL }) => {
  const page = await openList(browser);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-status', 'live');
  const csv = `ID,Title,Status,Priority\n${team.key}-901,Imported one,Todo,High\n${team.key}-902,Imported two,Todo,Low\n`;
  const res = await page.request.post(`/api/v1/imports?format=linear-csv&team=${team.key}`, {
    headers: { origin: baseURL!, 'content-type': 'text/csv', 'x-workspace': workspace.id },
    data: Buffer.from(csv),
  });
  expect(res.status(), await res.text()).toBe(202);
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Imported one' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Imported two' })).toBeVisible();
  await page.context().close();
});

test('comments, reactions and history made in one context appear live on the issue page open in the other', async ({ browser, baseURL }) => {
  const seed = await browser.newContext({ storageState: storage.path });
  const res = await seed.request.post('/api/v1/issues', {
    headers: sameOrigin(baseURL!, { 'x-workspace': workspace.id, 'idempotency-key': crypto.randomUUID() }),
    data: { teamId: team.id, title: 'Discussed live' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { identifier } = (await res.json()) as { identifier: string };
  await seed.close();
  const open = async () => {
    const context = await browser.newContext({ storageState: storage.path });
    const page = await context.newPage();
    await page.goto(`/${workspace.urlSlug}/issue/${identifier}`);
    await expect(page.getByLabel('Issue title')).toHaveValue('Discussed live');
    await expect(page.getByTestId('activity')).toBeVisible();
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-status', 'live');
    return page;
  };
  const a = await open();
  const b = await open();
  // The issue's own reactions come first in the article; comments' follow in the activity.
  const issueReactions = (p: Page) => p.locator('article [data-testid="reactions"]').first();

  // A comments: B shows the thread.
  await a.getByTestId('comment-composer').getByRole('textbox', { name: 'Comment' }).click();
  await a.keyboard.type('Seen from the other tab');
  await a.keyboard.press('Control+Enter');
  const threadInB = b.getByTestId('comment-thread').filter({ hasText: 'Seen from the other tab' });
  await expect(threadInB).toBeVisible();

  // A reacts to the issue and to the comment: B shows both counts.
  await issueReactions(a).getByRole('button', { name: 'Add reaction' }).click();
  await a.getByRole('menuitem', { name: 'React with 🎉' }).click();
  await expect(issueReactions(b).getByTestId('reaction-chip')).toHaveText(/🎉\s*1/);
  const commentInA = a.getByTestId('comment-thread').filter({ hasText: 'Seen from the other tab' }).getByTestId('comment').first();
  await commentInA.getByRole('button', { name: 'Add reaction' }).click();
  await a.getByRole('menuitem', { name: 'React with 👀' }).click();
  await expect(threadInB.getByTestId('reaction-chip')).toHaveText(/👀\s*1/);

  // A changes the priority: B's activity lists it.
  await a.keyboard.press('p');
  await a.keyboard.press('1');
  await expect(b.getByTestId('history-entry').filter({ hasText: /priority/i }).first()).toBeVisible();
  await shot(b, 'live-02-issue-activity');

  // A takes both reactions back: B's chips go.
  await issueReactions(a).getByTestId('reaction-chip').click();
  await expect(issueReactions(b).getByTestId('reaction-chip')).toHaveCount(0);
  await commentInA.getByTestId('reaction-chip').click();
  await expect(threadInB.getByTestId('reaction-chip')).toHaveCount(0);
  await a.context().close();
  await b.context().close();
});
