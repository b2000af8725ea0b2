/**
 * The create-issue modal by keyboard only: C, title, description, every property pill through its
 * picker, ⌘/Ctrl+Enter; the draft kept when the modal closes by accident; ⌘/Ctrl+Shift+Enter
 * creating and keeping the properties.
 */
import { expect, test } from '@playwright/test';
import { shot } from './helpers.ts';
import { apiGet, openApp, ready, type Setup, setUp } from './issue-page.helpers.ts';

let setup: Setup;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  setup = await setUp(browser, baseURL!, 'create', 'CRE', [
    { name: 'Bug', color: '#eb5757' },
    { name: 'Frontend', color: '#5e6ad2', team: true },
  ]);
});

type ApiIssue = { identifier: string; title: string; description: string | null; stateId: string; priority: string; assigneeId: string | null; labelIds: string[]; estimate: number | null; dueDate: string | null };

test('creates an issue with every property, keyboard only', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(`/${setup.workspace.urlSlug}/team/${setup.team.key}/all`);
  await ready(page);

  await page.keyboard.press('c');
  const modal = page.getByTestId('create-issue');
  await expect(modal).toBeVisible();
  await expect(modal.getByLabel('Issue title')).toBeFocused();
  await page.keyboard.type('Checkout button does nothing');
  // Enter in the title moves to the description (it does not create).
  await page.keyboard.press('Enter');
  await expect(modal.getByRole('textbox', { name: 'Description' })).toBeFocused();
  await page.keyboard.type('Steps: open the cart and press pay.');

  const pick = async (pill: string, typed: string | null, key = 'Enter') => {
    await page.keyboard.press('Tab');
    await expect(modal.getByTestId(pill)).toBeFocused();
    await page.keyboard.press('Enter');
    const picker = page.getByRole('dialog').last();
    await expect(picker.getByRole('combobox')).toBeFocused();
    if (typed) await page.keyboard.type(typed);
    await page.keyboard.press(key);
  };
  await pick('create-status', 'In Progress');
  await expect(modal.getByTestId('create-status')).toContainText('In Progress');
  await pick('create-priority', null, '2');
  await expect(modal.getByTestId('create-priority')).toContainText('High');
  await pick('create-assignee', 'you');
  await expect(modal.getByTestId('create-assignee')).not.toContainText('Assignee');
  await pick('create-labels', 'Bug');
  // The label picker toggles and stays open: Escape closes it.
  await expect(page.getByTestId('label-picker')).toBeVisible();
  await page.keyboard.type('');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('label-picker')).toBeHidden();
  await expect(modal.getByTestId('create-labels')).toContainText('Bug');
  await pick('create-estimate', '3 points');
  await expect(modal.getByTestId('create-estimate')).toContainText('3 points');
  await pick('create-due', '2031-03-14');
  await expect(modal.getByTestId('create-due')).toContainText('Due');
  await shot(page, '20-create-modal-properties');
  await page.keyboard.press('Control+Enter');

  await expect(modal).toBeHidden();
  await expect(page.getByText(`Created ${setup.team.key}-1`)).toBeVisible();
  const issue = await apiGet<ApiIssue>(page.request, setup, `issues/${setup.team.key}-1`);
  const states = await apiGet<{ data: { id: string; name: string }[] }>(page.request, setup, `teams/${setup.team.id}/states`);
  const labels = await apiGet<{ data: { id: string; name: string }[] }>(page.request, setup, 'labels');
  const me = await apiGet<{ user: { id: string } }>(page.request, setup, 'me');
  expect(issue.title).toBe('Checkout button does nothing');
  expect(issue.description).toBe('<p>Steps: open the cart and press pay.</p>');
  expect(states.data.find((s) => s.id === issue.stateId)?.name).toBe('In Progress');
  expect(issue.priority).toBe('high');
  expect(issue.assigneeId).toBe(me.user.id);
  expect(issue.labelIds).toEqual([labels.data.find((l) => l.name === 'Bug')!.id]);
  expect(issue.estimate).toBe(3);
  expect(issue.dueDate).toBe('2031-03-14');
  await page.context().close();
});

test('a modal closed by accident keeps its draft; the next C restores it', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(`/${setup.workspace.urlSlug}/team/${setup.team.key}/all`);
  await ready(page);
  await page.keyboard.press('c');
  const modal = page.getByTestId('create-issue');
  await page.keyboard.type('Half-written idea');
  await page.keyboard.press('Escape');
  await expect(modal).toBeHidden();
  await expect(page.getByText('Issue saved as a draft: press C to continue')).toBeVisible();

  // It survives a reload too (localStorage).
  await page.reload();
  await ready(page);
  await page.keyboard.press('c');
  await expect(modal.getByLabel('Issue title')).toHaveValue('Half-written idea');
  await expect(modal.getByTestId('draft-restored')).toBeVisible();
  await shot(page, '21-create-draft-restored');
  await modal.getByRole('button', { name: 'Discard' }).click();
  await expect(modal.getByLabel('Issue title')).toHaveValue('');
  await page.keyboard.press('Escape');
  await page.keyboard.press('c');
  await expect(modal.getByLabel('Issue title')).toHaveValue('');
  await expect(modal.getByTestId('draft-restored')).toBeHidden();
  await page.context().close();
});

test('⌘/Ctrl+Shift+Enter creates and keeps the modal open with the same properties', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(`/${setup.workspace.urlSlug}/team/${setup.team.key}/all`);
  await ready(page);
  await page.keyboard.press('c');
  const modal = page.getByTestId('create-issue');
  await modal.getByTestId('create-priority').click();
  await page.keyboard.press('1');
  await modal.getByLabel('Issue title').fill('First of a series');
  await modal.getByLabel('Issue title').press('Control+Shift+Enter');
  await expect(page.getByText(`Created ${setup.team.key}-2`)).toBeVisible();
  await expect(modal.getByLabel('Issue title')).toHaveValue('');
  await expect(modal.getByLabel('Issue title')).toBeFocused();
  await expect(modal.getByTestId('create-priority')).toContainText('Urgent');
  await page.keyboard.type('Second of a series');
  await page.keyboard.press('Control+Enter');
  await expect(modal).toBeHidden();
  const second = await apiGet<ApiIssue>(page.request, setup, `issues/${setup.team.key}-3`);
  expect(second.title).toBe('Second of a series');
  expect(second.priority).toBe('urgent');
  await page.context().close();
});
