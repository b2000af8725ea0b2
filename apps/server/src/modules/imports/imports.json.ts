/**
 * Reading an uploaded JSON file safely: nesting is checked before `JSON.parse` runs (so a
 * 10,000-deep document is a 400, never a stack overflow), syntax errors name their position, and
 * small typed accessors record a {@link Problem} with the JSON path of every value that is not
 * what the format says (`issues[3].labels: must be a list, not null`).
 */
import { rejectFile } from './imports.errors.ts';
import type { Problem } from './imports.model.ts';

/** Deepest nesting of arrays and objects accepted in an uploaded JSON file. */
export const JSON_MAX_DEPTH = 256;

/**
 * Parses JSON text.
 * @throws AppError 400 `json_too_deep` or `malformed_json`
 */
export function readJson(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > JSON_MAX_DEPTH) {
        throw rejectFile(400, 'json_too_deep', `The JSON is nested more than ${JSON_MAX_DEPTH} levels deep (at character ${i})`, [
          { severity: 'error', path: `character ${i}`, message: `nested more than ${JSON_MAX_DEPTH} levels deep` },
        ]);
      }
    } else if (c === 93 || c === 125) depth--;
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = (err as Error).message;
    throw rejectFile(400, 'malformed_json', `The file is not valid JSON: ${message}`, [{ severity: 'error', path: '$', message }]);
  }
}

/** `base.key` or `base[3]` (paths as `issues[3].comments[0].body`). */
export function at(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** A plain object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accessors that check types and record problems at JSON paths. */
export class JsonReader {
  constructor(
    readonly problems: Problem[],
    /** Strict: a wrong type is an error; lenient (foreign formats): null or absent counts as empty. */
    readonly strict: boolean,
  ) {}

  private wrong(path: string, expected: string, v: unknown): void {
    const got = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
    this.problems.push({ severity: 'error', path, message: `must be ${expected}, not ${got}` });
  }

  /** A list; absent → [] (and, when lenient, null → []); anything else → problem and []. */
  list(obj: Record<string, unknown>, key: string, path: string, required = false): unknown[] {
    const v = obj[key];
    if (Array.isArray(v)) return v;
    if (v === undefined && !required) return [];
    if (v === null && !this.strict) return [];
    this.wrong(at(path, key), 'a list', v);
    return [];
  }

  /** A string; absent or null → null; a number is accepted as its text; others → problem. */
  str(obj: Record<string, unknown>, key: string, path: string): string | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && !this.strict) return String(v);
    this.wrong(at(path, key), 'a string', v);
    return null;
  }

  /** A number; absent or null → null. */
  num(obj: Record<string, unknown>, key: string, path: string): number | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && !this.strict && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    this.wrong(at(path, key), 'a number', v);
    return null;
  }

  /** An object; absent or null → null. */
  obj(obj: Record<string, unknown>, key: string, path: string): Record<string, unknown> | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (isObject(v)) return v;
    this.wrong(at(path, key), 'an object', v);
    return null;
  }

  /** A boolean; absent or null → false. */
  bool(obj: Record<string, unknown>, key: string, path: string): boolean {
    const v = obj[key];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    this.wrong(at(path, key), 'true or false', v);
    return false;
  }
}
