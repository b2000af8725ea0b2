/**
 * Filters and display options live in the URL: chips built from the filter menu (is, is any of,
 * is none of, AND / OR), grouping and layout from the Display menu; a reload shows the same list.
 */
import { expect, type Page, test } from '@playwright/test';
import { shot } from './helpers.ts';
import { apiOf, listUrl, openPage, type Setup, setUp } from './live.helpers.ts';

let s: Setup;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  s = await setUp(browser, baseURL!, 'filters', 'FLT');
  const page = await openPage(browser, s, '/');
  const api = apiOf(page.request, s);
  const me = (await (await page.request.get('/api/v1/me')).json()) as { user: { id: string } };
  await api.createIssue({ title: 'Urgent bug', priority: 'urgent' });
  await api.createIssue({ title: 'High thing', priority: 'high' });
  await api.createIssue({ title: 'Low chore', priority: 'low', assigneeId: me.user.id });
  await api.createIssue({ title: 'Unprioritized idea' });
  await page.context().close();
});

const titles = (page: Page) => page.getByTestId('issue-title');

test('filters from the menu narrow the list, survive a reload, and combine with AND / OR', async ({ browser }) => {
  const page = await openPage(browser, s, listUrl(s));
  await expect(page.getByTestId('issue-row')).toHaveCount(4);

  // F opens the filter menu: Priority, then Urgent.
  await page.keyboard.press('f');
  const menu = page.getByTestId('filter-menu');
  await expect(menu).toBeVisible();
  await page.keyboard.type('Priority');
  await page.keyboard.press('Enter');
  await menu.getByTestId('filter-value').filter({ hasText: 'Urgent' }).click();
  await expect(page.getByTestId('issue-row')).toHaveCount(1);
  // A second value makes "is any of".
  await menu.getByTestId('filter-value').filter({ hasText: 'High' }).click();
  await shot(page, 'filters-00-value-menu');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  const chip = page.getByTestId('filter-chip');
  await expect(chip).toContainText('Priority');
  await expect(chip).toContainText('is any of');
  await expect(titles(page)).toHaveText(['Urgent bug', 'High thing']);
  expect(decodeURIComponent(page.url())).toContain('"isAnyOf"');
  await shot(page, 'filters-01-chip');

  // The URL carries the filter: a reload shows the same chips and rows.
  await page.reload();
  await expect(page.getByTestId('filter-chip')).toContainText('is any of');
  await expect(titles(page)).toHaveText(['Urgent bug', 'High thing']);

  // The operator switches to "is none of".
  await page.getByTestId('filter-op').click();
  await expect(titles(page)).toHaveText(['Low chore', 'Unprioritized idea']);
  await page.getByTestId('filter-op').click();

  // Add "Assignee is Me": AND matches nothing, OR matches three.
  await page.getByTestId('filter-button').click();
  await page.keyboard.type('Assignee');
  await page.keyboard.press('Enter');
  await page.getByTestId('filter-menu').getByTestId('filter-value').filter({ hasText: 'Me' }).first().click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('filter-chip')).toHaveCount(2);
  await expect(page.getByTestId('empty-state')).toContainText('No issues match these filters');
  await page.getByTestId('filter-conjunction').click();
  await expect(page.getByTestId('filter-conjunction')).toHaveText('or');
  await expect(titles(page)).toHaveText(['Urgent bug', 'High thing', 'Low chore']);
  await shot(page, 'filters-02-or');
  await page.reload();
  await expect(titles(page)).toHaveText(['Urgent bug', 'High thing', 'Low chore']);

  // Removing a chip and clearing leave the URL without a filter.
  await page.getByRole('button', { name: 'Remove Assignee filter' }).click();
  await expect(titles(page)).toHaveText(['Urgent bug', 'High thing']);
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(page.getByTestId('issue-row')).toHaveCount(4);
  expect(page.url()).not.toContain('filter=');
  await page.context().close();
});

test('display options (grouping, ordering, properties, layout) are kept in the URL', async ({ browser }) => {
  const page = await openPage(browser, s, listUrl(s));
  await expect(page.getByTestId('issue-row')).toHaveCount(4);
  await page.getByTestId('display-button').click();
  const panel = page.getByTestId('display-menu');
  await panel.getByLabel('Grouping', { exact: true }).selectOption('priority');
  await panel.getByRole('button', { name: 'Created' }).click();
  await shot(page, 'filters-03a-display-menu');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('group-header')).toHaveText([/Urgent\s*1/, /High\s*1/, /Low\s*1/, /No priority\s*1/]);
  await shot(page, 'filters-03-grouped-by-priority');
  await page.reload();
  await expect(page.getByTestId('group-header')).toHaveText([/Urgent/, /High/, /Low/, /No priority/]);
  // Created date is shown on rows now.
  await expect(page.getByTestId('issue-row').first().locator('[title^="Created"]')).toBeVisible();

  // ⌘/Ctrl+B switches to the board, which keeps the grouping as columns.
  await page.keyboard.press('Control+b');
  await expect(page.getByTestId('board')).toBeVisible();
  await expect(page.getByTestId('board-column-header')).toHaveText([/Urgent/, /High/, /Medium/, /Low/, /No priority/]);
  await page.reload();
  await expect(page.getByTestId('board')).toBeVisible();
  await shot(page, 'filters-04-board-by-priority');
  await page.context().close();
});
