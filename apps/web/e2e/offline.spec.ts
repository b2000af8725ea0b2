/**
 * Losing the connection: a banner says so while the list stays usable from the local copy, a
 * write that cannot reach the server is rolled back with a message, and on reconnection the
 * banner goes and what changed meanwhile arrives.
 */
import { expect, test } from '@playwright/test';
import { shot } from './helpers.ts';
import { apiOf, listUrl, openPage, type Setup, setUp } from './live.helpers.ts';

let s: Setup;

test.beforeAll(async ({ browser, baseURL }) => {
  s = await setUp(browser, baseURL!, 'offline', 'OFF');
});

test('the offline banner shows while disconnected; writes roll back; reconnecting catches up', async ({ browser }) => {
  const page = await openPage(browser, s, '/');
  const api = apiOf(page.request, s);
  await api.createIssue({ title: 'Before the outage' });
  await page.goto(listUrl(s));
  await expect(page.getByTestId('issue-row')).toHaveCount(1);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-status', 'live');
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);

  await page.context().setOffline(true);
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Changes can’t be saved until the connection is back');
  await expect(page.getByTestId('issue-row')).toHaveCount(1);

  // A change made now cannot reach the server: it is rolled back with a message.
  await page.getByTestId('issue-row').hover();
  await page.keyboard.press('s');
  await page.keyboard.type('In Progress');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot reach the server' })).toBeVisible();
  await expect(page.getByTestId('group-header')).toHaveText([/Backlog/]);
  await shot(page, 'offline-01-banner');

  // Another client writes meanwhile.
  const other = await browser.newContext({ storageState: s.storagePath });
  await apiOf(other.request, s).createIssue({ title: 'Made during the outage' });
  await other.close();

  await page.context().setOffline(false);
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-status', 'live');
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Made during the outage' })).toBeVisible();
  await page.context().close();
});
