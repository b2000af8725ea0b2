/**
 * The keyboard layer: the `?` sheet generated from the registry lists the issue keys, `/` opens
 * search, G then I / M / T navigate, shortcuts never fire while typing or composing (IME), Space
 * peeks at the focused issue, and the create modal and pickers are usable without a mouse.
 */
import { expect, test } from '@playwright/test';
import { createIssueViaApi, shot } from './helpers.ts';
import { openApp, ready, type Setup, setUp } from './issue-page.helpers.ts';

let setup: Setup;
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser, baseURL }) => {
  setup = await setUp(browser, baseURL!, 'keys', 'KBD');
  const context = await browser.newContext({ storageState: setup.storage });
  await createIssueViaApi(context.request, baseURL!, setup.workspace.id, { teamId: setup.team.id, title: 'Peekable issue', description: '<p>Details shown in the peek panel.</p>' });
  await context.close();
});

test('the ? sheet lists the issue keys from the one registry', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(`/${setup.workspace.urlSlug}/issue/${setup.team.key}-1`);
  await ready(page);
  await page.keyboard.press('?');
  const help = page.getByTestId('help-sheet');
  await expect(help).toBeVisible();
  for (const title of [
    'Change status…',
    'Change priority…',
    'Assign to…',
    'Assign to me',
    'Add or remove labels…',
    'Set estimate…',
    'Set due date…',
    'Copy issue ID',
    'Copy git branch name',
    'Copy issue URL',
    'Undo the last change',
    'Search',
    'Go to issues',
    'Go to My issues',
    'Go to teams',
  ]) {
    await expect(help.getByText(title, { exact: true })).toBeVisible();
  }
  await shot(page, '25-help-sheet-issue-keys');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.context().close();
});

test('/ opens search; G then I, M and T navigate', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  const ws = setup.workspace.urlSlug;
  await page.goto(`/${ws}/my-issues`);
  await ready(page);
  await page.keyboard.press('/');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await page.keyboard.type('Peekable');
  await expect(page.getByTestId('command-palette').getByRole('option', { name: /Peekable issue/ })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(page).toHaveURL(new RegExp(`/${ws}/team/${setup.team.key}/all`));
  await page.keyboard.press('g');
  await page.keyboard.press('m');
  await expect(page).toHaveURL(new RegExp(`/${ws}/my-issues`));
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  await expect(page).toHaveURL(new RegExp(`/${ws}/settings/teams$`));
  await expect(page.getByTestId('team-row')).toContainText('Engineering');
  await page.context().close();
});

test('no shortcut fires while typing or composing text', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  await page.goto(`/${setup.workspace.urlSlug}/issue/${setup.team.key}-1`);
  await ready(page);
  // The rich-text editor itself (its plain stand-in before it loads is covered by editor-fallback.spec.ts).
  const composer = page.getByTestId('comment-composer').locator('.ProseMirror');
  await expect(composer).toBeVisible();
  await composer.click();
  await page.keyboard.type('s p a l e c g i');
  await expect(page.getByTestId('picker')).toHaveCount(0);
  await expect(page.getByTestId('create-issue')).toHaveCount(0);
  await expect(composer).toHaveText('s p a l e c g i');
  await composer.press('Escape');
  await expect(composer).not.toBeFocused();

  // A key pressed while an IME composes (isComposing, keyCode 229) is text, not a command.
  await page.evaluate(() => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', isComposing: true, bubbles: true }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Process', keyCode: 229, bubbles: true }));
  });
  await expect(page.getByTestId('create-issue')).toHaveCount(0);
  // The same key outside a composition works.
  await page.keyboard.press('c');
  await expect(page.getByTestId('create-issue')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.context().close();
});

test('Space peeks at the focused issue without leaving the list', async ({ browser, baseURL }) => {
  const page = await openApp(browser, setup, baseURL!);
  const list = `/${setup.workspace.urlSlug}/team/${setup.team.key}/all`;
  await page.goto(list);
  await ready(page);
  await page.keyboard.press('j');
  await page.keyboard.press('Space');
  const peek = page.getByTestId('peek');
  await expect(peek).toBeVisible();
  await expect(peek).toContainText('Peekable issue');
  await expect(peek).toContainText('Details shown in the peek panel.');
  await expect(page).toHaveURL(new RegExp(`${list}$`));
  await shot(page, '26-peek');
  await page.keyboard.press('Escape');
  await expect(peek).toBeHidden();
  await page.context().close();
});
