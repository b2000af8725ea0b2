/**
 * E2E helpers: sign in through the real magic-link flow (the link is read from the server's
 * outbox folder), create a workspace through the API, and take named screenshots.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** The server's data directory (set by playwright.config.ts). */
export const dataDir = process.env.E2E_DATA_DIR!;

/** Decodes a quoted-printable body (RFC 2045 §6.7): soft line breaks and `=XX` escapes. */
export function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A unique address per call. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/**
 * Waits for the newest sign-in mail to `email` in the outbox and returns its link.
 * @throws when no such mail arrives within 10 s
 */
export async function magicLinkFor(email: string, since: number): Promise<string> {
  const outbox = path.join(dataDir, 'outbox');
  let link: string | null = null;
  await expect
    .poll(
      () => {
        let files: string[] = [];
        try {
          files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
        } catch {
          return null;
        }
        const fresh = files
          .map((f) => path.join(outbox, f))
          .filter((f) => statSync(f).mtimeMs >= since - 1000)
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
        for (const f of fresh) {
          const raw = readFileSync(f, 'utf8');
          if (!new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(raw)) continue;
          const m = /(https?:\/\/\S+\/auth\/verify\?token=[A-Za-z0-9_-]+)/.exec(decodeQuotedPrintable(raw));
          if (m) {
            link = m[1]!;
            return link;
          }
        }
        return null;
      },
      { timeout: 10_000, message: `a sign-in mail to ${email}` },
    )
    .not.toBeNull();
  return link!;
}

/** Signs `email` in through the UI: sign-in form, outbox link, confirmation page. */
export async function signInByMagicLink(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  const since = Date.now();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await expect(page.getByTestId('check-email')).toBeVisible();
  const link = await magicLinkFor(email, since);
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Headers a browser would send with a same-origin write. */
export function sameOrigin(baseURL: string, extra: Record<string, string> = {}): Record<string, string> {
  return { origin: baseURL, 'content-type': 'application/json', ...extra };
}

/** Creates a workspace with one team through the API (the page's cookies authenticate). */
export async function createWorkspaceViaApi(request: APIRequestContext, baseURL: string, name: string, urlSlug: string, teamKey = 'ENG') {
  const res = await request.post('/api/v1/workspaces', {
    headers: sameOrigin(baseURL),
    data: { name, urlSlug, teamName: 'Engineering', teamKey },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { workspace: { id: string; urlSlug: string }; team: { id: string; key: string } };
}

/** Creates an issue through the API. */
export async function createIssueViaApi(request: APIRequestContext, baseURL: string, workspaceId: string, body: Record<string, unknown>) {
  const res = await request.post('/api/v1/issues', {
    headers: sameOrigin(baseURL, { 'x-workspace': workspaceId, 'idempotency-key': crypto.randomUUID() }),
    data: body,
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; identifier: string };
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(import.meta.dirname, '..', 'test-results', 'screenshots', `${name}.png`) });
}
