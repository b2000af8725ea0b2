/**
 * Board and list drag and drop: a card dragged to another column changes its workflow state (as
 * the API then reports), and a row dragged inside a list in manual order takes that position in
 * the team's manual order (`POST /issues/:id/move`).
 */
import { expect, test } from '@playwright/test';
import { shot } from './helpers.ts';
import { apiOf, drag, listUrl, openPage, type Setup, setUp } from './live.helpers.ts';

let s: Setup;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  s = await setUp(browser, baseURL!, 'board', 'BRD');
});

const board = () => `${listUrl(s)}?display=${encodeURIComponent(JSON.stringify({ layout: 'board' }))}`;

test('dragging a card to another column changes its state, persisted through the API', async ({ browser }) => {
  const page = await openPage(browser, s, listUrl(s));
  const api = apiOf(page.request, s);
  const first = await api.createIssue({ title: 'Drag me to In Progress', priority: 'high' });
  await api.createIssue({ title: 'Stay in Todo' });
  await page.goto(board());
  await expect(page.getByTestId('board')).toBeVisible();
  const columns = page.getByTestId('board-column-header');
  // Every workflow state of the team is a column, empty ones included.
  await expect(columns).toHaveCount((await api.states()).length);
  const card = page.getByTestId('board-card').filter({ hasText: 'Drag me to In Progress' });
  const target = page.locator('[data-testid="board-column"][data-column="In Progress"]');
  await expect(card).toBeVisible();
  await shot(page, 'board-01-before-drag');

  await drag(page, card, target);
  await expect(target.getByTestId('board-card').filter({ hasText: 'Drag me to In Progress' })).toBeVisible();
  const inProgress = (await api.states()).find((st) => st.name === 'In Progress')!;
  await expect.poll(async () => (await api.issue(first.identifier)).stateId).toBe(inProgress.id);
  await shot(page, 'board-02-after-drag');

  // The state stays after a reload (and the layout stays a board: it is in the URL).
  await page.reload();
  await expect(page.locator('[data-testid="board-column"][data-column="In Progress"]').getByTestId('board-card')).toHaveText(/Drag me to In Progress/);

  // Rows of the board: a sub-grouping makes swimlanes (here by priority) across the columns.
  await page.goto(`${listUrl(s)}?display=${encodeURIComponent(JSON.stringify({ layout: 'board', subGroupBy: 'priority' }))}`);
  await expect(page.getByTestId('swimlane')).toHaveCount(2);
  await expect(page.getByTestId('swimlane').first()).toContainText('High');
  await shot(page, 'board-03-swimlanes');
  await page.context().close();
});

test('dragging a row inside a manually ordered list sets the team’s manual order', async ({ browser }) => {
  const page = await openPage(browser, s, listUrl(s));
  const api = apiOf(page.request, s);
  const a = await api.createIssue({ title: 'Order A' });
  const b = await api.createIssue({ title: 'Order B' });
  const c = await api.createIssue({ title: 'Order C' });
  // New issues go to the top of the manual order: C, B, A.
  const manual = `${listUrl(s)}?display=${encodeURIComponent(JSON.stringify({ orderBy: 'manual', groupBy: 'none' }))}`;
  await page.goto(manual);
  const rows = page.getByTestId('issue-row');
  await expect(rows.filter({ hasText: /Order [ABC]/ })).toHaveText([/Order C/, /Order B/, /Order A/]);
  // Drag and drop arrives in its own chunk, just after the list paints.
  await expect(page.getByTestId('issue-list')).toHaveAttribute('data-dnd', 'ready');

  // Drop A above C: A, C, B.
  await drag(page, rows.filter({ hasText: 'Order A' }), rows.filter({ hasText: 'Order C' }), 'top');
  await expect(rows.filter({ hasText: /Order [ABC]/ })).toHaveText([/Order A/, /Order C/, /Order B/]);
  await expect
    .poll(async () => (await api.manualOrder()).filter((i) => [a.identifier, b.identifier, c.identifier].includes(i)))
    .toEqual([a.identifier, c.identifier, b.identifier]);
  await page.reload();
  await expect(rows.filter({ hasText: /Order [ABC]/ })).toHaveText([/Order A/, /Order C/, /Order B/]);
  await page.context().close();
});
