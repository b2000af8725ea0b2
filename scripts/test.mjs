#!/usr/bin/env node
/**
 * `npm test`: runs every suite and ends with one plain line `N passed, N failed`.
 * - Vitest (unit, API and property tests) on PGlite, and on PostgreSQL too when it is reachable
 *   at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 * - Playwright (web app, Debian's Chromium) when apps/web has end-to-end tests.
 * Exit code 0 only when nothing failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
mkdirSync('.tmp', { recursive: true });

async function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    s.setTimeout(1000);
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
    s.on('timeout', () => { s.destroy(); resolve(false); });
  });
}

const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const withPg = process.env.TEST_POSTGRES === '0' ? false : await reachable(pgUrl);
console.log(withPg ? `PostgreSQL reachable at ${new URL(pgUrl).host}: the suite runs on PGlite and PostgreSQL.` : 'PostgreSQL not reachable: the suite runs on PGlite only.');

let passed = 0;
let failed = 0;
const extra = process.argv.slice(2);

// The web app is built once up front: the production smoke test serves it and Playwright uses it.
if (existsSync('apps/web/index.html')) {
  const build = spawnSync('npm', ['run', 'build', '-w', '@exponential/web'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const vitest = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=.tmp/vitest.json', ...extra], {
  stdio: 'inherit',
  env: { ...process.env, TEST_POSTGRES: withPg ? '1' : '0' },
});
try {
  const r = JSON.parse(readFileSync('.tmp/vitest.json', 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that failed without a failing test (it did not load, or a hook threw) counts once.
  for (const f of r.testResults ?? []) {
    if (f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')) failed += 1;
  }
  if (r.numTotalTests === 0) failed += 1;
} catch {
  failed += 1;
  console.error('vitest produced no report');
}
if (vitest.status !== 0 && failed === 0) failed += 1;

const e2eDir = 'apps/web/e2e';
if (!extra.length && existsSync(e2eDir) && readdirSync(e2eDir).some((f) => f.endsWith('.spec.ts'))) {
  const pw = spawnSync('npx', ['playwright', 'test', '--config', 'apps/web/playwright.config.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: '.tmp/playwright.json' },
  });
  try {
    const r = JSON.parse(readFileSync('.tmp/playwright.json', 'utf8'));
    passed += r.stats.expected + (r.stats.flaky ?? 0);
    failed += r.stats.unexpected;
  } catch {
    failed += 1;
    console.error('playwright produced no report');
  }
  if (pw.status !== 0 && failed === 0) failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
