/**
 * Sends every workload's requests once through the in-process API (lib/capture.ts), checks the
 * answers (2xx; zero-match workloads return empty pages, the others do not), keeps each read
 * request's page query for the baselines, and EXPLAINs what ran (lib/explain.ts).
 */
import type { Workload } from '../workloads.ts';
import type { BenchDb } from './engines.ts';
import { type Captured, mainListStatement, withCapturingApp } from './capture.ts';
import { explain, type PlanSummary } from './explain.ts';
import type { PlanFigures } from './report.ts';
export { BIG_TABLES } from './report.ts';
import { median } from './util.ts';
import { rawOf } from './engines.ts';


/** What capture learned about one workload. */
export interface CaptureInfo {
  /** Page query of each request (reads), in request order. */
  mains: Captured[];
  /** Every SELECT each request ran, in order (reads; matches `mains` by index). */
  sequences: Captured[][];
  bytesPerResponse: number;
  plan: PlanFigures;
  /** Every distinct statement text the requests ran, with the count per request. */
  statements: string[];
  problems: string[];
}

function summarise(plans: PlanSummary[], mains: PlanSummary[], perRequest: number[]): PlanFigures {
  const worst = [...mains].sort((a, b) => b.buffers - a.buffers || b.ms - a.ms)[0];
  const seq = new Set<string>();
  for (const p of plans) for (const s of p.seqScans) seq.add(s);
  return {
    statementsPerRequest: perRequest.length ? median(perRequest) : 0,
    seqScans: [...seq].sort(),
    worstBuffers: worst?.buffers ?? 0,
    worstMs: Math.max(0, ...mains.map((m) => m.ms)),
    worstRowsRemoved: Math.max(0, ...mains.map((m) => m.rowsRemoved)),
    outline: worst?.outline ?? [],
    sql: worst?.sql,
    params: worst?.params,
    errors: plans.filter((p) => p.error).map((p) => `${p.error} — ${p.sql.slice(0, 200)}`),
  };
}

/**
 * Captures and explains every workload.
 * @param explainSets how many parameter sets of each page query to EXPLAIN ANALYZE
 * @throws Error when a request does not answer 2xx (the workload would measure errors)
 */
export async function captureAll(bdb: BenchDb, secret: string, token: string, workloads: Workload[], explainSets: number): Promise<Map<string, CaptureInfo>> {
  const out = new Map<string, CaptureInfo>();
  await withCapturingApp(bdb, secret, token, async (call, database) => {
    const raw = rawOf(database);
    for (const w of workloads) {
      const reqs = w.kind === 'read' ? w.requests : w.requests.slice(0, 3);
      const mains: Captured[] = [];
      const sequences: Captured[][] = [];
      const problems: string[] = [];
      const texts = new Map<string, Captured>();
      const perRequest: number[] = [];
      let bytes = 0;
      for (const [i, req] of reqs.entries()) {
        const body = req.body?.replace(/\{\{n\}\}/g, `capture ${i}`);
        const res = await call(req.method, req.path, body);
        if (res.status < 200 || res.status >= 300) {
          throw new Error(`${w.id}: ${req.method} ${req.path} answered ${res.status}: ${JSON.stringify(res.json).slice(0, 500)}`);
        }
        bytes += res.bytes;
        perRequest.push(res.statements.length);
        for (const s of res.statements) if (!texts.has(s.sql)) texts.set(s.sql, s);
        if (w.kind !== 'read') continue;
        const items = (res.json as { data?: unknown[] }).data?.length ?? 0;
        if (w.zeroMatch && items) problems.push(`${req.path} returned ${items} issues; expected none`);
        if (!w.zeroMatch && !items) problems.push(`${req.path} returned no issue`);
        const main = mainListStatement(res.statements);
        if (main) {
          mains.push(main);
          sequences.push(res.statements.filter((st) => /^\s*select/i.test(st.sql)));
        } else problems.push(`${req.path} ran no page query (empty by construction)`);
      }
      const plans: PlanSummary[] = [];
      for (const s of texts.values()) {
        if (/^\s*(begin|commit|rollback|savepoint|release)/i.test(s.sql)) continue;
        plans.push(await explain(raw, s.sql, s.params));
      }
      const mainPlans: PlanSummary[] = [];
      for (const m of mains.slice(0, explainSets)) mainPlans.push(await explain(raw, m.sql, m.params));
      out.set(w.id, {
        mains,
        sequences,
        bytesPerResponse: reqs.length ? Math.round(bytes / reqs.length) : 0,
        plan: summarise([...plans, ...mainPlans], mainPlans, perRequest),
        statements: [...texts.keys()],
        problems,
      });
    }
  });
  return out;
}
