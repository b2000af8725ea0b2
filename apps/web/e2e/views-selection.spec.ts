/**
 * Multi-select in a list (x, shift-click, ⌘/Ctrl+A, Esc) and bulk edits of the selection
 * (status, priority, labels) through `POST /api/v1/issues/bulk`.
 */
import { expect, test } from '@playwright/test';
import { shot } from './helpers.ts';
import { apiOf, listUrl, openPage, type Setup, setUp } from './live.helpers.ts';

let s: Setup;

test.beforeAll(async ({ browser, baseURL }) => {
  s = await setUp(browser, baseURL!, 'bulk', 'BLK');
});

test('x, shift-click and Ctrl+A select issues; S, P and L edit them all in bulk requests', async ({ browser }) => {
  const page = await openPage(browser, s, '/');
  const api = apiOf(page.request, s);
  const bug = await api.createLabel('Bug', '#eb5757');
  const feature = await api.createLabel('Feature', '#4ea7fc');
  const created = [];
  // One issue already has Feature: the bulk picker shows it as on some of the selection.
  for (const t of ['One', 'Two', 'Three', 'Four', 'Five']) created.push(await api.createIssue({ title: `Bulk ${t}`, ...(t === 'One' ? { labelIds: [feature.id] } : {}) }));
  const bulkCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/issues/bulk')) bulkCalls.push(r.method());
  });
  await page.goto(listUrl(s));
  const rows = page.getByTestId('issue-row');
  await expect(rows).toHaveCount(5);

  // J focuses the first row, X selects it; J, X the second; shift-click the fourth: 1–4.
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await rows.nth(3).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('4 selected');
  await expect(page.locator('[data-testid="issue-row"][data-selected="true"]')).toHaveCount(4);
  await shot(page, 'selection-01-four-selected');

  // S with a selection opens the bulk status picker.
  await page.keyboard.press('s');
  await expect(page.getByTestId('picker')).toContainText('4 issues');
  await page.keyboard.type('In Progress');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('group-header').filter({ hasText: 'In Progress' })).toContainText('4');
  const inProgress = (await api.states()).find((x) => x.name === 'In Progress')!;
  const selectedIds = (await rows.evaluateAll((els) => els.filter((e) => e.getAttribute('data-selected') === 'true').map((e) => e.getAttribute('data-identifier')!)));
  for (const id of selectedIds) await expect.poll(async () => (await api.issue(id)).stateId).toBe(inProgress.id);

  // Ctrl+A selects all five; P then 1 makes them urgent; in one opening of L, Bug and Feature
  // are added to all and Bug taken off again.
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('selection-count')).toHaveText('5 selected');
  await page.keyboard.press('p');
  await page.keyboard.press('1');
  await page.keyboard.press('l');
  const labels = page.getByTestId('label-picker');
  await expect(labels).toContainText('5 issues');
  await expect(labels.getByRole('option', { name: 'Feature' })).toHaveAttribute('aria-checked', 'mixed');
  await shot(page, 'selection-02-bulk-labels');
  for (const name of ['Bug', 'Feature']) {
    await page.keyboard.type(name);
    await expect(labels.getByRole('option', { name })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(labels.getByRole('option', { name })).toHaveAttribute('aria-checked', 'true');
  }
  await page.keyboard.type('Bug');
  await expect(labels.getByRole('option', { name: 'Bug' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(labels.getByRole('option', { name: 'Bug' })).toHaveAttribute('aria-checked', 'false');
  await page.keyboard.press('Escape');
  await expect(labels).toBeHidden();
  for (const c of created) {
    await expect.poll(async () => {
      const i = await api.issue(c.identifier);
      return [i.priority, i.labelIds.join()];
    }).toEqual(['urgent', feature.id]);
  }
  expect(bug.id).not.toBe(feature.id);
  await shot(page, 'selection-03-bulk-edited');
  // Status, priority, and one request per label toggled (add Bug, add Feature, remove Bug).
  expect(bulkCalls.length).toBe(5);

  // Esc clears the selection and the bar.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-bar')).toBeHidden();
  await page.context().close();
});
