/**
 * Response schemas as the serializer (fast-json-stringify) sees them.
 *
 * fast-json-stringify serializes an `anyOf` by running each branch's validator (ajv, formats
 * included: a UUID regex, a date-time parser) on the value until one matches, so a nullable field
 * (`Nullable(Uuid)` is `anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }]`) costs a
 * validation per value: about 11 per issue of a list page. Where every branch is one primitive
 * type and the branches differ only in what a serializer ignores (`maxLength`, `const`, …), the
 * union serializes exactly like a type list (`type: ['string', 'null']`), which is a `typeof`
 * check. The route schemas themselves (validation, OpenAPI, the SDK) are left as declared; only
 * the serializer's copy is rewritten.
 */

/** Keywords a serializer ignores for a primitive value (validation and annotations). */
const IGNORED = new Set([
  'type',
  'format',
  'const',
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'title',
  'description',
  'examples',
  'default',
]);
const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The type list an `anyOf` serializes like, or null when it does not reduce to one: every branch
 * a primitive `type` with only ignored keywords, one type besides `null`, and one `format` (or
 * none) among the non-null branches.
 */
function collapsedUnion(branches: unknown[]): Json | null {
  if (branches.length < 2) return null;
  let type: string | undefined;
  let format: unknown;
  let formatSeen = false;
  let nullable = false;
  for (const b of branches) {
    if (!isObject(b) || typeof b.type !== 'string' || !PRIMITIVES.has(b.type)) return null;
    for (const k of Object.keys(b)) if (!IGNORED.has(k)) return null;
    if (b.type === 'null') {
      nullable = true;
      continue;
    }
    if (type !== undefined && type !== b.type) return null;
    type = b.type;
    if (formatSeen && format !== b.format) return null;
    format = b.format;
    formatSeen = true;
  }
  if (type === undefined) return null;
  const out: Json = { type: nullable ? [type, 'null'] : type };
  if (format !== undefined) out.format = format;
  return out;
}

/**
 * A copy of `schema` (JSON Schema, string keys only) with every reducible `anyOf` replaced by its
 * type list; the input is never modified.
 * @returns the rewritten copy (arrays and objects copied, other values shared)
 */
export function serializerSchema<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((v) => serializerSchema(v)) as T;
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = serializerSchema(v);
  if (Array.isArray(out.anyOf)) {
    const collapsed = collapsedUnion(out.anyOf);
    if (collapsed) {
      delete out.anyOf;
      Object.assign(out, collapsed);
    }
  }
  return out as T;
}
