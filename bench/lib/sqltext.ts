/**
 * SQL text helpers for the baselines: turning a captured parameterised statement into a pgbench
 * script line, and the baseline write transactions (create, update) shared by pgbench and the
 * bare driver endpoint so both run the same SQL.
 *
 * pgbench replaces `:name` by a variable everywhere, string literals included (`'HH24:MI'` would
 * become a parameter), so colons inside literals are written as the Unicode escape `\003A` of a
 * `U&'…'` literal (same value; needs `standard_conforming_strings`, on by default since 9.1).
 */

/** A SQL literal for `v` that contains no `:` (safe in a pgbench script). */
export function pgbenchLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
  if (!s.includes(':')) return `'${s.replace(/'/g, "''")}'`;
  return `U&'${s.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/:/g, '\\003A')}'`;
}

/**
 * Rewrites the string literals of `sql` that contain a colon with {@link pgbenchLiteral}, and
 * replaces `$n` placeholders (outside literals) with the literal of `params[n-1]`.
 * @throws Error when a placeholder has no parameter
 */
export function inlineForPgbench(sql: string, params: unknown[]): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated literal in: ${sql}`);
        if (sql[j] === "'" && sql[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (sql[j] === "'") break;
        else value += sql[j++];
      }
      out += value.includes(':') ? pgbenchLiteral(value) : sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (/\d/.test(sql[j] ?? '')) j++;
      const n = Number(sql.slice(i + 1, j));
      if (n < 1 || n > params.length) throw new Error(`placeholder $${n} without a parameter`);
      out += pgbenchLiteral(params[n - 1]);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Values a baseline write transaction runs with. */
export interface TxValues {
  workspaceId: string;
  teamId: string;
  stateId: string;
  userId: string;
}

/** One statement of a baseline transaction: text with `:name` placeholders; `gset` stores the row. */
export interface TxStatement {
  text: string;
  gset?: boolean;
}

/** About 1 KB of description HTML, as the API's create requests send. */
export const BENCH_DESCRIPTION = `<p>${'Steps to reproduce the problem and what was expected instead. '.repeat(16)}</p>`;

/** A ~1.5 KB op-log payload, the size of a presented issue with its description. */
const OP_DATA = JSON.stringify({ title: 'Baseline', description: BENCH_DESCRIPTION, priority: 'none', labelIds: [], padding: 'x'.repeat(300) });

/**
 * The create transaction of perf-baseline.md §2.1 (`create_tx.sql`): lock the workspace's version
 * counter, take the team's next number, insert the issue (rank at the top of the team; `Y00…1` is
 * a valid fractional-index key below every generated rank), append one op-log row, bump the version.
 * Placeholders: `:ws :team :state :user` (fixed per script), `:n` (set by the counter update).
 */
export const CREATE_TX: TxStatement[] = [
  { text: 'select version from workspace where id = :ws for update' },
  { text: 'update team set issue_count = issue_count + 1 where id = :team returning issue_count as n', gset: true },
  {
    text:
      'insert into issue (id, workspace_id, team_id, number, title, description, state_id, creator_id, priority, sort_order, created_at, updated_at) ' +
      `values (gen_random_uuid(), :ws, :team, :n::int, 'Baseline create', :descr, :state, :user, 0, 'Y00' || lpad((:n::int)::text, 9, '0') || '1', now(), now()) returning *`,
  },
  {
    text:
      'insert into sync_operation (workspace_id, version, seq, entity, entity_id, action, data, team_id, actor_id, created_at) ' +
      `select :ws, version + 1, 0, 'issue', gen_random_uuid(), 'insert', :data::jsonb, :team, :user, now() from workspace where id = :ws`,
  },
  { text: 'update workspace set version = version + 1 where id = :ws' },
];

/**
 * The update transaction (perf-baseline.md §3 B5 `update_tx.sql`): lock the version counter, lock
 * the issue by team and number, change title, priority and state, append one op-log row, bump
 * the version. Placeholders: `:ws :team :state :user`, `:num` (issue number), `:prio` (0–4),
 * `:id` (set by the lookup).
 */
export const UPDATE_TX: TxStatement[] = [
  { text: 'select version from workspace where id = :ws for update' },
  { text: 'select id from issue where team_id = :team and number = :num for update', gset: true },
  { text: "update issue set title = 'Baseline update ' || :num::text, priority = :prio, state_id = :state, updated_at = now() where id = :id returning *" },
  {
    text:
      'insert into sync_operation (workspace_id, version, seq, entity, entity_id, action, data, team_id, actor_id, created_at) ' +
      `select :ws, version + 1, 0, 'issue', :id, 'update', :data::jsonb, :team, :user, now() from workspace where id = :ws`,
  },
  { text: 'update workspace set version = version + 1 where id = :ws' },
];

/** Fixed values of a transaction's placeholders (everything but the per-execution ones). */
export function fixedVars(v: TxValues): Record<string, string> {
  return { ws: v.workspaceId, team: v.teamId, state: v.stateId, user: v.userId, descr: BENCH_DESCRIPTION, data: OP_DATA };
}

/**
 * A pgbench script for a transaction: fixed values inlined as literals, per-execution values kept
 * as pgbench variables (`\set` lines come from `sets`), `\gset` after statements that set one.
 */
export function pgbenchTxScript(stmts: TxStatement[], fixed: Record<string, string>, sets: string[] = []): string {
  const lines = [...sets, 'BEGIN;'];
  for (const s of stmts) {
    const text = s.text.replace(/(?<!:):([a-z]+)/g, (m, name: string) => (name in fixed ? pgbenchLiteral(fixed[name]) : m));
    lines.push(s.gset ? `${text} \\gset` : `${text};`);
  }
  lines.push('COMMIT;');
  return `${lines.join('\n')}\n`;
}

/**
 * A statement as driver text with `$n` placeholders and its parameter values.
 * @throws Error for a placeholder missing from `vars`
 */
export function driverStatement(text: string, vars: Record<string, unknown>): { text: string; params: unknown[] } {
  const names: string[] = [];
  const out = text.replace(/(?<!:):([a-z]+)/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`no value for :${name}`);
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text: out, params: names.map((n) => vars[n]) };
}
