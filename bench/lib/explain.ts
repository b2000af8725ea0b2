/**
 * Plan check of perf-baseline.md §3 (B2 "≤ 5k buffers in EXPLAIN", B3 "CI fails on any Seq Scan
 * on `issue`"): runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` for a captured statement with its
 * own parameters (the API's statements are unnamed, so PostgreSQL plans them with these values,
 * as EXPLAIN does), and summarises the plan: sequential scans, shared buffers touched, rows
 * removed by filters, execution time. Writes are explained without ANALYZE (nothing is changed).
 */
import { queryRaw } from './engines.ts';
import type { RawDb } from './dataset.ts';

/** Summary of one plan. */
export interface PlanSummary {
  sql: string;
  params: unknown[];
  analyzed: boolean;
  /** Relations read by a (Parallel) Seq Scan. */
  seqScans: string[];
  /** Shared buffers hit + read by the whole plan (ANALYZE only). */
  buffers: number;
  /** Rows fetched and thrown away by filters (ANALYZE only). */
  rowsRemoved: number;
  /** Server execution time in ms (ANALYZE only). */
  ms: number;
  /** Index names used by the plan. */
  indexes: string[];
  /** The plan as one line per node, indented (for reports). */
  outline: string[];
  error?: string;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Filter?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, depth: number, acc: PlanSummary): void {
  const type = node['Node Type'];
  if (/Seq Scan/.test(type) && node['Relation Name']) acc.seqScans.push(node['Relation Name']);
  if (node['Index Name'] && !acc.indexes.includes(node['Index Name'])) acc.indexes.push(node['Index Name']);
  const loops = node['Actual Loops'] ?? 1;
  acc.rowsRemoved += ((node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
  const what = [type, node['Relation Name'] && `on ${node['Relation Name']}`, node['Index Name'] && `using ${node['Index Name']}`]
    .filter(Boolean)
    .join(' ');
  const rows = node['Actual Rows'] !== undefined ? ` rows=${node['Actual Rows']}×${loops}` : '';
  const removed = node['Rows Removed by Filter'] ? ` removed=${node['Rows Removed by Filter']}` : '';
  acc.outline.push(`${'  '.repeat(depth)}${what}${rows}${removed}`);
  for (const c of node.Plans ?? []) walk(c, depth + 1, acc);
}

/**
 * Explains one statement. SELECTs run with ANALYZE (FOR UPDATE locks are released at once:
 * autocommit); INSERT/UPDATE/DELETE are only planned.
 */
export async function explain(db: RawDb, sql: string, params: unknown[]): Promise<PlanSummary> {
  const analyzed = /^\s*(select|with)\b/i.test(sql);
  const acc: PlanSummary = { sql, params, analyzed, seqScans: [], buffers: 0, rowsRemoved: 0, ms: 0, indexes: [], outline: [] };
  try {
    const rows = await queryRaw<{ 'QUERY PLAN': unknown }>(
      db,
      `explain (${analyzed ? 'analyze, buffers, ' : ''}format json) ${sql}`,
      params,
    );
    const raw = rows[0]?.['QUERY PLAN'];
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode; 'Execution Time'?: number }>;
    const top = doc[0]!;
    walk(top.Plan, 0, acc);
    acc.buffers = (top.Plan['Shared Hit Blocks'] ?? 0) + (top.Plan['Shared Read Blocks'] ?? 0);
    acc.ms = top['Execution Time'] ?? 0;
  } catch (err) {
    acc.error = (err as Error).message;
  }
  return acc;
}
