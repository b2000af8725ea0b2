/**
 * Breaker: hostile input must never produce a 5xx or a partial write. Each case is a regression
 * test for a 500 found by probing the API (cursors from other lists, year 0000 and other dates
 * PostgreSQL refuses, NUL in path segments, malformed percent-encoding, impossible dates in
 * imported files), and reactions that carry text instead of an emoji.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { insertIssue, newWorkspace, type Ws } from './collab-fixtures.ts';
import { footprint } from './issues-fixtures.ts';
import { dryRun, importFile, upload } from './fixtures/imports/helpers.ts';

let t: TestApp;
let ws: Ws;
beforeAll(async () => {
  t = await createTestApp();
  ws = await newWorkspace(t, 'breaker-input@example.com', 'Breaker', 'ENG');
});
afterAll(async () => t?.close());

describe('cursors from another list', () => {
  it('GET /labels refuses an issue cursor and a comment cursor with 400 invalid_cursor', async () => {
    const o = ws.owner;
    const a = await insertIssue(t, ws, 'one');
    await insertIssue(t, ws, 'two');
    for (const body of ['<p>a</p>', '<p>b</p>']) await api(t.app, 'POST', `/api/v1/issues/${a.id}/comments`, { as: o, body: { body } });
    const issueCursor = (await api(t.app, 'GET', '/api/v1/issues?limit=1', { as: o })).body.nextCursor;
    const commentCursor = (await api(t.app, 'GET', `/api/v1/issues/${a.id}/comments?limit=1`, { as: o })).body.nextCursor;
    expect(issueCursor).toEqual(expect.any(String));
    expect(commentCursor).toEqual(expect.any(String));
    for (const cursor of [issueCursor, commentCursor]) {
      const res = await api(t.app, 'GET', `/api/v1/labels?cursor=${encodeURIComponent(cursor)}`, { as: o });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_cursor', errors: [{ field: '/query/cursor', message: 'The cursor is invalid; start again without it' }] });
    }
  });

  it('GET /labels still pages with its own cursor', async () => {
    const o = ws.owner;
    for (const name of ['Alpha', 'Beta', 'Gamma']) await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name, color: '#123456' } });
    const first = await api(t.app, 'GET', '/api/v1/labels?limit=2', { as: o });
    const second = await api(t.app, 'GET', `/api/v1/labels?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { as: o });
    expect(second.status).toBe(200);
    expect([...first.body.data, ...second.body.data].map((l: { name: string }) => l.name)).toEqual(['Alpha', 'Beta', 'Gamma']);
  });
});

describe('dates PostgreSQL cannot store', () => {
  it('year 0000 is refused in bodies (create, PATCH, bulk) with 422 and nothing is written', async () => {
    const o = ws.owner;
    const a = await insertIssue(t, ws, 'dated');
    const before = await footprint(t, ws.wsId);
    const create = await api(t.app, 'POST', '/api/v1/issues', { as: o, body: { teamId: ws.teamId, title: 'x', dueDate: '0000-01-01' } });
    expect(create.status).toBe(422);
    expect(create.body.errors[0]).toEqual({ field: '/body/dueDate', message: 'dueDate must be a date from 0001-01-01 on' });
    const patch = await api(t.app, 'PATCH', `/api/v1/issues/${a.id}`, { as: o, body: { dueDate: '0000-12-31' } });
    expect(patch.status).toBe(422);
    const bulk = await api(t.app, 'POST', '/api/v1/issues/bulk', { as: o, body: { issueIds: [a.id], update: { dueDate: '0000-02-29' } } });
    expect(bulk.status).toBe(422);
    expect(bulk.body.errors[0].field).toBe('/body/update/dueDate');
    expect(await footprint(t, ws.wsId)).toEqual(before);
  });

  it('year 0000 is refused in list filters with 400; real edge dates work', async () => {
    const o = ws.owner;
    for (const q of ['dueBefore=0000-01-01', 'dueAfter=0000-06-15']) {
      const res = await api(t.app, 'GET', `/api/v1/issues?${q}`, { as: o });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].field).toBe(`/query/${q.split('=')[0]}`);
    }
    for (const d of ['0001-01-01', '9999-12-31', '2028-02-29']) {
      const res = await api(t.app, 'POST', '/api/v1/issues', { as: o, body: { teamId: ws.teamId, title: `due ${d}`, dueDate: d } });
      expect(res.status).toBe(201);
      expect(res.body.dueDate).toBe(d);
    }
    for (const d of ['2026-02-30', '2027-02-29', '+275760-09-13', '2026-1-01']) {
      const res = await api(t.app, 'POST', '/api/v1/issues', { as: o, body: { teamId: ws.teamId, title: 'bad', dueDate: d } });
      expect(res.status).toBe(422);
    }
  });
});

describe('unicode edge cases in titles', () => {
  it('a title of only zero-width, bidi-control, separator or filler characters is refused (create, PATCH)', async () => {
    const o = ws.owner;
    const a = await insertIssue(t, ws, 'visible');
    const before = await footprint(t, ws.wsId);
    for (const title of ['\u200b', '\u202e\u200d', '\u0085', '\u2066\u2069', '\u3164', '\u0301\u0301', '\u00ad\ufe0f']) {
      const res = await api(t.app, 'POST', '/api/v1/issues', { as: o, body: { teamId: ws.teamId, title } });
      expect(res.status, JSON.stringify(title)).toBe(422);
      expect(res.body.errors[0]).toEqual({ field: '/body/title', message: 'title must contain a visible character' });
      const patch = await api(t.app, 'PATCH', `/api/v1/issues/${a.id}`, { as: o, body: { title } });
      expect(patch.status).toBe(422);
    }
    expect(await footprint(t, ws.wsId)).toEqual(before);
  });

  it('emoji ZWJ sequences, combining marks, RTL text and 255 code points are kept as sent', async () => {
    const o = ws.owner;
    for (const title of ['👨‍👩‍👧‍👦 family', 'e\u0301te\u0301', 'مرحبا بالعالم', '\u202eevil\u202c.txt', 'a'.repeat(254) + '👍']) {
      const res = await api(t.app, 'POST', '/api/v1/issues', { as: o, body: { teamId: ws.teamId, title } });
      expect(res.status, title).toBe(201);
      expect(res.body.title).toBe(title);
    }
  });
});

describe('label names', () => {
  it('composed and decomposed spellings are one name; invisible names are refused', async () => {
    const o = ws.owner;
    const first = await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name: 'Caf\u00e9', color: '#000000' } });
    expect(first.status).toBe(201);
    const twin = await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name: 'Cafe\u0301', color: '#000000' } });
    expect(twin.status).toBe(409);
    expect(twin.body.code).toBe('label_name_taken');
    const nfd = await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name: 'Re\u0301sume\u0301', color: '#000000' } });
    expect(nfd.body.name).toBe('R\u00e9sum\u00e9');
    for (const name of ['\u200b', '\u2066\u2069', '\u3164']) {
      const res = await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name, color: '#000000' } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toEqual({ field: '/body/name', message: 'name must contain a visible character' });
      expect((await api(t.app, 'PATCH', `/api/v1/labels/${first.body.id}`, { as: o, body: { name } })).status).toBe(422);
    }
  });
});

describe('reactions', () => {
  it('an emoji is emoji characters or a :shortcode:, not text or markup; one person leaves at most 20 per target', async () => {
    const o = ws.owner;
    const a = await insertIssue(t, ws, 'reacted');
    for (const emoji of ['<img/src=x/onerror=alert(1)>', 'FREE-MONEY.example', '👍x', 'x', ':two words:', '\u202e👍', '©x']) {
      const res = await api(t.app, 'POST', `/api/v1/issues/${a.id}/reactions`, { as: o, body: { emoji } });
      expect(res.status, emoji).toBe(422);
      expect(res.body.errors[0].field).toBe('/body/emoji');
    }
    const good = ['👍', '❤', '❤️', '👨‍👩‍👧‍👦', '👍🏽', '🇫🇷', '1️⃣', ':shipit:'];
    for (const emoji of good) expect((await api(t.app, 'POST', `/api/v1/issues/${a.id}/reactions`, { as: o, body: { emoji } })).status, emoji).toBe(201);
    const more = ['😀', '😃', '😄', '😁', '😆', '😅', '🤣', '😂', '🙂', '🙃', '😉', '😊'];
    for (const emoji of more) expect((await api(t.app, 'POST', `/api/v1/issues/${a.id}/reactions`, { as: o, body: { emoji } })).status).toBe(201);
    const over = await api(t.app, 'POST', `/api/v1/issues/${a.id}/reactions`, { as: o, body: { emoji: '😇' } });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'too_many_reactions', errors: [{ field: '/body/emoji' }] });
    // Re-adding an existing one is still the idempotent 200.
    expect((await api(t.app, 'POST', `/api/v1/issues/${a.id}/reactions`, { as: o, body: { emoji: '👍' } })).status).toBe(200);
  });
});

describe('path segments', () => {
  it('a NUL in a path parameter is a 400 invalid_text, never a 500', async () => {
    const o = ws.owner;
    for (const [method, url] of [['GET', '/api/v1/teams/%00'], ['GET', '/api/v1/teams/ENG%00/states'], ['GET', '/api/v1/teams/ENG%00/members'], ['GET', '/api/v1/issues/ENG-1%00']] as const) {
      const res = await api(t.app, method, url, { as: o });
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_text', errors: [{ message: 'contains a NUL character or a lone surrogate' }] });
    }
    const patch = await api(t.app, 'PATCH', '/api/v1/teams/ENG%00', { as: o, body: { name: 'x' } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].field).toBe('/params/teamId');
  });

  it('malformed percent-encoding and over-long path parameters are problem+json 400s', async () => {
    const bad = await api(t.app, 'GET', '/api/v1/issues/%ED%A0%80', { as: ws.owner });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ status: 400, code: 'bad_url' });
    const long = await api(t.app, 'GET', `/api/v1/issues/${'a'.repeat(300)}`, { as: ws.owner });
    expect(long.status).toBe(414);
    expect(long.headers['content-type']).toContain('application/problem+json');
    expect(long.body.code).toBe('uri_too_long');
  });
});

describe('impossible dates in imported files', () => {
  const json = (due: string) =>
    JSON.stringify({
      format: 'exponential', version: 1, workspace: { id: 'w', name: 'W', urlSlug: 'w' },
      teams: [{ id: 't1', key: 'DJS', name: 'Dates' }], states: [{ id: 's1', teamId: 't1', name: 'Todo', category: 'unstarted' }],
      labels: [], members: [], comments: [], relations: [], history: [],
      issues: [{ id: 'i1', teamId: 't1', number: 1, title: 'dated', stateId: 's1', labelIds: [], dueDate: due }],
    });

  it('our JSON format (strict): the dry run lists the error, the import answers 422 naming the field (not 500) and writes nothing', async () => {
    const before = await footprint(t, ws.wsId);
    for (const d of ['2026-02-30', '0000-01-01', '2026-13-01']) {
      const dry = await upload(t, ws.owner, 'exponential-json', json(d), { dryRun: 'true' });
      expect(dry.status, d).toBe(200);
      expect(dry.body).toMatchObject({ valid: false, problems: [{ severity: 'error', path: 'issues[0].dueDate', message: `"${d}" is not a valid calendar date` }] });
      const res = await upload(t, ws.owner, 'exponential-json', json(d));
      expect(res.status, `${d} ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.code).toBe('import_invalid');
      expect(res.body.errors[0]).toEqual({ field: 'issues[0].dueDate', message: `"${d}" is not a valid calendar date` });
    }
    expect(await footprint(t, ws.wsId)).toEqual(before);
  });

  it('a CSV (lenient): the impossible day is a warning and is dropped, never rolled over into the next month', async () => {
    const dry = await dryRun(t, ws.owner, 'exponential-csv', 'Title,Team key,Due date\nLeap,DCS,2026-02-30\n');
    expect(dry.status).toBe(200);
    expect(dry.body.problems).toEqual([{ severity: 'warning', path: expect.stringContaining('row 2'), message: '"2026-02-30" is not a valid calendar date' }]);
    const job = await importFile(t, ws.owner, 'linear-csv', 'ID,Team,Title,Due Date\nDAT-1,Dates,Leap,2026-02-30\nDAT-2,Dates,Real,2028-02-29\n');
    expect(job.status).toBe('succeeded');
    const res = await api(t.app, 'GET', '/api/v1/issues?teamId=DAT', { as: ws.owner });
    const due = Object.fromEntries(res.body.data.map((i: { title: string; dueDate: string | null }) => [i.title, i.dueDate]));
    expect(due).toEqual({ Leap: null, Real: '2028-02-29' });
  });
});
