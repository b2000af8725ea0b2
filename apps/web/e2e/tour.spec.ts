/**
 * A new user's first session, at a 1280-px laptop and a 390-px phone, in the light and the dark
 * theme: sign-in by magic link, onboarding, issues created by keyboard, the list, the board,
 * filters, an issue, the palette, the help sheet and settings. On every screen the page must not
 * scroll sideways and every visible control must have an accessible name; on the list, the issue
 * and the account settings, every stop of the Tab key must be visible and show a focus ring. Each
 * screen is saved as `tour-<width>-<theme>-<nn>-<screen>.png` in test-results/screenshots (looked
 * at, not committed).
 */
import { expect, type Page, test } from '@playwright/test';
import { magicLinkFor, shot, uniqueEmail } from './helpers.ts';

/** What is wrong on the current screen: sideways overflow and visible controls without a name. */
async function audit(page: Page): Promise<{ overflow: number; unnamed: string[] }> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && !el.closest('[aria-hidden="true"],[inert]');
    };
    const nameOf = (el: Element): string => {
      const labelledBy = el.getAttribute('aria-labelledby');
      const fromIds = labelledBy
        ? labelledBy
            .split(/\s+/)
            .map((id) => document.getElementById(id)?.textContent ?? '')
            .join(' ')
        : '';
      const labels = 'labels' in el ? [...((el as HTMLInputElement).labels ?? [])].map((l) => l.textContent ?? '').join(' ') : '';
      const own = el.getAttribute('role') === 'combobox' || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' ? '' : (el.textContent ?? '');
      const alt = [...el.querySelectorAll('img[alt]')].map((i) => i.getAttribute('alt')).join(' ');
      return [el.getAttribute('aria-label'), fromIds, labels, own, alt, el.getAttribute('title')].join(' ').trim();
    };
    const controls = document.querySelectorAll(
      'button, a[href], input:not([type="hidden"]), select, textarea, [role="button"], [role="combobox"], [role="checkbox"], [role="switch"], [role="tab"], [role="menuitem"], [contenteditable="true"]',
    );
    const unnamed: string[] = [];
    for (const el of controls) {
      if (!visible(el) || nameOf(el)) continue;
      unnamed.push(el.outerHTML.replace(/\s+/g, ' ').slice(0, 200));
    }
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, unnamed };
  });
}

/**
 * Presses Tab `stops` times and returns the stops that show no focus indicator (no outline and no
 * box shadow; text fields, which show a caret, are exempt) or are not on screen.
 */
async function focusAudit(page: Page, stops: number): Promise<string[]> {
  const bad: string[] = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const text = el.matches('input:not([type="checkbox"]):not([type="radio"]), textarea, select, [contenteditable="true"]');
      const ring = (s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
      return { ok: (text || ring) && onScreen, what: el.outerHTML.replace(/\s+/g, ' ').slice(0, 160), onScreen };
    });
    if (stop && !stop.ok) bad.push(`${stop.onScreen ? 'no focus ring' : 'off screen'}: ${stop.what}`);
  }
  return bad;
}

const configs = [
  { width: 1280, height: 800, theme: 'light' },
  { width: 1280, height: 800, theme: 'dark' },
  { width: 390, height: 844, theme: 'light' },
  { width: 390, height: 844, theme: 'dark' },
] as const;

for (const { width, height, theme } of configs) {
  test(`a new user's first session at ${width} px, ${theme} theme`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: theme });
    const page = await context.newPage();
    const narrow = width < 640;
    let n = 0;
    /** Checks the screen, then saves it. */
    const look = async (name: string) => {
      await page.evaluate(() => document.fonts.ready);
      const found = await audit(page);
      expect.soft(found.overflow, `${name}: the page scrolls sideways by ${found.overflow} px`).toBeLessThanOrEqual(0);
      expect.soft(found.unnamed, `${name}: controls without an accessible name`).toEqual([]);
      await shot(page, `tour-${width}-${theme}-${String(++n).padStart(2, '0')}-${name}`);
    };

    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Sign in to exponential' })).toBeVisible();
    await expect(page.locator('html')).toHaveClass(theme);
    await look('sign-in');
    const email = uniqueEmail(`tour${width}${theme}`);
    const since = Date.now();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Email').press('Enter');
    await expect(page.getByTestId('check-email')).toBeVisible();
    await look('check-email');
    await page.goto(await magicLinkFor(email, since));
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    await look('confirm');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page.getByRole('heading', { name: 'Create your workspace' })).toBeVisible();
    const slug = `tour-${width}-${theme}-${Date.now().toString(36)}`;
    await page.getByLabel('Workspace name').fill(`Tour ${width} ${theme}`);
    await page.getByLabel('Workspace URL').fill(slug);
    await page.getByLabel('First team').fill('Mobile Apps');
    await look('onboarding');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect(page).toHaveURL(new RegExp(`/${slug}/team/MA/all$`));
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await look('empty-list');

    // Issues by keyboard: C, a title, Ctrl+Enter.
    const titles = ['Crash when the camera permission is denied', 'Dark mode colours in settings are too faint', 'Add pull-to-refresh on the inbox'];
    for (const [i, title] of titles.entries()) {
      await page.keyboard.press('c');
      const modal = page.getByTestId('create-issue');
      await expect(modal.getByLabel('Issue title')).toBeFocused();
      await page.keyboard.type(title);
      if (i === 0) await look('create-modal');
      await page.keyboard.press('Control+Enter');
      await expect(modal).toBeHidden();
      await expect(page.getByTestId('issue-row').filter({ hasText: title })).toBeVisible();
    }
    await page.keyboard.press('j');
    await page.keyboard.press('p');
    await page.keyboard.press('1');
    await expect(page.getByTestId('issue-row').first()).toContainText(/./);
    await look('list');
    expect.soft(await focusAudit(page, 20), 'list: Tab stops').toEqual([]);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+b');
    await expect(page.getByTestId('board')).toBeVisible();
    await look('board');
    await page.keyboard.press('Control+b');
    await expect(page.getByTestId('issue-list')).toBeVisible();

    await page.keyboard.press('f');
    await expect(page.getByTestId('filter-menu')).toBeVisible();
    await look('filter-menu');
    await page.keyboard.press('Escape');
    await page.goto(`${page.url().split('?')[0]}?filter=${encodeURIComponent(JSON.stringify({ and: [{ field: 'priority', op: 'is', value: 'urgent' }] }))}`);
    await expect(page.getByTestId('filter-op')).toBeVisible();
    await expect(page.getByTestId('issue-row')).toHaveCount(1);
    await look('filtered');

    await page.getByTestId('issue-row').first().click();
    await expect(page.getByTestId('issue-identifier')).toBeVisible();
    await look('issue');
    expect.soft(await focusAudit(page, 25), 'issue: Tab stops').toEqual([]);
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog')).toBeVisible();
    await look('palette');
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog')).toBeVisible();
    await look('help');
    await page.keyboard.press('Escape');

    if (narrow) {
      await page.getByRole('button', { name: 'Open menu' }).click();
      await expect(page.locator('nav[aria-label="Sidebar"]')).toBeVisible();
      await look('menu');
      await page.getByRole('button', { name: 'Close menu' }).click();
    }
    for (const section of ['account', 'workspace', 'members', 'teams', 'labels', 'api', 'security']) {
      await page.goto(`/${slug}/settings/${section}`);
      await expect(page.locator('main h1, main h2').first()).toBeVisible();
      await look(`settings-${section}`);
      if (section === 'account') expect.soft(await focusAudit(page, 20), 'settings: Tab stops').toEqual([]);
    }
    await context.close();
  });
}
