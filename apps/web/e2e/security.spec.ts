/**
 * Security as a person's browser sees it:
 * - XSS payloads stored in an issue description and a comment render with no script-capable
 *   element, attribute or URL, and no dialog ever opens;
 * - a page on another site (http://127.0.0.2:8081) that fires an image request at sign-out,
 *   auto-submits a text/plain form to an issue mutation and calls fetch(…, {credentials:
 *   'include', mode: 'no-cors'}) changes nothing: the session survives and no issue appears.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createIssueViaApi, createWorkspaceViaApi, sameOrigin, signInByMagicLink, uniqueEmail } from './helpers.ts';

const PAYLOADS = [
  '[a](javascript:alert(document.domain))',
  '[b](JaVaScRiPt:alert(1))',
  '[c](java&#x09;script:alert(1))',
  '<img src=x onerror=alert(1)>',
  '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
  '[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="javascript:alert(1)">e</a>',
  '<a href="JaVaScRiPt:alert(1)">f</a>',
  '<a href="java&#x09;script:alert(1)">g</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">h</a>',
  '<p onclick="alert(1)">i</p><script>alert(1)</script><iframe src="javascript:alert(1)"></iframe>',
];

test('stored XSS payloads render inert in the issue page', async ({ page, baseURL }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await signInByMagicLink(page, uniqueEmail('xss'));
  const ws = await createWorkspaceViaApi(page.request, baseURL!, 'XSS Co', `xss-${Date.now().toString(36)}`, 'XSS');
  const html = PAYLOADS.map((p) => `<p>${p}</p>`).join('') + PAYLOADS.join('');
  const issue = await createIssueViaApi(page.request, baseURL!, ws.workspace.id, { teamId: ws.team.id, title: 'Payloads', description: html });
  const c = await page.request.post(`/api/v1/issues/${issue.id}/comments`, {
    headers: sameOrigin(baseURL!, { 'x-workspace': ws.workspace.id }),
    data: { body: html },
  });
  expect(c.status(), await c.text()).toBe(201);

  await page.goto(`/${ws.workspace.urlSlug}/issue/${issue.identifier}`);
  await expect(page.getByText('Payloads').first()).toBeVisible();
  // The payloads did render (as inert text and elements), in the description and in the comment.
  // The description is checked once the editor (ProseMirror) has taken over from the static render.
  await expect(page.getByTestId('description-editor')).toBeVisible();
  for (const p of ['[a](javascript:alert(document.domain))', '[d](data:text/html;base64,']) {
    await expect(page.getByTestId('issue-description')).toContainText(p);
    await expect(page.getByTestId('comment-body')).toContainText(p);
  }
  await page.waitForTimeout(1000);
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed'].includes(tag) && el.closest('.prose-issue, .ProseMirror')) bad.push(`<${tag}>`);
      if (tag === 'svg' && el.closest('.prose-issue, .ProseMirror')) bad.push('<svg> in rich text');
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`${tag}[${a.name}]`);
        if (/^(href|src|xlink:href|action|formaction)$/i.test(a.name) && /^\s*(javascript|data:text|vbscript)/i.test(a.value)) bad.push(`${tag}[${a.name}=${a.value}]`);
      }
    }
    const links = Array.from(document.querySelectorAll('.prose-issue a:not([data-issue-ref])')).map((a) => a.getAttribute('rel') ?? '');
    return { bad, links };
  });
  expect(found.bad).toEqual([]);
  for (const rel of found.links) expect(rel).toContain('noopener');
  expect(dialogs).toEqual([]);
});

test('a page on another site cannot sign you out or write as you', async ({ page, baseURL, browser }) => {
  await signInByMagicLink(page, uniqueEmail('csrf'));
  const ws = await createWorkspaceViaApi(page.request, baseURL!, 'CSRF Co', `csrf-${Date.now().toString(36)}`, 'CSR');
  const target = baseURL!;
  const evilHtml = `<!doctype html><html><body>
<img src="${target}/api/v1/auth/sign-out">
<form id="f" method="POST" action="${target}/api/v1/issues" enctype="text/plain">
<input name='{"teamId":"${ws.team.id}","title":"csrf-form","x":"' value='"}'>
</form>
<script>
fetch(${JSON.stringify(`${target}/api/v1/issues`)}, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ teamId: ${JSON.stringify(ws.team.id)}, title: 'csrf-fetch' }) });
fetch(${JSON.stringify(`${target}/api/v1/auth/sign-out`)}, { method: 'POST', credentials: 'include', mode: 'no-cors' });
setTimeout(() => document.getElementById('f').submit(), 300);
</script></body></html>`;
  const evil = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(evilHtml);
  });
  await new Promise<void>((resolve) => {
    evil.once('error', () => evil.listen(0, '127.0.0.2', resolve));
    evil.listen(8081, '127.0.0.2', resolve);
  });
  const evilUrl = `http://127.0.0.2:${(evil.address() as AddressInfo).port}/`;
  try {
    const tab = await page.context().newPage();
    await tab.goto(evilUrl);
    await tab.waitForTimeout(2500);
    await tab.close();
  } finally {
    await new Promise((r) => evil.close(r));
  }
  const me = await page.request.get('/api/v1/me');
  expect(me.status()).toBe(200);
  const list = await page.request.get(`/api/v1/issues?teamId=${ws.team.id}`, { headers: { 'x-workspace': ws.workspace.id } });
  expect(list.status()).toBe(200);
  const titles = ((await list.json()) as { data: Array<{ title: string }> }).data.map((i) => i.title);
  expect(titles.filter((t) => t.startsWith('csrf'))).toEqual([]);
  void browser;
});
