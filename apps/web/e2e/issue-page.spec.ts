/**
 * The issue page: editing every property by keyboard (S, P, A, I, L, E, Shift+D), the copy keys,
 * ⌘/Ctrl+Z undo, J/K between issues; comments with a reply and a reaction; sub-issues, relations
 * and the rich-text description (mentions, checklists, issue references).
 */
import { expect, test } from '@playwright/test';
import { createIssueViaApi, shot } from './helpers.ts';
import { apiGet, clipboard, openApp, ready, type Setup, setUp } from './issue-page.helpers.ts';

let setup: Setup;
test.describe.configure({ mode: 'serial' });

type ApiIssue = { id: string; identifier: string; title: string; description: string | null; stateId: string; priority: string; assigneeId: string | null; labelIds: string[]; estimate: number | null; dueDate: string | null; parentId: string | null };

test.beforeAll(async ({ browser, baseURL }) => {
  setup = await setUp(browser, baseURL!, 'page', 'PAG', [
    { name: 'Bug', color: '#eb5757' },
    { name: 'Performance', color: '#f2c94c', team: true },
  ]);
  const context = await browser.newContext({ storageState: setup.storage });
  for (const title of ['Fix login page', 'Second issue', 'Third issue']) {
    await createIssueViaApi(context.request, baseURL!, setup.workspace.id, { teamId: setup.team.id, title });
  }
  await context.close();
});

const issueUrl = (id: string) => `/${setup.workspace.urlSlug}/issue/${id}`;

test('edits every property by keyboard, copies the ID, branch and URL, undoes, and moves with J/K', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  const key = setup.team.key;
  await page.goto(issueUrl(`${key}-1`));
  await ready(page);
  await expect(page.getByTestId('issue-identifier')).toHaveText(`${key}-1`);
  const picker = page.getByTestId('picker');

  await page.keyboard.press('s');
  await expect(picker).toBeVisible();
  await page.keyboard.type('In Progress');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('prop-status')).toContainText('In Progress');

  await page.keyboard.press('p');
  await page.keyboard.press('3');
  await expect(page.getByTestId('prop-priority')).toContainText('Medium');

  await page.keyboard.press('a');
  await page.keyboard.type('you');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('prop-assignee')).not.toContainText('Unassigned');
  // I toggles: assigned to me already, so it unassigns, and again assigns.
  await page.keyboard.press('i');
  await expect(page.getByTestId('prop-assignee')).toContainText('Unassigned');
  await page.keyboard.press('i');
  await expect(page.getByTestId('prop-assignee')).not.toContainText('Unassigned');

  // Several labels in one opening of the picker, typed quickly while the answers are slow: each
  // PATCH answer is held back 400 ms, so the sync echo of the first pick arrives while the later
  // picks are still on their way (it must not undo them, nor be what the next toggle reads).
  await page.route('**/api/v1/issues/*', async (route) => {
    if (route.request().method() !== 'PATCH') return route.fallback();
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 400));
    await route.fulfill({ response });
  });
  const labels = page.getByTestId('label-picker');
  const chips = page.getByTestId('label-chip');
  await page.keyboard.press('l');
  await expect(labels).toBeVisible();
  for (const name of ['Bug', 'Performance', 'Bug']) {
    await page.keyboard.type(name);
    // Enter toggles the active option: the first match of what was typed.
    await expect(labels.getByRole('option', { name })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    // The filter clears after each toggle, ready for the next name.
    await expect(labels.getByRole('combobox')).toHaveValue('');
  }
  await expect(labels.getByRole('option', { name: 'Performance' })).toHaveAttribute('aria-checked', 'true');
  await expect(labels.getByRole('option', { name: 'Bug' })).toHaveAttribute('aria-checked', 'false');
  await expect(chips).toHaveText(['Performance']);
  const labelIds = async () => (await apiGet<ApiIssue>(page.request, setup, `issues/${key}-1`)).labelIds;
  const labelId = async (name: string) => (await apiGet<{ data: { id: string; name: string }[] }>(page.request, setup, 'labels')).data.find((l) => l.name === name)!.id;
  const [bug, performance] = [await labelId('Bug'), await labelId('Performance')];
  await expect.poll(labelIds).toEqual([performance]);
  // Still the same opening: Bug back on, then Escape closes.
  await page.keyboard.type('Bug');
  await expect(labels.getByRole('option', { name: 'Bug' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await expect(labels).toBeHidden();
  await expect(chips).toHaveCount(2);
  await expect.poll(async () => (await labelIds()).sort()).toEqual([bug, performance].sort());
  // Nothing changes once the held-back answers and echoes have all arrived.
  await page.unrouteAll({ behavior: 'wait' });
  await page.waitForTimeout(1000);
  await expect(chips).toHaveCount(2);

  await page.keyboard.press('e');
  await page.keyboard.type('7');
  await expect(picker.getByRole('option', { name: 'Set estimate to 7' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('prop-estimate')).toContainText('7 points');

  await page.keyboard.press('Shift+D');
  await expect(page.getByTestId('due-date-picker')).toBeVisible();
  await page.keyboard.type('2030-01-15');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('prop-due')).toContainText('Jan 15, 2030');
  await shot(page, '22-issue-page-properties');

  const stored = await apiGet<ApiIssue>(page.request, setup, `issues/${key}-1`);
  expect(stored.priority).toBe('medium');
  expect(stored.labelIds).toHaveLength(2);
  expect(stored.estimate).toBe(7);
  expect(stored.dueDate).toBe('2030-01-15');
  expect(stored.assigneeId).not.toBeNull();

  // Copy keys.
  await page.keyboard.press('Control+Period');
  await expect(page.getByText(`Copied ID: ${key}-1`)).toBeVisible();
  expect(await clipboard(page)).toBe(`${key}-1`);
  await page.keyboard.press('Control+Shift+Period');
  expect(await clipboard(page)).toBe(`${key.toLowerCase()}-1-fix-login-page`);
  await page.keyboard.press('Control+Shift+Comma');
  expect(await clipboard(page)).toBe(`${baseURL}${issueUrl(`${key}-1`)}`);

  // ⌘/Ctrl+Z undoes the last change (the due date), then the one before (the estimate).
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('prop-due')).toContainText('No due date');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('prop-estimate')).toContainText('No estimate');
  await expect.poll(async () => (await apiGet<ApiIssue>(page.request, setup, `issues/${key}-1`)).dueDate).toBeNull();

  // The activity lists the changes.
  await expect(page.getByTestId('history-entry').filter({ hasText: 'changed status from Backlog to In Progress' })).toBeVisible();

  // J and K move through the team's issues (newest first when the page was opened directly).
  await page.keyboard.press('k');
  await expect(page).toHaveURL(new RegExp(`/issue/${key}-2$`));
  await expect(page.getByLabel('Issue title')).toHaveValue('Second issue');
  await page.keyboard.press('j');
  await expect(page).toHaveURL(new RegExp(`/issue/${key}-1$`));
  await page.context().close();
});

test('comments: post with ⌘/Ctrl+Enter, reply in the thread, react; edit is the author’s', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  const key = setup.team.key;
  await page.goto(issueUrl(`${key}-2`));
  await ready(page);
  const composer = page.getByTestId('comment-composer').getByRole('textbox', { name: 'Comment' });
  await composer.click();
  await page.keyboard.type('This also breaks on mobile, see ');
  await page.keyboard.type(`${key}-1`);
  await page.keyboard.press('Control+Enter');
  const thread = page.getByTestId('comment-thread');
  await expect(thread).toHaveCount(1);
  await expect(thread.getByTestId('comment-body')).toContainText('This also breaks on mobile');
  // The reference became a link to the issue.
  await expect(thread.getByTestId('comment-body').locator(`a[data-issue-ref="${key}-1"]`)).toBeVisible();
  await expect(composer).toHaveText('');

  // Reply.
  await thread.getByRole('button', { name: 'Reply…' }).click();
  const reply = page.getByTestId('reply-composer').getByRole('textbox', { name: 'Reply' });
  await expect(reply).toBeFocused();
  await page.keyboard.type('Confirmed on iOS 18.');
  await page.keyboard.press('Control+Enter');
  await expect(thread.getByTestId('comment')).toHaveCount(2);
  await expect(thread.getByTestId('comment').nth(1)).toContainText('Confirmed on iOS 18.');

  // React to the first comment with the keyboard-reachable menu.
  const first = thread.getByTestId('comment').first();
  await first.getByRole('button', { name: 'Add reaction' }).click();
  await page.getByRole('menuitem', { name: 'React with 🎉' }).click();
  await expect(first.getByTestId('reaction-chip')).toHaveText(/🎉\s*1/);
  await expect(first.getByTestId('reaction-chip')).toHaveAttribute('aria-pressed', 'true');

  // Edit own comment.
  await first.hover();
  await first.getByRole('button', { name: 'Edit' }).click();
  await page.keyboard.press('End');
  await page.keyboard.type(' (edited text)');
  await page.getByTestId('edit-composer').getByRole('button', { name: /Save/ }).click();
  await expect(first.getByTestId('comment-body')).toContainText('(edited text)');
  await expect(first).toContainText('(edited)');
  await shot(page, '23-issue-comments');

  // All of it is stored: two comments, the reply threaded under the first, the reaction on it.
  const issue = await apiGet<ApiIssue>(page.request, setup, `issues/${key}-2`);
  const comments = await apiGet<{ data: { id: string; parentId: string | null; body: string; reactions: { emoji: string; count: number }[] }[] }>(page.request, setup, `issues/${issue.id}/comments`);
  expect(comments.data).toHaveLength(2);
  expect(comments.data[1]!.parentId).toBe(comments.data[0]!.id);
  expect(comments.data[0]!.reactions).toEqual([expect.objectContaining({ emoji: '🎉', count: 1 })]);
  expect(comments.data[0]!.body).toContain('(edited text)');

  // Removing the reaction (a second click) deletes it on the server.
  await first.getByTestId('reaction-chip').click();
  await expect(first.getByTestId('reaction-chip')).toHaveCount(0);
  await expect
    .poll(async () => (await apiGet<{ data: { reactions: unknown[] }[] }>(page.request, setup, `issues/${issue.id}/comments`)).data[0]!.reactions.length)
    .toBe(0);

  // Subscription: commenting subscribed the author; the button toggles it.
  await expect(page.getByTestId('subscribe')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('subscribe').click();
  await expect(page.getByTestId('subscribe')).toHaveAttribute('aria-pressed', 'false');
  const sub = await apiGet<{ subscribed: boolean }>(page.request, setup, `issues/${issue.id}/subscription`);
  expect(sub.subscribed).toBe(false);
  await page.context().close();
});

test('sub-issues, relations and the rich description (checklist, mention)', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  const key = setup.team.key;
  await page.goto(issueUrl(`${key}-3`));
  await ready(page);

  // Sub-issues: the inline field stays open after each Enter.
  await page.getByTestId('sub-issues').getByRole('button', { name: 'Add sub-issue' }).click();
  const field = page.getByLabel('Sub-issue title');
  await field.fill('Write the migration');
  await field.press('Enter');
  await expect(page.getByTestId('sub-issue-row')).toHaveCount(1);
  await expect(field).toBeFocused();
  await field.fill('Backfill old rows');
  await field.press('Enter');
  await expect(page.getByTestId('sub-issue-row')).toHaveCount(2);
  await expect(page.getByTestId('sub-issues')).toContainText('0/2 done');

  // Relations: M then B marks it blocked by an issue picked by search.
  await field.press('Escape');
  await expect(field).toBeHidden();
  await page.keyboard.press('m');
  await page.keyboard.press('b');
  await expect(page.getByTestId('issue-search-picker')).toBeVisible();
  await page.keyboard.type(`${key}-1`);
  await page.keyboard.press('Enter');
  const rel = page.getByTestId('relations');
  await expect(rel).toContainText('Blocked by');
  await expect(rel.getByTestId('relation-row')).toContainText('Fix login page');
  const issue = await apiGet<ApiIssue>(page.request, setup, `issues/${key}-3`);
  const relations = await apiGet<{ data: { type: string; relatedIssue: { identifier: string } }[] }>(page.request, setup, `issues/${issue.id}/relations`);
  expect(relations.data.map((r) => [r.type, r.relatedIssue.identifier])).toEqual([['blocked_by', `${key}-1`]]);

  // Description: a checklist typed as Markdown, a mention, an issue reference; saved on blur.
  const editor = page.getByTestId('description-editor').getByRole('textbox', { name: 'Description' });
  await editor.click();
  await page.keyboard.type('## Plan');
  await page.keyboard.press('Enter');
  await page.keyboard.type('[ ] ship it');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Ask @');
  await expect(page.getByTestId('mention-menu')).toBeVisible();
  await page.keyboard.press('Enter');
  await page.keyboard.type(`about ${key}-2`);
  await expect(page.getByTestId('description-editor').locator(`[data-issue-ref="${key}-2"]`)).toBeVisible();
  await page.getByRole('textbox', { name: 'Issue title', exact: true }).click();
  await expect
    .poll(async () => (await apiGet<ApiIssue>(page.request, setup, `issues/${key}-3`)).description ?? '')
    .toMatch(/<h2>Plan<\/h2><ul data-type="taskList"><li data-checked="false"[^>]*>.*ship it.*<span data-type="mention" data-id="[0-9a-f-]+" data-label="[^"]+">@/);
  await shot(page, '24-issue-subissues-relations');

  // Archive and restore from the actions menu.
  await page.getByRole('button', { name: 'Issue actions' }).click();
  await page.getByRole('menuitem', { name: 'Archive issue' }).click();
  await expect(page.getByTestId('archived-banner')).toBeVisible();
  expect((await apiGet<{ archivedAt: string | null }>(page.request, setup, `issues/${key}-3`)).archivedAt).not.toBeNull();
  await page.getByRole('button', { name: 'Issue actions' }).click();
  await page.getByRole('menuitem', { name: 'Restore from archive' }).click();
  await expect(page.getByTestId('archived-banner')).toBeHidden();
  await page.context().close();
});
