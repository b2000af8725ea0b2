/**
 * The import writer's building blocks at scale, without a slow end-to-end import: the helpers that
 * replaced a `Math.max(...)` spread (a RangeError past about 120,000 arguments) and a quadratic
 * grouping, the bulk writer's value encodings (checked against the database of each engine),
 * that a statement failing in a late batch rolls the whole import back, and that a CSV import
 * keeps only a small key per issue between validation and the write, whose batches hold at most
 * the batch size of issues (memory stays bounded without timing or RSS assertions).
 */
import { count, eq, sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { issue } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.ts';
import { owner } from './fixtures/imports/helpers.ts';
import { arrayLiteral, BulkWriter, canCopy, COPY_BATCH, copyRows, copyValue } from '../src/modules/imports/imports.bulk.ts';
import { CONVERT_IN_WORKER_MIN, convertInWorker, converterStats, stopConverter } from '../src/modules/imports/imports.convert.ts';
import { descriptionHtml } from '../src/modules/imports/imports.text.ts';
import { parseUpload } from '../src/modules/imports/imports.parse.ts';
import { Slicer } from '../src/modules/imports/imports.slicer.ts';
import { groupBy, idMaker, maxOf, writeImport } from '../src/modules/imports/imports.writer.ts';
import { runMutation } from '../src/sync/mutation.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof owner>>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await owner(t);
});
afterAll(async () => {
  await stopConverter();
  await t?.close();
});

describe('writer helpers over more than 120,000 rows', () => {
  const n = 150_000;
  const numbers = Array.from({ length: n }, (_, i) => (i * 7919) % n);

  it('Math.max over that many arguments throws, which is why maxOf exists', () => {
    expect(() => Math.max(...Array.from({ length: 1_000_000 }, (_, i) => i))).toThrow(RangeError);
  });

  it('maxOf finds the largest of 150,000 numbers and respects the floor', () => {
    expect(maxOf(numbers, 0)).toBe(n - 1);
    expect(maxOf(numbers, n + 5)).toBe(n + 5);
    expect(maxOf([], 3)).toBe(3);
  });

  it('groupBy groups 150,000 items in order', () => {
    const items = numbers.map((v, i) => ({ team: `t${i % 3}`, v, i }));
    const groups = groupBy(items, (x) => x.team);
    expect([...groups.keys()]).toEqual(['t0', 't1', 't2']);
    expect(groups.get('t1')!.length).toBe(n / 3);
    const idx = groups.get('t2')!.map((x) => x.i);
    expect(idx.every((v, k) => k === 0 || v > idx[k - 1]!)).toBe(true);
  });
});

describe('row ids of an import', () => {
  it('are distinct UUIDv7 that sort in the order they were made', () => {
    const next = idMaker();
    const ids = Array.from({ length: 10_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('bulk value encodings', () => {
  it('COPY text format escapes backslash, newline, CR and tab; null is \\N', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678Z');
    expect(copyValue(true)).toBe('t');
    expect(copyValue(2.5)).toBe('2.5');
  });

  it('array literals quote every element; the database reads them back exactly', async () => {
    const values = ['plain', '', 'with "quotes"', 'back\\slash', 'comma, {brace}', 'NULL', 'line\nbreak', null, 'ünïcødé ✓'];
    const lit = arrayLiteral(values);
    // Read back through unnest, as the writer uses them (scalar values, no client-side array parsing).
    const res = await t.database.db.execute(sql`select x from unnest(${lit}::text::text[]) with ordinality as u(x, i) order by i`);
    const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Array<{ x: unknown }>;
    expect(rows.map((r) => r.x)).toEqual(values);
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['only'])).toBe('{"only"}');
    expect(arrayLiteral([null])).toBe('{NULL}');
  });
});

const probe = pgTable('import_bulk_probe', {
  n: integer('n').notNull(),
  body: text('body'),
  data: jsonb('data'),
  at: timestamp('at', { withTimezone: true, mode: 'date' }),
});

describe('copyRows on this engine', () => {
  it('writes rows with awkward text, JSON and dates exactly, over several batches', async () => {
    const rows = Array.from({ length: 4500 }, (_, n) => ({
      n,
      body: n % 3 === 0 ? null : `row ${n}\t"tab"\\ \n ${n % 7 === 0 ? '{a,b}' : 'é'}`,
      data: { n, nested: { s: 'x"y\\z' }, list: [1, null] },
      at: new Date(Date.UTC(2026, 0, 1) + n * 1000),
    }));
    const got = await t.database.db.transaction(async (tx) => {
      expect(canCopy(tx)).toBe(true);
      await tx.execute(sql`create temporary table import_bulk_probe (n integer not null, body text, data jsonb, at timestamptz) on commit drop`);
      await copyRows(tx, probe, rows, new Slicer());
      return tx.select().from(probe).orderBy(probe.n);
    });
    expect(got).toEqual(rows);
  });
});

describe('pipelined bulk statements', () => {
  it('a statement failing behind others throws its own error, not "transaction aborted"', async () => {
    // Three statements on PostgreSQL (sent without waiting for each other); the second one holds
    // a NULL where the column allows none.
    const rows = Array.from({ length: COPY_BATCH * 3 }, (_, n) => ({ n: n === COPY_BATCH + 10 ? null : n, body: `row ${n}`, data: null, at: null }));
    let err: (Error & { cause?: Error }) | null = null;
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table import_bulk_probe (n integer not null, body text, data jsonb, at timestamptz) on commit drop`);
      const w = new BulkWriter(tx, new Slicer());
      try {
        await w.rows(probe, rows);
        await w.drain();
      } catch (e) {
        err = e as Error & { cause?: Error };
        throw e;
      }
    }).catch(() => {});
    expect(err).toBeInstanceOf(Error);
    const text = `${err?.message} ${err?.cause?.message ?? ''}`;
    expect(text).toMatch(/null value in column "n"/);
    expect(text).not.toMatch(/current transaction is aborted/);
  });
});

describe('the conversion worker', () => {
  const items = Array.from({ length: CONVERT_IN_WORKER_MIN + 20 }, (_, n) => ({
    text: n % 3 === 0 ? { format: 'jira' as const, text: `*bold ${n}* [~accountid:u${n % 4}] {color:red}red{color} <script>x()</script>` }
      : n % 3 === 1 ? { format: 'markdown' as const, text: `# Title ${n}\n\n<img src=x onerror=alert(1)> [link](javascript:alert(1))` }
        : n % 10 === 2 ? null : { format: 'html' as const, text: `<p onclick="x()">para ${n}</p>` },
    suffix: n % 5 === 0 ? `<h3>Attachments</h3><ul><li>file ${n}</li></ul>` : null,
  }));
  const names = new Map([['u0', 'Ann'], ['u1', 'Bo']]);

  it('gives the HTML the calling thread gives, for every item, in order', async () => {
    const before = converterStats().inWorker;
    const html = await convertInWorker(items, names);
    expect(converterStats().unavailable).toBeNull();
    expect(converterStats().inWorker).toBe(before + 1);
    expect(html).toEqual(items.map((i) => descriptionHtml(i.text, i.suffix, names)));
    expect(html![0]).toContain('@Ann');
    expect(html!.join('')).not.toMatch(/<script|<img[^>]*onerror|onclick=|href="javascript:/);
  });

  it('leaves a small batch to the calling thread', async () => {
    expect(await convertInWorker(items.slice(0, CONVERT_IN_WORKER_MIN - 1), names)).toBeNull();
  });

  it('answers null (the caller converts) when the worker stops meanwhile, and starts again after', async () => {
    const pending = convertInWorker(items, names);
    await stopConverter();
    expect(await pending).toBeNull();
    expect(await convertInWorker(items, names)).toEqual(items.map((i) => descriptionHtml(i.text, i.suffix, names)));
  });
});

describe('an import that fails while writing', () => {
  it('a statement failing in a late batch rolls every row back', async () => {
    const csv = `ID,Team,Title,Status\n${Array.from({ length: 3000 }, (_, n) => `RBK-${n + 1},Rollback,Row ${n + 1},Todo\n`).join('')}`;
    const { doc, validation } = await parseUpload(new Uint8Array(Buffer.from(csv)), { format: 'linear-csv', mode: 'all', batchRows: 1000 });
    expect(validation.errors).toEqual([]);
    // Past validation, only the database can refuse this row: text columns cannot hold NUL. It is
    // in the third batch, after two batches were written.
    const poisoned = {
      ...doc,
      async *batches() {
        for await (const b of doc.batches()) {
          for (const i of b.issues) if (i.ref === 'RBK-2601') i.title = 'bad\u0000title';
          yield b;
        }
      },
    };
    const before = Number((await t.database.db.select({ n: count() }).from(issue))[0]!.n);
    const sizes: number[] = [];
    await expect(runMutation(t, admin.workspace, admin.userId, (ctx) => writeImport(ctx, poisoned, { importId: crypto.randomUUID(), onBatch: (b) => sizes.push(b.issues) }))).rejects.toThrow();
    expect(sizes).toEqual([1000, 1000, 1000]);
    expect(Number((await t.database.db.select({ n: count() }).from(issue))[0]!.n)).toBe(before);
    expect(await t.database.db.select().from(issue).where(eq(issue.title, 'Row 1'))).toEqual([]);
  });
});

describe('a CSV import streams', () => {
  // 2,300 rows; row n's parent is row n + 1000 (a later batch), the last 300 have none.
  const rows = 2300;
  const csv = `ID,Team,Title,Status,Description,Parent issue\n${Array.from({ length: rows }, (_, n) =>
    `STR-${n + 1},Stream,Row ${n + 1},Todo,**bold** ${n + 1},${n + 1001 <= rows ? `STR-${n + 1001}` : ''}\n`).join('')}`;

  it('keeps one small key per issue, and the writer takes at most one batch of rows at a time', async () => {
    const converted = converterStats().inWorker;
    const { doc, validation } = await parseUpload(new Uint8Array(Buffer.from(csv)), { format: 'linear-csv', mode: 'all', batchRows: 500 });
    expect(validation.errors).toEqual([]);
    // Nothing of the issues' text is held outside the batches.
    expect(doc.keys).toHaveLength(rows);
    expect(doc.doc.issues).toEqual([]);
    for (const k of doc.keys) expect(Object.keys(k).sort()).toEqual(['createdAt', 'number', 'parentRef', 'path', 'rank', 'ref', 'sortOrder', 'state', 'teamRef']);
    // The descriptions of each batch were converted in the worker while the file was parsed.
    expect(converterStats().inWorker - converted).toBe(5);
    const sizes: number[] = [];
    const { value } = await runMutation(t, admin.workspace, admin.userId, (ctx) => writeImport(ctx, doc, { importId: crypto.randomUUID(), onBatch: (b) => sizes.push(b.issues) }));
    expect(sizes).toEqual([500, 500, 500, 500, 300]);
    expect(value.counts.issues).toBe(rows);
    expect(converterStats().inWorker - converted).toBe(5);
    // Children written before their parents got their parent afterwards; descriptions converted.
    const got = await t.database.db.select({ id: issue.id, number: issue.number, parentId: issue.parentId, description: issue.description })
      .from(issue).where(eq(issue.teamId, value.teamIds[0]!));
    const byNumber = new Map(got.map((r) => [r.number, r]));
    expect(got).toHaveLength(rows);
    for (let n = 1; n <= rows; n++) {
      const r = byNumber.get(n)!;
      expect(r.parentId).toBe(n + 1000 <= rows ? byNumber.get(n + 1000)!.id : null);
      expect(r.description).toBe(`<p><strong>bold</strong> ${n}</p>`);
    }
  });

  it('skip mode drops a faulty row from its batch and the rest is written', async () => {
    const bad = csv.replace('\nSTR-777,Stream,Row 777,', '\nSTR-777,Stream,,');
    const { doc, validation } = await parseUpload(new Uint8Array(Buffer.from(bad)), { format: 'linear-csv', mode: 'skip', batchRows: 500 });
    expect(validation.errors).toEqual([]);
    expect(validation.skipped).toBe(1);
    const sizes: number[] = [];
    const { value } = await runMutation(t, admin.workspace, admin.userId, (ctx) => writeImport(ctx, doc, { importId: crypto.randomUUID(), onBatch: (b) => sizes.push(b.issues) }));
    expect(sizes).toEqual([500, 499, 500, 500, 300]);
    expect(value.counts.issues).toBe(rows - 1);
  });
});
