/**
 * Typing before the rich-text editor has loaded loses nothing. The editor's chunk is held back by
 * the test (as a slow machine or network would); what is typed into the description meanwhile is
 * kept, ⌘/Ctrl+Enter still creates, and when the chunk arrives the editor takes over the text and
 * the focus. Markup typed as text stays text.
 */
import { expect, test } from '@playwright/test';
import { createWorkspaceViaApi, signInByMagicLink, uniqueEmail } from './helpers.ts';

test('the description keeps keystrokes typed while the editor loads, and hands them to it', async ({ page, baseURL }) => {
  await signInByMagicLink(page, uniqueEmail('slow-editor'));
  const { workspace, team } = await createWorkspaceViaApi(page.request, baseURL!, 'Slow Editor Co', `se-${Date.now().toString(36)}`, 'SLO');

  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/assets/RichEditor-*.js', async (route) => {
    await released;
    await route.continue();
  });

  await page.goto(`/${workspace.urlSlug}/team/${team.key}/all`);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.keyboard.press('c');
  const modal = page.getByTestId('create-issue');
  await expect(modal.getByLabel('Issue title')).toBeFocused();
  await page.keyboard.type('First one');
  await page.keyboard.press('Tab');
  const standIn = modal.getByTestId('editor-fallback');
  await expect(standIn).toBeFocused();
  // Letters that are shortcuts elsewhere (s, p, l, j, k) are text here.
  await page.keyboard.type('Typed s p l j k <b>not bold</b>');
  await expect(standIn).toHaveValue('Typed s p l j k <b>not bold</b>');
  await expect(page.getByTestId('picker')).toBeHidden();
  await page.keyboard.press('Control+Enter');
  await expect(modal).toBeHidden();

  const first = await page.request.get(`/api/v1/issues/${team.key}-1`, { headers: { 'x-workspace': workspace.id } });
  expect(first.status()).toBe(200);
  const body = await first.json();
  expect(body.title).toBe('First one');
  expect(body.description).toBe('<p>Typed s p l j k &lt;b&gt;not bold&lt;/b&gt;</p>');

  // Second issue: the chunk arrives while typing; the editor takes the text and the focus.
  await page.keyboard.press('c');
  await expect(modal.getByLabel('Issue title')).toBeFocused();
  await page.keyboard.type('Second one');
  await page.keyboard.press('Enter');
  await expect(standIn).toBeFocused();
  await page.keyboard.type('before');
  // The chunk arrives while typing goes on: keys land in the stand-in, in the instant between the
  // two (held), or in the editor; none is lost, none is taken as a shortcut.
  release();
  await page.keyboard.type(' and after, with s p l c shortcuts', { delay: 15 });
  const editor = modal.locator('.ProseMirror');
  await expect(editor).toBeVisible();
  await expect(editor).toBeFocused();
  await expect(editor).toHaveText('before and after, with s p l c shortcuts');
  await expect(page.getByTestId('picker')).toBeHidden();
  await page.keyboard.press('Control+Enter');
  await expect(modal).toBeHidden();
  const second = await (await page.request.get(`/api/v1/issues/${team.key}-2`, { headers: { 'x-workspace': workspace.id } })).json();
  expect(second.description).toBe('<p>before and after, with s p l c shortcuts</p>');
});
