import { defineConfig } from 'vitest/config';

/**
 * Two projects run the same server suite: on embedded PGlite (always) and on PostgreSQL at
 * TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) when scripts/test.mjs found
 * it reachable and set TEST_POSTGRES=1.
 */
const shared = {
  globalSetup: ['apps/server/test/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

const projects = [
  {
    test: {
      ...shared,
      name: 'pglite',
      include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
      env: { TEST_DB: 'pglite' },
    },
  },
];
if (process.env.TEST_POSTGRES === '1') {
  projects.push({
    test: {
      ...shared,
      name: 'postgres',
      include: ['apps/server/src/**/*.test.ts', 'apps/server/test/**/*.test.ts'],
      env: { TEST_DB: 'postgres' },
    },
  });
}

export default defineConfig({ test: { projects } });
