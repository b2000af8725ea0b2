/**
 * Popovers and pickers: the Display and Filter popovers take focus when they open and close on
 * Escape (focus back on their trigger); the `l` picker creates a label that does not exist yet
 * (in the issue's team by default, or in the workspace) and applies it; at a 390-px viewport the list header fits on one line and the Display panel
 * stays inside the viewport; Ctrl+K with an issue's title lists the issue, not unrelated commands.
 */
import { expect, test } from '@playwright/test';
import { createIssueViaApi, shot } from './helpers.ts';
import { apiGet, openApp, ready, type Setup, setUp } from './issue-page.helpers.ts';

let setup: Setup;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  setup = await setUp(browser, baseURL!, 'popovers', 'POP', [{ name: 'Bug', color: '#eb5757' }]);
  const ctx = await browser.newContext({ storageState: setup.storage });
  const page = await ctx.newPage();
  await createIssueViaApi(page.request, baseURL!, setup.workspace.id, { teamId: setup.team.id, title: 'Login page crashes on submit' });
  await ctx.close();
});

const listUrl = () => `/${setup.workspace.urlSlug}/team/${setup.team.key}/all`;

test('Display (Shift+V and its button) and Filter take focus and close on Escape', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(listUrl());
  await ready(page);
  await expect(page.getByTestId('issue-row')).toHaveCount(1);

  const display = page.getByTestId('display-menu');
  await page.keyboard.press('Shift+V');
  await expect(display).toBeVisible();
  // Focus moved into the panel, so Escape pressed right away closes it.
  await expect.poll(() => display.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(display).toBeHidden();
  await expect(page.getByTestId('display-button')).toBeFocused();

  // Opened with the mouse, then focus moved out of it (onto the page body): Escape still closes it.
  await page.getByTestId('display-button').click();
  await expect(display).toBeVisible();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await expect(display).toBeHidden();
  await expect(page.getByTestId('display-button')).toBeFocused();

  const filter = page.getByTestId('filter-menu');
  await page.getByTestId('filter-button').click();
  await expect(filter).toBeVisible();
  await expect.poll(() => filter.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(filter).toBeHidden();
  await expect(page.getByTestId('filter-button')).toBeFocused();
  // The list is still there (Escape did not also act on the page).
  await expect(page.getByTestId('issue-row')).toHaveCount(1);
  await page.context().close();
});

test('the l picker creates a missing label in the team (or the workspace) and applies it', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(`/${setup.workspace.urlSlug}/issue/${setup.team.key}-1`);
  await ready(page);
  await expect(page.getByTestId('issue-identifier')).toHaveText(`${setup.team.key}-1`);
  const picker = page.getByTestId('label-picker');
  await page.keyboard.press('l');
  await expect(picker).toBeVisible();
  // An existing label is matched as usual, with no offer to create it again.
  await page.keyboard.type('bug');
  await expect(picker.getByRole('option', { name: 'Bug' })).toBeVisible();
  await expect(picker.getByRole('option', { name: /Create .*label/ })).toHaveCount(0);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Needs design');
  // Enter creates a label of the issue's team; the workspace is the second choice.
  const create = picker.getByRole('option', { name: 'Create label “Needs design” in Engineering' });
  await expect(create).toHaveAttribute('aria-selected', 'true');
  await expect(picker.getByRole('option', { name: 'Create workspace label “Needs design”' })).toBeVisible();
  await shot(page, '61-label-create-option');
  await page.keyboard.press('Enter');
  await expect(picker.getByRole('option', { name: 'Needs design' })).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.type('Platform');
  await page.keyboard.press('ArrowDown');
  await expect(picker.getByRole('option', { name: 'Create workspace label “Platform”' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(picker.getByRole('option', { name: 'Platform' })).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('label-chip')).toHaveCount(2);
  expect((await page.getByTestId('label-chip').allTextContents()).sort()).toEqual(['Needs design', 'Platform']);
  const labels = await apiGet<{ data: { name: string; teamId: string | null }[] }>(page.request, setup, 'labels');
  expect(labels.data.find((l) => l.name === 'Needs design')).toMatchObject({ teamId: setup.team.id });
  expect(labels.data.find((l) => l.name === 'Platform')).toMatchObject({ teamId: null });
  const issue = await apiGet<{ labelIds: string[] }>(page.request, setup, `issues/${setup.team.key}-1`);
  expect(issue.labelIds).toHaveLength(2);
  await page.context().close();
});

test('at 390 px the header fits and the Display panel stays inside the viewport', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: setup.storage, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(`/${setup.workspace.urlSlug}/my-issues`);
  await page.goto(listUrl());
  await ready(page);
  const header = page.locator('main header').first();
  await expect(header).toBeVisible();
  await shot(page, '62-narrow-header');
  // One line: the header is no taller than its 48 px, and nothing in it is cut off at the right.
  const box = (await header.boundingBox())!;
  expect(box.height).toBeLessThanOrEqual(49);
  for (const id of ['filter-button', 'display-button']) {
    const b = (await page.getByTestId(id).boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
  }
  const tab = page.getByRole('link', { name: 'All issues' });
  const tabBox = (await tab.boundingBox())!;
  expect(tabBox.height).toBeLessThan(30);

  await page.getByTestId('display-button').click();
  const panel = page.getByTestId('display-menu');
  await expect(panel).toBeVisible();
  await shot(page, '63-narrow-display-menu');
  const p = (await panel.boundingBox())!;
  expect(p.x).toBeGreaterThanOrEqual(0);
  expect(p.x + p.width).toBeLessThanOrEqual(390);
  await page.keyboard.press('Escape');

  await page.getByTestId('filter-button').click();
  const fp = (await page.getByTestId('filter-menu').boundingBox())!;
  expect(fp.x).toBeGreaterThanOrEqual(0);
  expect(fp.x + fp.width).toBeLessThanOrEqual(390);
  await shot(page, '64-narrow-filter-menu');
  await ctx.close();
});

test('Ctrl+K with an issue title lists the issue, not unrelated commands', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  // On the issue page the issue commands (Mark as duplicate of…, …) are enabled too.
  await page.goto(`/${setup.workspace.urlSlug}/issue/${setup.team.key}-1`);
  await ready(page);
  await expect(page.getByTestId('issue-identifier')).toHaveText(`${setup.team.key}-1`);
  await page.keyboard.press('Control+K');
  const palette = page.getByTestId('command-palette');
  await expect(palette).toBeVisible();
  await page.keyboard.type('login page crash');
  await expect(palette.getByRole('option', { name: /Login page crashes on submit/ })).toBeVisible();
  await expect(palette.getByRole('option')).toHaveCount(1);
  await shot(page, '65-palette-issue-title');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('dup');
  await expect(palette.getByRole('option', { name: /Mark as duplicate of/ })).toBeVisible();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('mdo');
  await expect(palette.getByRole('option', { name: /Mark as duplicate of/ })).toHaveCount(0);
  await page.context().close();
});
