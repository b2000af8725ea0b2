/**
 * Vitest global setup: builds one migrated database template per run, so each test file starts
 * from a fresh copy in about a second instead of paying initdb and migrations.
 * - PGlite: a `dumpDataDir` tarball in a temp folder (`provide('pgliteTemplate', path)`).
 * - PostgreSQL: a template database `exp_tpl_<run>`, dropped at teardown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '@exponential/db';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
    pgAdminUrl: string;
  }
}

export async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exp-test-'));
  const db = await openDatabase({ memory: true });
  await db.migrate();
  const blob = await db.pglite!.dumpDataDir('none');
  await db.close();
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  project.provide('pgliteTemplate', file);

  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  project.provide('pgAdminUrl', adminUrl);
  let template = '';
  if (process.env.TEST_POSTGRES === '1') {
    template = `exp_tpl_${process.pid}_${Date.now()}`;
    const admin = await openDatabase({ url: adminUrl, max: 1 });
    await admin.postgres!.unsafe(`create database "${template}"`);
    await admin.close();
    const tpl = await openDatabase({ url: withDatabase(adminUrl, template), max: 1 });
    await tpl.migrate();
    await tpl.close();
  }
  project.provide('pgTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (template) {
      const admin = await openDatabase({ url: adminUrl, max: 1 });
      await admin.postgres!.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.close();
    }
  };
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
