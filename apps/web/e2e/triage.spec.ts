/**
 * Triage: a team with triage on shows a Triage view (first under the team, with the number of
 * issues waiting) listing issues in its Triage state; 1 accepts (into the team's default state),
 * 3 declines (into Canceled), the row buttons do the same with the mouse, and ⌘/Ctrl+Z undoes.
 */
import { expect, test } from '@playwright/test';
import { sameOrigin, shot } from './helpers.ts';
import { apiOf, listUrl, openPage, type Setup, setUp } from './live.helpers.ts';

let s: Setup;

test.beforeAll(async ({ browser, baseURL }) => {
  s = await setUp(browser, baseURL!, 'triage', 'TRI');
});

test('accept and decline issues waiting in triage with the keyboard and the mouse', async ({ browser }) => {
  const page = await openPage(browser, s, '/');
  const api = apiOf(page.request, s);
  const on = await page.request.patch(`/api/v1/teams/${s.team.id}`, { headers: sameOrigin(s.baseURL, { 'x-workspace': s.workspace.id }), data: { triageEnabled: true } });
  expect(on.status(), await on.text()).toBe(200);
  const states = await api.states();
  const id = (name: string) => states.find((x) => x.name === name)!.id;
  for (const title of ['Crash on save', 'Typo in footer', 'Slow search']) await api.createIssue({ title, stateId: id('Triage') });
  await api.createIssue({ title: 'Planned work' });

  await page.goto(listUrl(s));
  const nav = page.locator('nav[aria-label="Sidebar"]');
  const triageLink = nav.getByRole('link', { name: /^Triage/ });
  await expect(triageLink).toContainText('3');
  await triageLink.click();
  await expect(page).toHaveURL(new RegExp(`/team/${s.team.key}/triage$`));
  const rows = page.getByTestId('issue-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Planned work' })).toHaveCount(0);
  await expect(page.getByTestId('triage-hint')).toBeVisible();
  await shot(page, 'triage-01-view');

  // Keyboard: J focuses the first row, 1 accepts it into the team's default state (Backlog).
  await page.keyboard.press('j');
  const focused = page.locator('[data-testid="issue-row"][data-focused="true"]');
  const first = (await focused.getAttribute('data-identifier'))!;
  await page.keyboard.press('1');
  await expect(page.getByText(`Accepted ${first} into Backlog`)).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect(triageLink).toContainText('2');
  await expect.poll(async () => (await api.issue(first)).stateId).toBe(id('Backlog'));

  // Mouse: Decline on a row moves it to Canceled.
  const second = (await rows.first().getAttribute('data-identifier'))!;
  await rows.first().getByRole('button', { name: `Decline ${second}` }).click();
  await expect(rows).toHaveCount(1);
  await expect.poll(async () => (await api.issue(second)).stateId).toBe(id('Canceled'));

  // Keyboard: 3 declines the last one; the view is then empty.
  await page.keyboard.press('j');
  const third = (await focused.getAttribute('data-identifier'))!;
  await page.keyboard.press('3');
  await expect(page.getByText(`Declined ${third}`)).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('Triage is clear');
  await expect.poll(async () => (await api.issue(third)).stateId).toBe(id('Canceled'));
  await expect(triageLink).not.toContainText(/\d/);
  await shot(page, 'triage-02-clear');

  // ⌘/Ctrl+Z puts the last one back in triage.
  await page.keyboard.press('Control+z');
  await expect(rows).toHaveCount(1);
  await expect.poll(async () => (await api.issue(third)).stateId).toBe(id('Triage'));

  // The accept button works with the mouse too.
  await rows.first().getByRole('button', { name: `Accept ${third}` }).click();
  await expect.poll(async () => (await api.issue(third)).stateId).toBe(id('Backlog'));
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.context().close();
});
