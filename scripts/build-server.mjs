#!/usr/bin/env node
/**
 * Builds the server into JavaScript, `apps/server/dist/server.mjs` (with a source map), so that
 * starting it needs no TypeScript loader: measured on PostgreSQL, a start through tsx spends about
 * a second of CPU in the loader's hooks and transforms before the first request.
 *
 * Code the server loads on first use (`import()` of its own sources, lib/lazy.ts) goes into
 * separate chunks next to it (`server-chunk-<name>-<hash>.mjs`), so a start reads neither that
 * code nor the packages it imports. Chunks of earlier builds are removed an hour after they stop
 * being part of the newest build (a server started from an older build may still load them).
 * esbuild's metafile (`server.meta.json`: every output's imports, static or dynamic) is kept too.
 *
 * What goes into the bundle: the server's sources, the workspace packages it imports
 * (`@exponential/*`), and the few third-party packages of {@link BUNDLED_PACKAGES}; their license
 * texts are written next to the bundle (`server.THIRD-PARTY-LICENSES.txt`). Other third-party
 * packages stay in node_modules and are imported from there.
 * The source map has no `sourcesContent` (the sources are in the checkout): Node reads and parses
 * the map at start when run with `--enable-source-maps`, and it is a third of the size without.
 * Files that locate things next to themselves (`import.meta.url`: the migrations folder, the
 * PGlite template, the web app's build) keep their own location, rewritten relative to the bundle,
 * so the checkout can move.
 *
 * Usage: `node scripts/build-server.mjs [--if-stale]` (`npm run build:server`). With --if-stale it
 * builds only when a source is newer than the bundle. Exit code 1 when the build fails.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The bundle's path. */
export const SERVER_BUNDLE = path.join(root, 'apps/server/dist/server.mjs');
const SOURCES = ['apps/server/src', 'packages/db/src', 'packages/domain/src'].map((d) => path.join(root, d));
/** Installed package versions: a change makes the bundle stale (it contains {@link BUNDLED_PACKAGES}). */
const LOCKFILE = path.join(root, 'package-lock.json');

/**
 * Third-party packages compiled into the bundle instead of imported from node_modules: ES-module
 * packages of many small files (typebox: ~370 modules at start, drizzle-orm: ~110), which Node
 * resolves, reads and links one by one. Measured 2026-11-29 by importing the server's module graph
 * alone, 5 alternated runs each at load 9–10: CPU median 1.23 s with both external, 0.93 s with
 * both bundled. Packages that locate files next to themselves (PGlite's WASM) or that load
 * CommonJS dependencies through `require` cannot simply be bundled and stay external.
 */
export const BUNDLED_PACKAGES = ['typebox', 'drizzle-orm'];
const isBundled = (specifier) => BUNDLED_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`));

/** The newest modification time (ms) of any file below `dir`. */
export function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Whether the bundle is missing or older than a source file (or this script). */
export function serverBundleIsStale() {
  if (!existsSync(SERVER_BUNDLE)) return true;
  const built = statSync(SERVER_BUNDLE).mtimeMs;
  const inputs = Math.max(
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
    existsSync(LOCKFILE) ? statSync(LOCKFILE).mtimeMs : 0,
    ...SOURCES.filter(existsSync).map(newest),
  );
  return inputs > built;
}

/** Builds the bundle with esbuild; resolves with the time it took in ms. Throws on build errors. */
export async function buildServer() {
  const { build, stop } = await import('esbuild');
  const t0 = Date.now();
  try {
    await bundle(build);
  } finally {
    // esbuild keeps a service process for later builds; there are none.
    await stop();
  }
  return Date.now() - t0;
}

/** Builds the bundle only when it is stale; resolves with its path. Throws on build errors. */
export async function ensureServerBundle() {
  if (serverBundleIsStale()) await buildServer();
  return SERVER_BUNDLE;
}

/** File names of lazily loaded chunks: `server-chunk-<name>-<hash>.mjs` (and `.map`). */
const CHUNK_FILE = /^server-chunk-.*\.mjs(\.map)?$/;
/** How long a chunk no longer built is kept for servers started from an older build. */
const STALE_CHUNK_MS = 60 * 60 * 1000;

async function bundle(build) {
  const outDir = path.dirname(SERVER_BUNDLE);
  const relative = (file) => path.relative(outDir, file).split(path.sep).join('/');
  const entry = 'exponential-server-entry';
  const result = await build({
    entryPoints: [
      { in: entry, out: path.basename(SERVER_BUNDLE, '.mjs') },
      // The import's conversion worker thread (modules/imports/imports.convert.ts loads it from
      // next to the bundle; from the sources it runs the .ts file through tsx).
      { in: path.join(root, 'apps/server/src/modules/imports/imports.convert.worker.ts'), out: 'imports-convert-worker' },
    ],
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'server-chunk-[name]-[hash]',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'exponential-server',
        setup(b) {
          b.onResolve({ filter: new RegExp(`^${entry}$`) }, () => ({ path: entry, namespace: 'entry' }));
          b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
            contents: "import { start } from './src/main.ts';\nstart().catch((err) => {\n  console.error(err);\n  process.exit(1);\n});\n",
            resolveDir: path.join(root, 'apps/server'),
            loader: 'ts',
          }));
          // Bare imports are third-party packages (kept external), except our workspace packages
          // and BUNDLED_PACKAGES.
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@exponential/') || args.path.startsWith('node:') || isBundled(args.path) ? undefined : { path: args.path, external: true },
          );
          // Each file's own location, relative to the bundle's.
          b.onLoad({ filter: /\.ts$/, namespace: 'file' }, (args) => {
            const source = readFileSync(args.path, 'utf8');
            const contents = source.includes('import.meta.url')
              ? source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative(args.path))}, import.meta.url).href`)
              : source;
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
  });
  pruneChunks(outDir, new Set(Object.keys(result.metafile.outputs).map((f) => path.basename(f))));
  // What each output imports, statically or on first use (apps/server/test/bundle.test.ts reads it).
  writeFileSync(SERVER_BUNDLE.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));
  writeLicenses(Object.keys(result.metafile.inputs), SERVER_BUNDLE.replace(/\.mjs$/, '.THIRD-PARTY-LICENSES.txt'));
}

/**
 * Writes the name, version, license and license/notice files of every third-party package with
 * code in the bundle to `file` (the MIT and Apache-2.0 licenses ask for their text to go along).
 * @param inputs the bundle's input files (esbuild metafile paths, relative to the working directory)
 */
function writeLicenses(inputs, file) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join('/'));
    if (m) dirs.add(path.resolve(m[1]));
  }
  const parts = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const texts = readdirSync(dir)
      .filter((n) => /^(licen[cs]e|notice|copying)/i.test(n))
      .map((n) => readFileSync(path.join(dir, n), 'utf8').trim());
    return `${pkg.name} ${pkg.version} (${pkg.license ?? 'see below'})\n\n${texts.join('\n\n') || '(no license file in the package)'}\n`;
  });
  writeFileSync(file, `Third-party packages compiled into ${path.basename(SERVER_BUNDLE)} and its chunks:\n\n${parts.join(`\n${'-'.repeat(78)}\n\n`)}`);
}

/** Removes chunk files that `built` does not contain and that are older than STALE_CHUNK_MS. */
function pruneChunks(outDir, built) {
  const now = Date.now();
  for (const name of readdirSync(outDir)) {
    if (!CHUNK_FILE.test(name) || built.has(name)) continue;
    const file = path.join(outDir, name);
    if (now - statSync(file).mtimeMs > STALE_CHUNK_MS) rmSync(file, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !serverBundleIsStale()) process.exit(0);
  buildServer().then(
    (ms) => console.log(`Built the server (${path.relative(root, SERVER_BUNDLE)}) in ${ms} ms`),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
