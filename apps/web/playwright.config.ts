/**
 * End-to-end tests of the web app against the real server, driving Debian's Chromium.
 *
 * The web server is the production path: the web app is built (`npm run build -w
 * @exponential/web`) and the server bundle (scripts/build-server.mjs, when stale), then
 * `node apps/server/dist/server.mjs` serves the API and the built
 * app on a free port with a fresh data directory (PGlite, mail written to `<dataDir>/outbox`, where
 * the tests read magic links). Port and directory are chosen once in the runner and handed to the
 * workers through the environment.
 *
 * Reporters: `list`, plus JSON to $PLAYWRIGHT_JSON_OUTPUT_NAME when set (scripts/test.mjs reads it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ReporterDescription } from '@playwright/test';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A port the OS reports free right now (asked of a child process, since config loading is synchronous). */
function freePort(): string {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
}

process.env.E2E_PORT ??= freePort();
if (!process.env.E2E_DATA_DIR) {
  // Created once, by the runner (workers inherit the variable); removed when the runner exits,
  // after the web server has stopped. E2E_KEEP_DATA=1 keeps it for a look at the outbox or database.
  const dir = mkdtempSync(path.join(tmpdir(), 'exponential-e2e-'));
  process.env.E2E_DATA_DIR = dir;
  if (!process.env.E2E_KEEP_DATA) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
const port = process.env.E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;

const reporter: ReporterDescription[] = [['list']];
// Relative to where `playwright test` runs (the repository root for scripts/test.mjs), not to this file.
if (process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) reporter.push(['json', { outputFile: path.resolve(process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) }]);

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  // One worker: the embedded database serves one process, and the machine is small.
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'npm run build -w @exponential/web && node scripts/build-server.mjs --if-stale && node --enable-source-maps apps/server/dist/server.mjs',
    cwd: repoRoot,
    url: `${baseURL}/api/healthz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: {
      PORT: port,
      HOST: '127.0.0.1',
      EXPONENTIAL_APP_URL: baseURL,
      EXPONENTIAL_DATA_DIR: process.env.E2E_DATA_DIR,
      LOG_LEVEL: 'warn',
      // Every browser in the suite signs in from 127.0.0.1: the per-address sign-in limit (20 per
      // 15 minutes by default, tested in the server suite) would otherwise cap the number of specs.
      EXPONENTIAL_SIGN_IN_RATE_LIMIT: '1000',
    },
  },
});
