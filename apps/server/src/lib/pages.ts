/**
 * The few pages the server renders itself (magic-link confirmation, OAuth consent, sign-in
 * errors): one layout, centred under the logo like the web app's sign-in screen, styled by one
 * stylesheet served from `/auth/page.css` so the strict CSP (no inline styles or scripts) holds
 * for them too.
 */
import type { FastifyReply } from 'fastify';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Path of the stylesheet every server-rendered page links. */
export const PAGE_CSS_PATH = '/auth/page.css';

/** The stylesheet (light and dark). */
export const PAGE_CSS = `:root{color-scheme:light dark;--fg:#1f2023;--muted:#6b6f76;--bg:#fff;--line:#e6e6e9;--accent:#5e6ad2}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e9;--muted:#9a9ca3;--bg:#151618;--line:#2c2d30}}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;max-width:30rem;margin:15vh auto;padding:0 1rem;color:var(--fg);background:var(--bg);line-height:1.5;text-align:center}
.logo{display:block;margin:0 auto 1rem}
h1{font-size:1.25rem;margin:0 0 .75rem}p,ul{color:var(--muted)}ul{display:inline-block;text-align:left}strong{color:var(--fg)}
form{display:flex;justify-content:center;gap:.5rem;margin-top:1.25rem}
button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--line);background:transparent;color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
a{color:var(--accent)}`;

/**
 * Sends a complete HTML page.
 * @param body trusted HTML (escape every interpolated value with {@link escapeHtml})
 */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="${PAGE_CSS_PATH}"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head><body><img class="logo" src="/favicon.svg" alt="" width="40" height="40"><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}
