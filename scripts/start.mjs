#!/usr/bin/env node
/**
 * `npm start`: builds the web app and the server bundle (scripts/build-server.mjs) when missing or
 * older than their sources, then runs the server on the embedded defaults unless configured
 * otherwise. Should the bundle fail to build, the server runs from its TypeScript through tsx.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildServer, newest, SERVER_BUNDLE, serverBundleIsStale } from './build-server.mjs';
import { superviseServer } from './supervise.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

const web = 'apps/web';
if (existsSync(path.join(web, 'index.html'))) {
  const built = path.join(web, 'dist', 'index.html');
  const stale = !existsSync(built) || newest(path.join(web, 'src')) > statSync(built).mtimeMs;
  if (stale) {
    // The bundle only: type-checking belongs to the tests, not to a start.
    console.log('Building the web app…');
    const r = spawnSync('npm', ['run', 'build:vite', '-w', '@exponential/web'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

let entry = ['--enable-source-maps', SERVER_BUNDLE];
if (serverBundleIsStale()) {
  try {
    await buildServer();
  } catch (err) {
    console.warn('Could not build the server bundle; running it from TypeScript instead.', err instanceof Error ? err.message : err);
    entry = ['--import', 'tsx', 'apps/server/src/main.ts'];
  }
}
const child = spawn(process.execPath, [...entry, ...process.argv.slice(2)], { stdio: 'inherit' });
superviseServer(child);
// `npm start` runs this script under `sh -c`; a SIGTERM sent to npm (docker stop, systemd,
// timeout) can end npm and that shell without reaching here. Orphaned, stop the server too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 1000).unref();
