/**
 * B10 cold start (perf-baseline.md §3): time from spawning a process to its first served request,
 * for the API and for a bare baseline process doing the least the same job needs.
 * - (a) PGlite, empty data directory → `/api/readyz` 200; baselines: bare PGlite with initdb in
 *   memory (the 5.2 s of §2.3) and bare PGlite starting from the same pre-initialised template the
 *   API uses (a copy of its unpacked directory, or else its tarball loaded in memory);
 * - (b) PGlite, the loaded data directory → first list page 200; baseline: bare PGlite reopening a
 *   copy of that directory → the same page query;
 * - (c) PostgreSQL → first list page 200; baseline: bare postgres.js endpoint → the page query.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { templateDirPath, templatePath } from '@exponential/db';
import type { BareConfig } from '../bare-server.ts';
import { API_MAIN, apiEnv, BARE_MAIN, startProcess } from './procs.ts';
import { type ColdStart, gate, measure } from './report.ts';
import { round } from './util.ts';

/** What the cold-start phase needs from the run. */
export interface ColdContext {
  engine: 'postgres' | 'pglite';
  reps: number;
  workDir: string;
  secret: string;
  logLevel: string;
  /** PostgreSQL URL, or the PGlite directory the API used (and a copy for the bare server). */
  databaseUrl?: string;
  dataDir?: string;
  bareDataDir?: string;
  /** First-list request of the API and its headers. */
  listPath: string;
  headers: Record<string, string>;
  /** Bare config with the page query (its `/q/<id>?i=0` is the baseline's first request). */
  bare: BareConfig;
  bareQueryPath: string;
}

async function timeStarts(reps: number, start: () => Promise<{ readyMs: number; stop(): Promise<void> }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const p = await start();
    out.push(p.readyMs);
    await p.stop();
  }
  return out;
}

function bareStart(ctx: ColdContext, cfg: BareConfig, readyPath: string) {
  const file = path.join(ctx.workDir, `bare-cold-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  return () => startProcess({ script: BARE_MAIN, env: { BARE_CONFIG: file }, readyPath });
}

/** Runs the cold-start measurements that apply to `ctx.engine`. */
export async function coldStarts(ctx: ColdContext): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  if (ctx.engine === 'postgres') {
    const api = await timeStarts(ctx.reps, () =>
      startProcess({ script: API_MAIN, env: apiEnv({ databaseUrl: ctx.databaseUrl, dataDir: ctx.workDir, secret: ctx.secret, logLevel: ctx.logLevel }), readyPath: ctx.listPath, headers: ctx.headers }),
    );
    const base = await timeStarts(ctx.reps, bareStart(ctx, ctx.bare, ctx.bareQueryPath));
    const a = measure(api);
    const b = measure(base);
    results.push({
      id: 'B10c',
      title: 'PostgreSQL-mode API start → first list page',
      api: a,
      baseline: b,
      baselineTitle: 'bare Fastify + postgres.js → page query',
      ratio: round(a.median / b.median, 2),
      checks: [gate('time', a.median, 1000, 'max', ' ms')],
    });
    return results;
  }
  // (b) reopen the loaded directory
  const api = await timeStarts(ctx.reps, () =>
    startProcess({ script: API_MAIN, env: apiEnv({ dataDir: ctx.dataDir!, secret: ctx.secret, logLevel: ctx.logLevel }), readyPath: ctx.listPath, headers: ctx.headers }),
  );
  const base = await timeStarts(ctx.reps, bareStart(ctx, { ...ctx.bare, dataDir: ctx.bareDataDir }, ctx.bareQueryPath));
  const a = measure(api);
  const b = measure(base);
  results.push({
    id: 'B10b',
    title: 'PGlite reopen of the loaded directory → first list page',
    api: a,
    baseline: b,
    baselineTitle: 'bare PGlite reopen → page query',
    ratio: round(a.median / b.median, 2),
    checks: [gate('vs baseline', a.median / b.median, 2, 'max', '×'), gate('time', a.median, 2700, 'max', ' ms')],
  });
  // (a) fresh directory
  const fresh = await timeStarts(ctx.reps, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'exp-bench-fresh-'));
    const p = await startProcess({ script: API_MAIN, env: apiEnv({ dataDir: dir, secret: ctx.secret, logLevel: ctx.logLevel }), readyPath: '/api/readyz' });
    return {
      readyMs: p.readyMs,
      stop: async () => {
        await p.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
  const initdb = await timeStarts(ctx.reps, bareStart(ctx, { engine: 'pglite', dataDir: 'fresh', queries: {} }, '/ready'));
  const hasTemplate = existsSync(templatePath);
  const f = measure(fresh);
  const i = measure(initdb);
  const checks = [gate('vs initdb', f.median / i.median, 1.5, 'max', '×')];
  if (hasTemplate) checks.push(gate('time (pre-initialised)', f.median, 2000, 'max', ' ms'));
  else checks.push(gate('time', f.median, 8000, 'max', ' ms'));
  results.push({
    id: 'B10a',
    title: `PGlite fresh data directory → ready (${hasTemplate ? 'pre-initialised template present' : 'no template: initdb'})`,
    api: f,
    baseline: i,
    baselineTitle: 'bare PGlite initdb in memory',
    ratio: round(f.median / i.median, 2),
    checks,
  });
  if (hasTemplate) {
    // The API copies the unpacked template when `npm install` left it (packages/db), else loads the tarball.
    const unpacked = existsSync(path.join(templateDirPath, 'PG_VERSION'));
    const dataDir = unpacked ? `copy:${templateDirPath}` : `template:${templatePath}`;
    const tpl = measure(await timeStarts(ctx.reps, bareStart(ctx, { engine: 'pglite', dataDir, queries: {} }, '/ready')));
    results.push({
      id: 'B10a′',
      title: 'same API start, against bare PGlite starting from the same template',
      api: f,
      baseline: tpl,
      baselineTitle: unpacked ? 'bare PGlite on a copy of the unpacked template' : 'bare PGlite loadDataDir(template)',
      ratio: round(f.median / tpl.median, 2),
      checks: [],
    });
  }
  return results;
}
