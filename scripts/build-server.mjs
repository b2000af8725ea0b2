#!/usr/bin/env node
/**
 * Builds the server into one JavaScript file, `apps/server/dist/server.mjs` (with a source map),
 * so that starting it needs no TypeScript loader: measured on PostgreSQL, a start through tsx
 * spends about a second of CPU in the loader's hooks and transforms before the first request.
 *
 * What goes into the bundle: the server's sources and the workspace packages it imports
 * (`@exponential/*`). Third-party packages stay in node_modules and are imported from there.
 * Files that locate things next to themselves (`import.meta.url`: the migrations folder, the
 * PGlite template, the web app's build) keep their own location, rewritten relative to the bundle,
 * so the checkout can move.
 *
 * Usage: `node scripts/build-server.mjs [--if-stale]` (`npm run build:server`). With --if-stale it
 * builds only when a source is newer than the bundle. Exit code 1 when the build fails.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The bundle's path. */
export const SERVER_BUNDLE = path.join(root, 'apps/server/dist/server.mjs');
const SOURCES = ['apps/server/src', 'packages/db/src', 'packages/domain/src'].map((d) => path.join(root, d));

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
  const inputs = Math.max(statSync(fileURLToPath(import.meta.url)).mtimeMs, ...SOURCES.filter(existsSync).map(newest));
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

async function bundle(build) {
  const outDir = path.dirname(SERVER_BUNDLE);
  const relative = (file) => path.relative(outDir, file).split(path.sep).join('/');
  await build({
    stdin: {
      contents: "import { start } from './src/main.ts';\nstart().catch((err) => {\n  console.error(err);\n  process.exit(1);\n});\n",
      resolveDir: path.join(root, 'apps/server'),
      sourcefile: 'server-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: SERVER_BUNDLE,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        name: 'exponential-server',
        setup(b) {
          // Bare imports are third-party packages (kept external), except our workspace packages.
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@exponential/') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
          );
          // Each file's own location, relative to the bundle's.
          b.onLoad({ filter: /\.ts$/ }, (args) => {
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
