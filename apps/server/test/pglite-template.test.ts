/**
 * The pre-initialised PGlite template (packages/db, built by `npm install`): a first start on an
 * empty data directory copies its unpacked form into place instead of unpacking the tarball
 * through PGlite, and gets a migrated database. Runs on PGlite whatever the project's engine.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, templateDirPath } from '@exponential/db';
import { describe, expect, it } from 'vitest';

/** Opens a fresh data directory (after `prepare`), checks the database, and removes it. */
async function firstStart(prepare?: (dir: string) => void) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exp-template-'));
  try {
    prepare?.(dir);
    const database = await openDatabase({ dataDir: dir });
    try {
      await database.migrate();
      const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from issue`);
      return { issues: row!.n, pgdata: existsSync(path.join(dir, 'pgdata', 'PG_VERSION')), partial: existsSync(path.join(dir, 'pgdata.partial')) };
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PGlite template', () => {
  it('is unpacked by npm install, and a first start copies it into place, migrated', async () => {
    expect(existsSync(path.join(templateDirPath, 'PG_VERSION'))).toBe(true);
    expect(await firstStart()).toEqual({ issues: 0, pgdata: true, partial: false });
  }, 120_000);

  it('replaces a half-copied directory left by a start that stopped while copying', async () => {
    const result = await firstStart((dir) => {
      mkdirSync(path.join(dir, 'pgdata.partial', 'base'), { recursive: true });
      writeFileSync(path.join(dir, 'pgdata.partial', 'PG_VERSION'), 'garbage');
    });
    expect(result).toEqual({ issues: 0, pgdata: true, partial: false });
  }, 120_000);
});
