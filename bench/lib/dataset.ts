/**
 * Dataset D100k of perf-baseline.md §3 (or a smaller D10k for `--quick`): one workspace, 10 teams
 * with the default workflow states (7 per team), 30 members plus one who is never assigned, 12
 * workspace labels plus one per team plus one never applied, and `total` issues with ~1 KB HTML
 * descriptions, 0–3 labels each, assignees, and state and priority drawn independently (uncorrelated).
 *
 * Loaded with COPY (PostgreSQL: `COPY … FROM STDIN`; PGlite: `COPY … FROM '/dev/blob'`), never
 * through the API. Manual-order ranks come from lib/rank.ts `ranksBetween`, shuffled so manual
 * order is unrelated to creation order. Data is generated from a fixed seed, so both engines and
 * every run hold the same rows; only the personal access token is random.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { ranksBetween } from '../../apps/server/src/lib/rank.ts';
import { DEFAULT_STATES } from '../../apps/server/src/modules/teams/teams.service.ts';
import { type Rng, rng, sha256 } from './util.ts';

/** A raw connection to load through: postgres.js or PGlite. */
export type RawDb = { kind: 'postgres'; sql: postgres.Sql } | { kind: 'pglite'; pg: PGlite };

/** A team of the fixture. */
export interface FixtureTeam {
  id: string;
  key: string;
  /** Workflow state ids in position order (7: Backlog … Duplicate). */
  stateIds: string[];
  /** The team's own label. */
  labelId: string;
}

/** What the loader created: ids the workloads pick from. */
export interface Fixture {
  workspaceId: string;
  /** The token's user (workspace owner; also assignable). */
  userId: string;
  /** `pat_…` personal access token with scopes read and write. */
  token: string;
  /** Users issues are assigned to (the token user included). */
  assignees: string[];
  /** A member with no assigned issue (zero-match filters). */
  idleUserId: string;
  teams: FixtureTeam[];
  /** Workspace labels applied to issues. */
  labels: string[];
  /** A workspace label applied to no issue (zero-match filters). */
  unusedLabelId: string;
  issuesPerTeam: number;
  total: number;
  /** Seconds spent loading (COPY plus VACUUM ANALYZE). */
  loadSeconds: number;
}

const TEAM_KEYS = ['ENG', 'WEB', 'API', 'MOB', 'OPS', 'DAT', 'SEC', 'INF', 'QAS', 'DOC'];

/** Title vocabulary: each word lands in about 5% of titles. */
export const WORDS = (
  'login logout signup session token cache queue worker deploy build release sync offline ' +
  'search filter sort label state priority cycle project board list view editor comment ' +
  'mention notification email webhook import export billing invoice payment account profile ' +
  'avatar upload attachment image preview theme sidebar header footer modal dialog tooltip ' +
  'shortcut keyboard palette command timeout retry crash leak slow flaky broken missing wrong ' +
  'duplicate stale empty blank overflow scroll drag drop resize zoom mobile desktop android ios ' +
  'safari firefox chrome windows linux api graphql rest schema migration index query database ' +
  'postgres redis socket stream event metric trace log alert dashboard report chart table ' +
  'column row cell date time zone locale translation unicode emoji markdown link redirect ' +
  'permission role admin guest invite team workspace member settings config'
).split(' ');

const VERBS = ['Fix', 'Add', 'Improve', 'Remove', 'Refactor', 'Investigate', 'Support', 'Update', 'Document', 'Speed up'];

function title(r: Rng): string {
  const n = 4 + r.int(5);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(r.pick(WORDS));
  return `${r.pick(VERBS)} ${words.join(' ')}`;
}

function description(r: Rng): string {
  const paras: string[] = [];
  let len = 0;
  while (len < 1000) {
    const sentence = Array.from({ length: 8 + r.int(8) }, () => r.pick(WORDS)).join(' ');
    const p = `<p>${sentence[0]!.toUpperCase()}${sentence.slice(1)}.</p>`;
    paras.push(p);
    len += p.length;
  }
  return paras.join('');
}

/** One CSV field: null → empty (NULL in COPY CSV), text quoted with doubled quotes. */
function f(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  return `"${v.replace(/"/g, '""')}"`;
}

function line(values: Array<string | number | boolean | null>): string {
  return `${values.map(f).join(',')}\n`;
}

/** Streams CSV lines into `table (cols)` with COPY on either engine. */
export async function copyRows(db: RawDb, table: string, cols: string[], rows: Iterable<string>): Promise<void> {
  const target = `"${table}" (${cols.map((c) => `"${c}"`).join(', ')})`;
  if (db.kind === 'postgres') {
    const writable = await db.sql.unsafe(`copy ${target} from stdin with (format csv)`).writable();
    await pipeline(Readable.from(batches(rows, 2000)), writable);
    return;
  }
  for (const chunk of batches(rows, 5000)) {
    await db.pg.query(`copy ${target} from '/dev/blob' with (format csv)`, [], { blob: new Blob([chunk]) });
  }
}

function* batches(rows: Iterable<string>, size: number): Generator<string> {
  let buf: string[] = [];
  for (const r of rows) {
    buf.push(r);
    if (buf.length >= size) {
      yield buf.join('');
      buf = [];
    }
  }
  if (buf.length) yield buf.join('');
}

/** Runs one SQL statement without parameters on either engine. */
export async function execRaw(db: RawDb, text: string): Promise<void> {
  if (db.kind === 'postgres') await db.sql.unsafe(text);
  else await db.pg.exec(text);
}

/**
 * Loads the dataset into a migrated, empty database.
 * @param total issues in all (split evenly over 10 teams): 100,000 for D100k, 10,000 for `--quick`
 */
export async function loadDataset(db: RawDb, total: number, seed = 20261129): Promise<Fixture> {
  const t0 = performance.now();
  const r = rng(seed);
  const now = Date.parse('2026-11-29T12:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const workspaceId = r.uuid();
  const users = Array.from({ length: 31 }, (_, i) => ({ id: r.uuid(), email: `bench${i}@example.test`, name: `Bench User ${i}` }));
  const [owner] = users;
  const idle = users[30]!;
  const assignees = users.slice(0, 30).map((u) => u.id);
  const token = `pat_${randomBytes(32).toString('base64url')}`;
  const created = iso(now - 400 * 86400_000);

  await copyRows(db, 'workspace', ['id', 'name', 'url_slug', 'version', 'created_at', 'updated_at'], [line([workspaceId, 'Bench', 'bench', 0, created, created])]);
  await copyRows(db, 'user', ['id', 'email', 'name', 'created_at', 'updated_at'], users.map((u) => line([u.id, u.email, u.name, created, created])));
  await copyRows(
    db,
    'member',
    ['id', 'workspace_id', 'user_id', 'role', 'created_at', 'updated_at'],
    users.map((u, i) => line([r.uuid(), workspaceId, u.id, i === 0 ? 'owner' : 'member', created, created])),
  );
  await copyRows(
    db,
    'personal_access_token',
    ['id', 'workspace_id', 'user_id', 'name', 'token_hash', 'token_prefix', 'scopes', 'created_at'],
    [line([r.uuid(), workspaceId, owner!.id, 'bench', sha256(token), token.slice(0, 12), '["read","write"]', created])],
  );

  const perTeam = Math.floor(total / TEAM_KEYS.length);
  const teams: FixtureTeam[] = TEAM_KEYS.map((key) => ({ id: r.uuid(), key, stateIds: DEFAULT_STATES.map(() => r.uuid()), labelId: r.uuid() }));
  await copyRows(
    db,
    'team',
    ['id', 'workspace_id', 'name', 'key', 'issue_count', 'created_at', 'updated_at'],
    teams.map((t) => line([t.id, workspaceId, `Team ${t.key}`, t.key, perTeam, created, created])),
  );
  await copyRows(
    db,
    'team_member',
    ['team_id', 'user_id', 'workspace_id', 'created_at'],
    teams.flatMap((t) => users.map((u) => line([t.id, u.id, workspaceId, created]))),
  );
  await copyRows(
    db,
    'workflow_state',
    ['id', 'workspace_id', 'team_id', 'name', 'category', 'color', 'position', 'is_default', 'created_at', 'updated_at'],
    teams.flatMap((t) => DEFAULT_STATES.map((s, i) => line([t.stateIds[i]!, workspaceId, t.id, s.name, s.category, s.color, i + 1, s.isDefault, created, created]))),
  );
  const labels = Array.from({ length: 12 }, () => r.uuid());
  const unusedLabelId = r.uuid();
  await copyRows(
    db,
    'label',
    ['id', 'workspace_id', 'team_id', 'name', 'color', 'created_at', 'updated_at'],
    [
      ...labels.map((id, i) => line([id, workspaceId, null, `Label ${i}`, '#5e6ad2', created, created])),
      line([unusedLabelId, workspaceId, null, 'Never used', '#95a2b3', created, created]),
      ...teams.map((t) => line([t.labelId, workspaceId, t.id, `${t.key} area`, '#f2c94c', created, created])),
    ],
  );

  const descriptions = Array.from({ length: 512 }, () => description(r));
  const links: string[] = [];
  const categories = DEFAULT_STATES.map((s) => s.category);
  const year = 365 * 86400_000;
  function* issueRows(): Generator<string> {
    for (const t of teams) {
      const ranks = ranksBetween(null, null, perTeam);
      // Fisher–Yates: manual order independent of number and creation time.
      for (let i = ranks.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
      }
      for (let n = 1; n <= perTeam; n++) {
        const id = r.uuid();
        const si = r.int(t.stateIds.length);
        const cat = categories[si];
        const createdMs = now - year + r.int(year);
        const updatedMs = createdMs + r.int(30 * 86400_000);
        const startedAt = cat === 'started' || cat === 'completed' ? iso(createdMs + 3600_000) : null;
        const doneAt = cat === 'completed' || cat === 'canceled' ? iso(updatedMs) : null;
        const assignee = r.next() < 0.2 ? null : r.pick(assignees);
        const due = r.next() < 0.1 ? iso(createdMs + r.int(60) * 86400_000).slice(0, 10) : null;
        const pool = [...labels, t.labelId];
        const k = r.int(4);
        const mine = new Set<string>();
        while (mine.size < k) mine.add(r.pick(pool));
        for (const l of mine) links.push(line([id, l, workspaceId]));
        yield line([
          id, workspaceId, t.id, n, title(r), r.pick(descriptions), t.stateIds[si]!, assignee, r.pick(assignees),
          r.int(5), r.next() < 0.5 ? null : r.pick([1, 2, 3, 5, 8]), ranks[n - 1]!, due, startedAt,
          cat === 'completed' ? doneAt : null, cat === 'canceled' ? doneAt : null, iso(createdMs), iso(updatedMs),
        ]);
      }
    }
  }
  await copyRows(
    db,
    'issue',
    ['id', 'workspace_id', 'team_id', 'number', 'title', 'description', 'state_id', 'assignee_id', 'creator_id', 'priority', 'estimate',
      'sort_order', 'due_date', 'started_at', 'completed_at', 'canceled_at', 'created_at', 'updated_at'],
    issueRows(),
  );
  await copyRows(db, 'issue_label', ['issue_id', 'label_id', 'workspace_id'], links);
  await execRaw(db, 'vacuum analyze');
  return {
    workspaceId,
    userId: owner!.id,
    token,
    assignees,
    idleUserId: idle.id,
    teams,
    labels,
    unusedLabelId,
    issuesPerTeam: perTeam,
    total: perTeam * teams.length,
    loadSeconds: (performance.now() - t0) / 1000,
  };
}
