/**
 * Triage: a team with triage on shows a Triage view (first under the team, with the number of
 * issues waiting) listing issues in its Triage state; 1 accepts (into the team's default state),
 * 2 asks for the original issue and marks a duplicate (relation + Duplicate state), 3 asks for an
 * optional reason and declines (into Canceled, the reason posted as a comment); the row buttons do
 * the same with the mouse, and ⌘/Ctrl+Z undoes the state change.
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
  for (const title of ['Crash on save', 'Typo in footer', 'Slow search', 'Saving crashes the app']) await api.createIssue({ title, stateId: id('Triage') });
  const planned = await api.createIssue({ title: 'Planned work' });
  const comments = async (ref: string) =>
    (await (await page.request.get(`/api/v1/issues/${ref}/comments`, { headers: { 'x-workspace': s.workspace.id } })).json()).data as { body: string }[];
  const relations = async (ref: string) =>
    (await (await page.request.get(`/api/v1/issues/${ref}/relations`, { headers: { 'x-workspace': s.workspace.id } })).json()).data as {
      type: string;
      relatedIssue: { identifier: string };
    }[];

  await page.goto(listUrl(s));
  const nav = page.locator('nav[aria-label="Sidebar"]');
  const triageLink = nav.getByRole('link', { name: /^Triage/ });
  await expect(triageLink).toContainText('4');
  await triageLink.click();
  await expect(page).toHaveURL(new RegExp(`/team/${s.team.key}/triage$`));
  const rows = page.getByTestId('issue-row');
  await expect(rows).toHaveCount(4);
  await expect(rows.filter({ hasText: 'Planned work' })).toHaveCount(0);
  await expect(page.getByTestId('triage-hint')).toBeVisible();
  await shot(page, 'triage-01-view');

  // Keyboard: J focuses the first row, 1 accepts it into the team's default state (Backlog).
  await page.keyboard.press('j');
  const focused = page.locator('[data-testid="issue-row"][data-focused="true"]');
  const first = (await focused.getAttribute('data-identifier'))!;
  await page.keyboard.press('1');
  await expect(page.getByText(`Accepted ${first} into Backlog`)).toBeVisible();
  await expect(rows).toHaveCount(3);
  await expect(triageLink).toContainText('3');
  await expect.poll(async () => (await api.issue(first)).stateId).toBe(id('Backlog'));

  // Keyboard: 2 asks for the original issue; picking it relates the two and files the duplicate
  // under Duplicate.
  const dupId = (await rows.first().getAttribute('data-identifier'))!;
  const dup = page.locator(`[data-testid="issue-row"][data-identifier="${dupId}"]`);
  await dup.hover();
  await expect(dup).toHaveAttribute('data-focused', 'true');
  await page.keyboard.press('2');
  const search = page.getByTestId('issue-search-picker');
  await expect(search).toBeVisible();
  await expect(search).toHaveAttribute('aria-label', 'Mark as duplicate of…');
  await page.keyboard.type('Planned work');
  await expect(search.getByRole('option', { name: new RegExp(planned.identifier) })).toHaveAttribute('aria-selected', 'true');
  await shot(page, 'triage-02-duplicate-picker');
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Marked ${dupId} as duplicate of ${planned.identifier}`)).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect.poll(async () => (await api.issue(dupId)).stateId).toBe(id('Duplicate'));
  expect(await relations(dupId)).toEqual([expect.objectContaining({ type: 'duplicate', relatedIssue: expect.objectContaining({ identifier: planned.identifier }) })]);

  // Mouse: Decline on a row asks for a reason; the reason is posted as a comment.
  const second = (await rows.first().getAttribute('data-identifier'))!;
  await rows.first().getByRole('button', { name: `Decline ${second}` }).click();
  const decline = page.getByTestId('triage-decline');
  await expect(decline).toBeVisible();
  const reason = decline.getByLabel(/Reason/);
  await expect(reason).toBeFocused();
  await reason.fill('Works as intended <see docs>');
  await shot(page, 'triage-03-decline-reason');
  await decline.getByRole('button', { name: 'Decline' }).click();
  await expect(decline).toBeHidden();
  await expect(rows).toHaveCount(1);
  await expect.poll(async () => (await api.issue(second)).stateId).toBe(id('Canceled'));
  await expect.poll(async () => (await comments(second)).map((c) => c.body)).toEqual(['<p>Works as intended &lt;see docs&gt;</p>']);

  // Keyboard: 3 then Enter declines the last one without a comment; Escape first cancels.
  await page.keyboard.press('j');
  const third = (await focused.getAttribute('data-identifier'))!;
  await page.keyboard.press('3');
  await expect(decline).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(decline).toBeHidden();
  await expect(rows).toHaveCount(1);
  await page.keyboard.press('3');
  await expect(decline.getByLabel(/Reason/)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Declined ${third}`)).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('Triage is clear');
  await expect.poll(async () => (await api.issue(third)).stateId).toBe(id('Canceled'));
  expect(await comments(third)).toEqual([]);
  await expect(triageLink).not.toContainText(/\d/);
  await shot(page, 'triage-04-clear');

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
