/**
 * Saved views: the current filter is saved as a view shared with the team, listed in the
 * sidebar, opened in another context with its filter, changed and saved again.
 */
import { expect, test } from '@playwright/test';
import { shot } from './helpers.ts';
import { apiOf, listUrl, openPage, type Setup, setUp } from './live.helpers.ts';

let s: Setup;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  s = await setUp(browser, baseURL!, 'views', 'VEW');
  const page = await openPage(browser, s, '/');
  const api = apiOf(page.request, s);
  await api.createIssue({ title: 'Alpha urgent', priority: 'urgent' });
  await api.createIssue({ title: 'Beta low', priority: 'low' });
  await api.createIssue({ title: 'Gamma urgent', priority: 'urgent' });
  await page.context().close();
});

test('saving the current filter as a shared view, then opening it from the sidebar', async ({ browser }) => {
  const filter = { and: [{ field: 'priority', op: 'is', value: 'urgent' }] };
  const page = await openPage(browser, s, `${listUrl(s)}?filter=${encodeURIComponent(JSON.stringify(filter))}`);
  await expect(page.getByTestId('issue-title')).toHaveText(['Gamma urgent', 'Alpha urgent']);

  await page.getByTestId('save-view').click();
  const dialog = page.getByTestId('save-view-dialog');
  await dialog.getByLabel('View name').fill('Urgent only');
  await dialog.getByLabel(/Share with everyone in/).check();
  await shot(page, 'views-01-save-dialog');
  await dialog.getByRole('button', { name: 'Save view' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/view\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('view-title')).toHaveText('Urgent only');
  await expect(page.getByTestId('sidebar-views')).toContainText('Urgent only');
  const stored = (await (await page.request.get('/api/v1/views', { headers: { 'x-workspace': s.workspace.id } })).json()) as { data: Array<{ name: string; isPersonal: boolean; teamId: string; filter: unknown }> };
  expect(stored.data).toMatchObject([{ name: 'Urgent only', isPersonal: false, teamId: s.team.id, filter }]);
  await page.context().close();

  // Another context (fresh IndexedDB, no URL state): open the view from the sidebar.
  const other = await openPage(browser, s, listUrl(s));
  await expect(other.getByTestId('issue-row')).toHaveCount(3);
  await other.getByTestId('sidebar-views').getByRole('link', { name: /Urgent only/ }).click();
  await expect(other.getByTestId('view-title')).toHaveText('Urgent only');
  await expect(other.getByTestId('issue-title')).toHaveText(['Gamma urgent', 'Alpha urgent']);
  await expect(other.getByTestId('filter-chip')).toContainText('Urgent');
  await shot(other, 'views-02-opened');

  // Change the grouping: the view offers to save it; saving writes it and leaves a clean URL.
  await other.getByTestId('display-button').click();
  await other.getByTestId('display-menu').getByLabel('Grouping', { exact: true }).selectOption('none');
  await other.keyboard.press('Escape');
  await expect(other.getByTestId('group-header')).toHaveText([/All issues\s*2/]);
  await other.getByTestId('view-save-changes').click();
  await expect(other.getByTestId('view-save-changes')).toBeHidden();
  expect(other.url()).not.toContain('display=');
  const after = (await (await other.request.get('/api/v1/views', { headers: { 'x-workspace': s.workspace.id } })).json()) as { data: Array<{ display: { groupBy: string } }> };
  expect(after.data[0]!.display.groupBy).toBe('none');
  await other.reload();
  await expect(other.getByTestId('group-header')).toHaveText([/All issues\s*2/]);
  await other.context().close();
});
