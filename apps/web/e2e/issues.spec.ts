/**
 * The keyboard-first issue tracker: creating an issue by keyboard only, j/k navigation, pickers,
 * the command palette and the `?` help sheet. One user and workspace for the file.
 */
import { expect, test, type Page } from '@playwright/test';
import { createIssueViaApi, createWorkspaceViaApi, sameOrigin, shot, signInByMagicLink, uniqueEmail } from './helpers.ts';

const storage = { path: '' };
let workspace: { id: string; urlSlug: string };
let team: { id: string; key: string };

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByMagicLink(page, uniqueEmail('keys'));
  await expect(page).toHaveURL(/\/onboarding$/);
  const created = await createWorkspaceViaApi(page.request, baseURL!, 'Keyboard Co', `kb-${Date.now().toString(36)}`, 'KEY');
  workspace = created.workspace;
  team = created.team;
  storage.path = test.info().outputPath('storage.json');
  await context.storageState({ path: storage.path });
  await context.close();
});

async function openApp(browser: import('@playwright/test').Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: storage.path });
  return context.newPage();
}

const list = (ws: string, key: string, view = 'all') => `/${ws}/team/${key}/${view}`;

test('creates an issue with the keyboard only: C, type, Ctrl+Enter', async ({ browser }) => {
  const page = await openApp(browser);
  await page.goto(list(workspace.urlSlug, team.key));
  await expect(page.getByTestId('empty-state')).toBeVisible();

  await page.keyboard.press('c');
  const modal = page.getByTestId('create-issue');
  await expect(modal).toBeVisible();
  await expect(modal.getByLabel('Issue title')).toBeFocused();
  await page.keyboard.type('Keyboard created issue');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Typed j and k here: no shortcut fires while typing.');
  await shot(page, '05-create-issue-modal');
  await page.keyboard.press('Control+Enter');

  await expect(modal).toBeHidden();
  const row = page.getByTestId('issue-row').filter({ hasText: 'Keyboard created issue' });
  await expect(row).toHaveAttribute('data-identifier', `${team.key}-1`);
  await expect(page.getByText(`Created ${team.key}-1`)).toBeVisible();

  // It was stored: a reload still lists it, in the team's default state.
  await page.reload();
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Keyboard created issue' })).toBeVisible();
  await page.context().close();
});

test('j/k move through the list, Enter opens, pickers edit, Esc returns', async ({ browser, baseURL }) => {
  const page = await openApp(browser);
  await createIssueViaApi(page.request, baseURL!, workspace.id, { teamId: team.id, title: 'Second issue', priority: 'high' });
  await createIssueViaApi(page.request, baseURL!, workspace.id, { teamId: team.id, title: 'Third issue', priority: 'low' });
  await page.goto(list(workspace.urlSlug, team.key));
  const rows = page.getByTestId('issue-row');
  await expect(rows).toHaveCount(3);
  // Within a state, higher priority first: Second (high), Third (low), then the first (none).
  await expect(rows.nth(0)).toContainText('Second issue');

  await page.keyboard.press('j');
  await expect(rows.nth(0)).toHaveAttribute('data-focused', 'true');
  await page.keyboard.press('j');
  await expect(rows.nth(1)).toHaveAttribute('data-focused', 'true');
  await expect(rows.nth(0)).not.toHaveAttribute('data-focused', 'true');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await expect(rows.nth(1)).toHaveAttribute('data-focused', 'true');
  await shot(page, '06-issue-list');

  // S on the focused row opens the status picker for it.
  await page.keyboard.press('s');
  const picker = page.getByTestId('picker');
  await expect(picker).toBeVisible();
  await page.keyboard.type('In Progress');
  await page.keyboard.press('Enter');
  await expect(picker).toBeHidden();
  await expect(page.getByTestId('group-header').filter({ hasText: 'In Progress' })).toBeVisible();

  // Enter opens the focused issue.
  const identifier = await page.locator('[data-focused="true"]').getAttribute('data-identifier');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/issue/${identifier}$`));
  await expect(page.getByTestId('issue-identifier')).toHaveText(identifier!);
  await expect(page.getByTestId('prop-status')).toContainText('In Progress');

  // P then 1: urgent. I: assign to me. Both persist.
  await page.keyboard.press('p');
  await expect(page.getByTestId('picker')).toBeVisible();
  await page.keyboard.press('1');
  await expect(page.getByTestId('prop-priority')).toContainText('Urgent');
  await page.keyboard.press('i');
  await expect(page.getByTestId('prop-assignee')).not.toContainText('Unassigned');
  await expect(page.getByTestId('description-editor')).toBeVisible();
  await shot(page, '07-issue-page');
  const stored = await (await page.request.get(`/api/v1/issues/${identifier}`, { headers: { 'x-workspace': workspace.id } })).json();
  expect(stored.priority).toBe('urgent');
  expect(stored.assigneeId).not.toBeNull();

  // Typing in the title never triggers shortcuts.
  await page.getByLabel('Issue title').click();
  await page.keyboard.type(' s');
  await expect(page.getByTestId('picker')).toBeHidden();
  await expect(page.getByLabel('Issue title')).toHaveValue('Third issue s');
  // Esc in the field drops the edit and leaves the field.
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Issue title')).toHaveValue('Third issue');
  await expect(page.getByLabel('Issue title')).not.toBeFocused();

  // Esc (outside fields) goes back to the list.
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(new RegExp(`${list(workspace.urlSlug, team.key)}$`));
  await page.context().close();
});

test('the command palette runs commands and finds issues; ? lists shortcuts', async ({ browser }) => {
  const page = await openApp(browser);
  await page.goto(list(workspace.urlSlug, team.key));
  await expect(page.getByTestId('issue-row').first()).toBeVisible();

  await page.keyboard.press('Control+k');
  const palette = page.getByTestId('command-palette');
  await expect(palette).toBeVisible();
  await expect(palette.getByText('Create new issue')).toBeVisible();
  await shot(page, '08-command-palette');
  await page.keyboard.type('go to my issues');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(/\/my-issues$/);
  // The issue assigned with I in the previous test is listed under My issues.
  await expect(page.getByTestId('issue-row')).toHaveCount(1);

  // Palette search finds an issue by title and opens it.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('Third issue');
  await expect(palette.getByRole('option', { name: /Third issue/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/issue\/KEY-\d+$/);
  await expect(page.getByLabel('Issue title')).toHaveValue('Third issue');

  // G then B: the backlog view.
  await page.keyboard.press('g');
  await page.keyboard.press('b');
  await expect(page).toHaveURL(new RegExp(`${list(workspace.urlSlug, team.key, 'backlog')}$`));

  await page.keyboard.press('?');
  const help = page.getByTestId('help-sheet');
  await expect(help).toBeVisible();
  await expect(help.getByText('Create new issue')).toBeVisible();
  await expect(help.getByText('Go to My issues')).toBeVisible();
  await shot(page, '09-help-sheet');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.context().close();
});

test('the description editor loads on demand, saves on blur, and breaks no CSP rule', async ({ browser, baseURL }) => {
  const page = await openApp(browser);
  await createIssueViaApi(page.request, baseURL!, workspace.id, { teamId: team.id, title: 'Needs a description', priority: 'urgent' });
  const requested: string[] = [];
  const cspErrors: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  const editorChunk = (u: string) => /\/assets\/DescriptionEditor-[^/]+\.js$/.test(u);

  await page.goto(list(workspace.urlSlug, team.key));
  await expect(page.getByTestId('issue-row').first()).toBeVisible();
  expect(requested.some(editorChunk)).toBe(false);

  const identifier = await page.getByTestId('issue-row').first().getAttribute('data-identifier');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const editor = page.getByTestId('description-editor').locator('.ProseMirror');
  await editor.click();
  await page.keyboard.type('Steps to reproduce: <script>alert(1)</script>');
  await page.getByLabel('Issue title').click();
  expect(requested.some(editorChunk)).toBe(true);
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/issues/${identifier}`, { headers: { 'x-workspace': workspace.id } })).json()).description)
    .toBe('<p>Steps to reproduce: &lt;script&gt;alert(1)&lt;/script&gt;</p>');
  await page.reload();
  await expect(page.getByTestId('description-editor')).toContainText('Steps to reproduce: <script>alert(1)</script>');
  expect(cspErrors).toEqual([]);
  await page.context().close();
});

test('the theme follows the choice in settings (dark)', async ({ browser }) => {
  const page = await openApp(browser);
  await page.goto(`/${workspace.urlSlug}/settings`);
  await page.getByRole('radio', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await shot(page, '10-settings-dark');
  await page.goto(list(workspace.urlSlug, team.key));
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(page.getByTestId('issue-row').first()).toBeVisible();
  await shot(page, '11-issue-list-dark');
  await page.goto(`/${workspace.urlSlug}/issue/${team.key}-1`);
  await expect(page.getByTestId('issue-page')).toBeVisible();
  await shot(page, '12-issue-page-dark');
  // The palette offers the other themes, not the one in use.
  await page.keyboard.press('Control+k');
  const palette = page.getByTestId('command-palette');
  await expect(palette).toBeVisible();
  await page.keyboard.type('theme');
  await expect(palette.getByRole('option', { name: /Switch to light theme/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /Use system theme/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /Switch to dark theme/ })).toHaveCount(0);
  await page.context().close();
});

test('the workspace address opens the team last shown there, else the oldest team', async ({ browser, baseURL }) => {
  const page = await openApp(browser);
  // A team named to sort before the first one alphabetically, created after it.
  const res = await page.request.post(`${baseURL}/api/v1/teams`, {
    headers: sameOrigin(baseURL!, { 'x-workspace': workspace.id }),
    data: { name: 'Aardvark', key: 'AAR' },
  });
  expect(res.status()).toBe(201);
  await page.goto(`/${workspace.urlSlug}`);
  await expect(page).toHaveURL(new RegExp(`/team/${team.key}/all$`));
  await page.goto(list(workspace.urlSlug, 'AAR'));
  await expect(page).toHaveTitle(/Aardvark/);
  await page.goto(`/${workspace.urlSlug}`);
  await expect(page).toHaveURL(/\/team\/AAR\/all$/);
  await page.context().close();
});
