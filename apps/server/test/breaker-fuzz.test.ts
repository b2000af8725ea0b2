/**
 * Breaker: a schema-driven fuzz of every documented operation (Schemathesis' `not_a_server_error`
 * check, done in-process): each path parameter, query parameter and body property gets hostile
 * values of the wrong type, out of range, or of the kinds that once caused 500s here (year 0000,
 * NUL, lone surrogates, bidi controls, identifiers such as `ENG-0`). No response may be a 5xx.
 * Self-ending routes (sign-out, leave, revoke sessions) and the WebSocket are left out.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_URL, createTestApp, type TestApp } from './helpers.ts';
import { insertIssue, newWorkspace, type Ws } from './collab-fixtures.ts';

let t: TestApp;
let ws: Ws;
beforeAll(async () => {
  t = await createTestApp();
  ws = await newWorkspace(t, 'breaker-fuzz@example.com', 'Fuzz', 'ENG');
});
afterAll(async () => t?.close());

/** Values for body properties: wrong JSON types, edges, and strings that broke things before. */
const BODY_VALUES: unknown[] = [null, true, -1, 1.5, 1e308, '', 'x'.repeat(3000), '\u202e\u200b', '0000-01-01', 'ENG-0', '\ud800', 'a\u0000b', [null], { a: 1 }];
/** Values for path and query parameters (text on the wire). */
const TEXT_VALUES = ['-1', '1.5', '99999999999999999999', 'ENG-0', 'ENG--1', '0000-01-01', '%00', '%ED%A0%80', '00000000-0000-0000-0000-000000000000', '..%2F..', 'x'.repeat(250)];
const SKIP = /sync\/ws|members\/leave|sign-out|revoke-others/;

it('no operation answers 5xx to hostile parameters or bodies', async () => {
  const issue = await insertIssue(t, ws, 'fuzzed');
  const doc = t.app.swagger() as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };
  const failures: string[] = [];
  let sent = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (SKIP.test(path)) continue;
    for (const [method, op] of Object.entries(ops)) {
      const real: Record<string, string> = { issueId: issue.id, teamId: ws.teamId };
      // Every path parameter real (an existing issue or team where there is one), except `hostile`.
      const fill = (hostile?: string, value?: string) =>
        path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === hostile ? value! : (real[name] ?? '01a22700-0000-7000-8000-000000000000')));
      const cases: Array<{ url: string; body?: unknown }> = [];
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) for (const v of TEXT_VALUES) cases.push({ url: fill(name, v) });
      for (const q of (op.parameters ?? []).filter((p) => p.in === 'query')) for (const v of TEXT_VALUES) cases.push({ url: `${fill()}?${q.name}=${v}` });
      for (const prop of Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {})) {
        for (const v of BODY_VALUES) cases.push({ url: fill(), body: { [prop]: v } });
      }
      for (const c of cases) {
        sent++;
        const res = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url: c.url,
          headers: { cookie: `exponential_session=${ws.owner.cookie}`, origin: APP_URL, ...(c.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(c.body === undefined ? {} : { payload: JSON.stringify(c.body) }),
        });
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${method.toUpperCase()} ${c.url.slice(0, 120)} ${JSON.stringify(c.body)?.slice(0, 80) ?? ''}`);
      }
    }
  }
  expect(sent).toBeGreaterThan(1500);
  expect(failures).toEqual([]);
}, 300_000);
