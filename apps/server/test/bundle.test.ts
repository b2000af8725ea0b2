/**
 * What a start of the built server loads (scripts/build-server.mjs, docs/PERFORMANCE.md B10): the
 * modules and packages of its static import graph. Packages needed only by some requests or some
 * configurations are imported on first use (lib/lazy.ts), so a new static import of one of them
 * from the start-up graph fails here.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

/** esbuild's metafile of the last build: each output's imports. */
interface Meta {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}

/** Packages a start must not load; each is still imported somewhere on first use. */
const ON_FIRST_USE = [
  'openid-client',
  '@node-oauth/oauth2-server',
  'nodemailer',
  'ioredis',
  'csv-parse',
  'papaparse',
  'markdown-it',
  'jira2md',
  'htmlparser2',
  // Loaded a little after listening, or by the first scrape (plugins/metrics.ts).
  'prom-client',
  // Each database driver is imported by the engine that uses it.
  'postgres',
  '@electric-sql/pglite',
];

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

let meta: Meta;
beforeAll(async () => {
  // @ts-expect-error: a plain ES module script without type declarations
  const b = (await import('../../../scripts/build-server.mjs')) as { ensureServerBundle(): Promise<string> };
  const bundle = await b.ensureServerBundle();
  meta = JSON.parse(readFileSync(bundle.replace(/\.mjs$/, '.meta.json'), 'utf8')) as Meta;
}, 120_000);

/** Third-party packages imported by `import` statements of the entry and the chunks it statically imports. */
function startupPackages(): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    const entry = meta.outputs[output];
    if (!entry) throw new Error(`${output} is not in the metafile`);
    for (const i of entry.imports) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(packageOf(i.path));
      else visit(i.path);
    }
  };
  visit('apps/server/dist/server.mjs');
  return packages;
}

describe('server bundle', () => {
  it('loads at start only the packages serving the first requests needs', () => {
    const atStart = startupPackages();
    expect(atStart.has('fastify')).toBe(true);
    // sanitize-html is `require`d by its first use (lib/sanitize.ts), never imported.
    expect([...ON_FIRST_USE, 'sanitize-html'].filter((p) => atStart.has(p))).toEqual([]);
  });

  it('still imports each of them, on first use', () => {
    // By an `import()`, or by a static import of a chunk that is itself loaded by an `import()`.
    const imported = new Set(Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => packageOf(i.path))));
    expect(ON_FIRST_USE.filter((p) => !imported.has(p))).toEqual([]);
  });
});
