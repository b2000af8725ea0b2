/**
 * The serializer's copy of response schemas: nullable and literal unions become type lists, and
 * a page of issues serializes to the same JSON either way.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { Page } from '../src/lib/schemas.ts';
import { serializerSchema } from '../src/lib/serializer-schemas.ts';
import { IssueListItemSchema } from '../src/modules/issues/issues.schemas.ts';

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('serializerSchema', () => {
  it('turns reducible unions into type lists and leaves the rest', () => {
    const input = {
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'string', format: 'uuid', maxLength: 36 }, { type: 'null' }] },
        b: { anyOf: [{ type: 'string', const: 'x' }, { type: 'string', const: 'y' }], description: 'kept' },
        c: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        d: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }] },
        e: { anyOf: [{ $ref: 'Issue' }, { type: 'null' }] },
        f: { anyOf: [{ type: 'object', properties: {} }, { type: 'null' }] },
        g: { anyOf: [{ type: 'number' }, { type: 'null' }] },
        h: { type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
      },
    };
    const before = json(input);
    const out = serializerSchema(input) as typeof input & { properties: Record<string, unknown> };
    expect(input).toEqual(before);
    expect(out.properties).toEqual({
      a: { type: ['string', 'null'], format: 'uuid' },
      b: { type: 'string', description: 'kept' },
      c: before.properties.c,
      d: before.properties.d,
      e: before.properties.e,
      f: before.properties.f,
      g: { type: ['number', 'null'] },
      h: { type: 'array', items: { type: ['integer', 'null'] } },
    });
  });

  it('serializes a page of issues to the same JSON as the declared schema', () => {
    const schema = json(Page(Type.Ref('IssueListItem')));
    const external = { IssueListItem: json(IssueListItemSchema) };
    // Compiled as Fastify compiles response serializers (app.ts).
    const compile = (s: unknown, ext: unknown) =>
      SerializerSelector()(ext as never, {} as never)({ schema: s as never, method: 'GET', url: '/x', httpStatus: '200' } as never) as (v: unknown) => string;
    const declared = compile(schema, external);
    const rewritten = compile(serializerSchema(schema), serializerSchema(external));
    const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
    const item = (n: number, full: boolean) => ({
      id: id(n),
      identifier: `ENG-${n}`,
      number: n,
      teamId: id(1000),
      title: `Title "${n}" \\ with ünïcode ✓`,
      stateId: id(2000),
      priority: (['none', 'urgent', 'high', 'medium', 'low'] as const)[n % 5],
      estimate: full ? 2.5 : null,
      assigneeId: full ? id(3000) : null,
      creatorId: full ? id(3001) : null,
      parentId: full ? id(n + 1) : null,
      labelIds: full ? [id(4000), id(4001)] : [],
      sortOrder: `a${n}`,
      dueDate: full ? '2027-02-28' : null,
      startedAt: full ? '2026-01-02T03:04:05.100Z' : null,
      completedAt: full ? '2026-01-02T03:04:05.123Z' : null,
      canceledAt: null,
      archivedAt: full ? '2026-06-30T20:00:00.000Z' : null,
      createdAt: '2025-03-04T05:06:07.987Z',
      updatedAt: '2025-03-04T05:06:07.500Z',
      cursorKey: 'not serialized',
    });
    for (const page of [
      { data: [item(1, true), item(2, false), item(3, true)], nextCursor: 'abc.def' },
      { data: [], nextCursor: null },
    ]) {
      const out = rewritten(page);
      expect(out).toBe(declared(page));
      expect(JSON.parse(out).data.map((i: { cursorKey?: string }) => i.cursorKey)).toEqual(page.data.map(() => undefined));
    }
  });
});
