/**
 * POST /api/v1/imports and GET /api/v1/imports/:id: auth, policy, dry runs, jobs, and the CSV
 * and JSON edge cases (never a 500, a 400/422 naming the row and column or JSON path, nothing
 * written).
 */
import { Readable } from 'node:stream';
import { count, eq } from 'drizzle-orm';
import { issue, issueHistory, syncOperation, user } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { dryRun, importFile, memberOf, owner, upload } from './fixtures/imports/helpers.ts';
import { CSV_MAX_ROWS } from '../src/modules/imports/imports.csv.ts';
import { readBody } from '../src/modules/imports/imports.routes.ts';
import { IMPORT_MAX_BYTES_CSV, IMPORT_MAX_BYTES_DOCUMENT } from '../src/modules/imports/imports.schemas.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof owner>>;
const issues = async () => Number((await t.database.db.select({ n: count() }).from(issue))[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  admin = await owner(t);
});
afterAll(async () => t?.close());

const LINEAR = 'ID,Team,Title,Description,Status,Priority,Assignee,Labels,Parent issue\nCLA-1,Claw,First,**bold** text,Todo,High,ann@example.com,"Bug, UI",\nCLA-2,Claw,Second,,Done,Low,,,CLA-1\n';

describe('POST /api/v1/imports: access', () => {
  it('401 without credentials', async () => {
    const res = await upload(t, null, 'linear-csv', LINEAR, { dryRun: 'true' });
    expect(res.status).toBe(401);
  });

  it('403 for a member, before the body is read', async () => {
    const m = await memberOf(t, admin.workspace, 'member@example.com');
    const res = await upload(t, m, 'linear-csv', LINEAR, { dryRun: 'true' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only workspace owners and admins can import');
  });

  it('400 without a format, 400 without a body', async () => {
    const a = await upload(t, admin, null, LINEAR, { dryRun: 'true' });
    expect(a.status).toBe(400);
    expect(a.body.code).toBe('format_required');
    const b = await upload(t, admin, 'linear-csv', '', { dryRun: 'true' });
    expect(b.status).toBe(400);
    expect(b.body.code).toBe('file_required');
  });

  it('404 for a team that is not there', async () => {
    const res = await dryRun(t, admin, 'linear-csv', LINEAR, { team: 'NOPE' });
    expect(res.status).toBe(404);
  });
});

describe('dry run and import', () => {
  it('a dry run reports what would be created and writes nothing', async () => {
    const before = await issues();
    const res = await dryRun(t, admin, 'linear-csv', LINEAR);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.counts).toMatchObject({ issues: 2, teams: 1, placeholders: 1, labels: 2 });
    expect(await issues()).toBe(before);
  });

  it('an import is a 202 job that ends succeeded, with one coalesced sync op and history rows', async () => {
    const job = await importFile(t, admin, 'linear-csv', LINEAR);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toBe(100);
    expect(job.counts).toMatchObject({ issues: 2, teams: 1 });
    const rows = await t.database.db.select().from(issue).where(eq(issue.externalSource, 'linear-csv'));
    expect(rows.map((r) => [r.externalKey, r.number, r.title]).sort()).toEqual([['CLA-1', 1, 'First'], ['CLA-2', 2, 'Second']]);
    const child = rows.find((r) => r.externalKey === 'CLA-2')!;
    expect(child.parentId).toBe(rows.find((r) => r.externalKey === 'CLA-1')!.id);
    expect(child.completedAt).not.toBeNull();
    expect(rows.find((r) => r.externalKey === 'CLA-1')!.description).toBe('<p><strong>bold</strong> text</p>');
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.entityId, job.id));
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ entity: 'import', action: 'insert' });
    const hist = await t.database.db.select().from(issueHistory).where(eq(issueHistory.issueId, child.id));
    expect(hist[0]).toMatchObject({ kind: 'created', changes: { source: 'import', importId: job.id, externalKey: 'CLA-2' } });
    const [ann] = await t.database.db.select().from(user).where(eq(user.id, rows.find((r) => r.externalKey === 'CLA-1')!.assigneeId!));
    expect(ann!.isPlaceholder).toBe(true);
    expect(ann!.email).toMatch(/^imported\+[0-9a-f]{20}@placeholder\.invalid$/);
  });

  it('GET of another workspace\'s job is a 404', async () => {
    const other = await owner(t, 'other@example.com', 'Other', 'OTH');
    const job = await importFile(t, admin, 'linear-csv', LINEAR.replace(/CLA/g, 'CLB'));
    const res = await api(t.app, 'GET', `/api/v1/imports/${job.id}`, { as: other });
    expect(res.status).toBe(404);
  });
});

describe('CSV edge cases: never a 500, the row and column named, nothing written', () => {
  const refused = async (format: string, body: string | Buffer, status: number, field: RegExp, message: RegExp) => {
    const before = await issues();
    for (const dry of ['true', 'false']) {
      const res = await upload(t, admin, format, body, { dryRun: dry });
      if (dry === 'true' && res.status === 200) {
        expect(res.body.valid).toBe(false);
        expect(res.body.problems.some((p: { path: string; message: string }) => field.test(p.path) && message.test(p.message)), JSON.stringify(res.body.problems)).toBe(true);
        continue;
      }
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.errors.some((e: { field: string; message: string }) => field.test(e.field) && message.test(e.message)), JSON.stringify(res.body.errors)).toBe(true);
    }
    expect(await issues()).toBe(before);
  };

  it('an unterminated quote', () => refused('exponential-csv', 'title\n"unterminated\n', 400, /^row 2, column 1 \("title"\)$/, /never closed/));
  it('a bare CR inside an unquoted field', () => refused('exponential-csv', 'Title,Priority\nab\rcd,low\n', 400, /^row 2, column 1 \("Title"\)$/, /carriage return/));
  it('a Latin-1 byte 0xE9', () => refused('exponential-csv', Buffer.concat([Buffer.from('Title\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]), 400, /^row 2, column 1 \("Title"\)$/, /not valid UTF-8 \(byte 0xE9/));
  it('a header only', () => refused('linear-csv', 'ID,Title\n', 422, /^row 2$/, /header but no rows/));
  it('duplicate column names', () => refused('linear-csv', 'ID,Title,Title\nCLZ-1,a,b\n', 422, /^row 1, column 3 \("Title"\)$/, /appears 2 times/));
  it('a Jira single-value column twice', () => refused('jira-csv', 'Summary,Issue key,Summary\na,ABC-1,b\n', 422, /^row 1, column 3 \("Summary"\)$/, /single-value column/));
  it('a 1 MB field', () => refused('exponential-csv', `Title,Description\nbig,"${'x'.repeat(1024 * 1024)}"\n`, 422, /^row 2, column 2 \("Description"\)$/, /1,048,576 characters long; the limit is 100,000/));
  it('OK"quote inside an unquoted field', () => refused('exponential-csv', 'Title\nOK"quote\n', 400, /^row 2, column 1 \("Title"\)$/, /double quote inside an unquoted field/));
  it('one row over the row limit', () => refused('exponential-csv', `Title\n${'x\n'.repeat(CSV_MAX_ROWS + 1)}`, 422, new RegExp(`^row ${CSV_MAX_ROWS + 2}$`), /more than 200,000 rows/));

  it('a UTF-8 BOM with CRLF line ends simply works', async () => {
    const res = await dryRun(t, admin, 'exponential-csv', '\ufeffIdentifier,Title,Team key\r\nBOM-1,Caf\u00e9 \u2615,BOM\r\nBOM-2,"two\r\nlines",BOM\r\n');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.counts.issues).toBe(2);
  });

  it('a Windows-1252 file works when declared', async () => {
    const res = await dryRun(t, admin, 'exponential-csv', Buffer.concat([Buffer.from('Title\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]), { encoding: 'windows-1252' });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
  });
});

describe('JSON edge cases (our export format): validated before any write, each bad path listed', () => {
  const doc = (over: (d: any) => void = () => {}) => {
    const d: any = {
      format: 'exponential', version: 1,
      workspace: { id: 'w', name: 'W', urlSlug: 'w' },
      teams: [{ id: 't1', key: 'JSN', name: 'Json' }],
      states: [{ id: 's1', teamId: 't1', name: 'Todo', category: 'unstarted' }],
      labels: [{ id: 'l1', name: 'bug', color: '#ff0000', isGroup: false, teamId: null, parentId: null }],
      members: [{ id: 'u1', name: 'Zed', email: 'zed@elsewhere.example' }],
      issues: [
        { id: 'i1', teamId: 't1', number: 1, title: 'one', stateId: 's1', priority: 'high', labelIds: ['l1'], assigneeId: 'u1' },
        { id: 'i2', teamId: 't1', number: 2, title: 'two', stateId: 's1', parentId: 'i1', labelIds: [] },
        { id: 'i3', teamId: 't1', number: 3, title: 'three', stateId: 's1', labelIds: [], comments: [{ body: '<p>hi</p>', userId: 'u1' }] },
        { id: 'i4', teamId: 't1', number: 4, title: 'four', stateId: 's1', labelIds: [], comments: [{ body: '<p>ok</p>' }] },
      ],
      comments: [], relations: [{ issueId: 'i1', relatedIssueId: 'i2', type: 'blocks' }], history: [],
    };
    over(d);
    return JSON.stringify(d);
  };
  const refused = async (body: string | Buffer, status: number, expected: Array<[string, RegExp]>) => {
    const before = await issues();
    const res = await upload(t, admin, 'exponential-json', body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    for (const [field, message] of expected) {
      expect(res.body.errors?.some((e: { field: string; message: string }) => e.field === field && message.test(e.message)), `${field} in ${JSON.stringify(res.body.errors)}`).toBe(true);
    }
    expect(await issues()).toBe(before);
  };

  it('a valid document imports; an unknown assignee e-mail becomes a placeholder', async () => {
    const job = await importFile(t, admin, 'exponential-json', doc());
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.counts).toMatchObject({ issues: 4, comments: 2, relations: 1, placeholders: 1 });
    const [one] = await t.database.db.select().from(issue).where(eq(issue.title, 'one'));
    const [zed] = await t.database.db.select().from(user).where(eq(user.id, one!.assigneeId!));
    expect(zed).toMatchObject({ name: 'Zed', isPlaceholder: true });
    const [two] = await t.database.db.select().from(issue).where(eq(issue.title, 'two'));
    expect(two!.parentId).toBe(one!.id);
  });

  it('a comment with an empty body', () => refused(doc((d) => { d.issues[3].comments[0].body = '  '; }), 422, [['issues[3].comments[0].body', /^must not be empty$/]]));
  it('a 300-character label name', () => refused(doc((d) => { d.labels[0].name = 'L'.repeat(300); }), 422, [['labels[0].name', /must be at most 80 characters/]]));
  it('a parent id missing from the file', () => refused(doc((d) => { d.issues[1].parentId = 'nope'; }), 422, [['issues[1].parentId', /no issue with id nope in the file/]]));
  it('a duplicated issue number', () => refused(doc((d) => { d.issues[2].number = 1; }), 422, [['issues[2].number', /number 1 repeats issues\[0\]/]]));
  it('null where a list is expected', () => refused(doc((d) => { d.issues[0].labelIds = null; d.relations = null; }), 422, [['issues[0].labelIds', /must be a list, not null/], ['relations', /must be a list, not null/]]));
  it('every bad path is listed at once', () => refused(doc((d) => { d.issues[0].title = ''; d.issues[1].stateId = 'x'; d.labels[0].name = 'L'.repeat(81); }), 422, [
    ['issues[0].title', /must not be empty/], ['issues[1].stateId', /no workflow state with id x/], ['labels[0].name', /at most 80/],
  ]));
  it('10,000-deep nesting is a 400', () => refused(`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 400, [['character 256', /nested more than 256 levels/]]));
  it('a 60 MB file is a 413', async () => {
    const res = await upload(t, admin, 'exponential-json', Buffer.alloc(60 * 1024 * 1024, 32));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });
  it('malformed JSON is a 400', () => refused('{"format": "exponential", ', 400, [['$', /JSON|Unexpected|end/i]]));

  it('skip mode imports what is valid and reports the rest', async () => {
    const job = await importFile(t, admin, 'exponential-json', doc((d) => {
      d.teams[0].key = 'SKP'; d.issues[0].title = ''; d.issues[3].comments[0].body = '';
    }), { mode: 'skip' });
    expect(job.status).toBe('succeeded');
    expect(job.counts.issues).toBe(3);
    expect(job.problems.some((p: { path: string }) => p.path === 'issues[0].title')).toBe(true);
  });
});

describe('upload limits: 128 MiB for CSV, 32 MiB for JSON and XML (docs/IMPORT.md)', () => {
  it('a JSON file over 32 MiB (under the CSV limit) is a 413 naming its limit, as problem+json', async () => {
    const res = await upload(t, admin, 'github-json', Buffer.alloc(IMPORT_MAX_BYTES_DOCUMENT + 1024, 32));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(res.body.detail).toMatch(/github-json upload takes at most 32 MiB/);
    expect(res.body.errors[0].field).toBe('/body');
  });

  it('a CSV file over 128 MiB is a 413', async () => {
    const res = await upload(t, admin, 'jira-csv', Buffer.alloc(IMPORT_MAX_BYTES_CSV + 1024, 120));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
    expect(res.body.detail).toMatch(/at most 128 MiB/);
  });

  const headers = () => ({ cookie: `exponential_session=${admin.cookie}`, origin: 'http://localhost:7015', ...(admin.workspace ? { 'x-workspace': admin.workspace } : {}) });

  it('a body sent without Content-Length (chunked) is read whole', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/imports?format=linear-csv&dryRun=true', headers: { ...headers(), 'content-type': 'text/csv' },
      payload: Readable.from((function* () {
        yield Buffer.from('ID,Team,Title\n');
        for (let n = 1; n <= 3000; n++) yield Buffer.from(`CHK-${n},Chunked,Row ${n}\n`);
      })()),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().counts.issues).toBe(3000);
  });

  it('a multipart form with a "file" part is read', async () => {
    const boundary = '----exp-test-boundary';
    const body = Buffer.from([
      `--${boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\nlinear-csv\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="dryRun"\r\n\r\ntrue\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="linear.csv"\r\nContent-Type: text/csv\r\n\r\n${LINEAR}\r\n`,
      `--${boundary}--\r\n`,
    ].join(''));
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...headers(), 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().counts.issues).toBe(2);
  });

  it('the body reader refuses more bytes than its limit, with or without Content-Length, and frees the bytes on release', async () => {
    const req = (length?: number) => ({ headers: length === undefined ? {} : { 'content-length': String(length) } }) as never;
    const chunks = async function* () {
      for (let n = 0; n < 20; n++) yield Buffer.alloc(100, 65);
    };
    await expect(readBody(req(2000), chunks(), 1000)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
    await expect(readBody(req(), chunks(), 1000)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
    const upload = await readBody(req(), chunks(), 5000);
    expect(upload.bytes.byteLength).toBe(2000);
    expect(upload.bytes.every((b) => b === 65)).toBe(true);
    upload.release();
    expect(upload.bytes.byteLength).toBe(0);
  });

  it('a 40 MB CSV (over the old 32 MiB limit) is read', async () => {
    const rows = Array.from({ length: 420 }, (_, n) => `BIG-${n + 1},Big,Row ${n + 1},${'x'.repeat(95_000)}\n`);
    const body = Buffer.from(`ID,Team,Title,Description\n${rows.join('')}`);
    expect(body.byteLength).toBeGreaterThan(IMPORT_MAX_BYTES_DOCUMENT);
    const res = await dryRun(t, admin, 'linear-csv', body);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.counts.issues).toBe(420);
  }, 120_000); // builds, uploads and parses 40 MB: ~8 s quiet, over 30 s at load 16-21
});

describe('all or nothing', () => {
  it('3,000 rows with an invalid one in the middle: 422 naming it, and nothing written', async () => {
    const before = await issues();
    const rows = Array.from({ length: 3000 }, (_, n) => `AON-${n + 1},AllOrNothing,${n === 1499 ? '' : `Row ${n + 1}`},Todo\n`);
    const res = await upload(t, admin, 'linear-csv', `ID,Team,Title,Status\n${rows.join('')}`);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'row 1501, title', message: 'must not be empty' }]);
    expect(await issues()).toBe(before);
  });

  it('3,000 valid rows all land (several bulk batches), numbered as in the file', async () => {
    const rows = Array.from({ length: 3000 }, (_, n) => `MNY-${n + 1},Many,Row ${n + 1},Todo\n`);
    const job = await importFile(t, admin, 'linear-csv', `ID,Team,Title,Status\n${rows.join('')}`);
    expect(job.status, JSON.stringify(job).slice(0, 500)).toBe('succeeded');
    expect(job.counts.issues).toBe(3000);
    const got = await t.database.db.select({ number: issue.number, title: issue.title }).from(issue).where(eq(issue.teamId, job.teamIds[0]));
    expect(got.length).toBe(3000);
    expect(new Set(got.map((r) => r.number)).size).toBe(3000);
    expect(got.find((r) => r.number === 2345)?.title).toBe('Row 2345');
  });
});

describe('rate limit', () => {
  it('imports have their own per-user limit (429 past it)', async () => {
    const t2 = await createTestApp({ EXPONENTIAL_RATE_LIMIT_PER_MINUTE: '100' });
    try {
      const a = await owner(t2, 'rl@example.com', 'RL', 'RLT');
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await dryRun(t2, a, 'linear-csv', LINEAR)).status);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes[5]).toBe(429);
    } finally {
      await t2.close();
    }
  });
});


