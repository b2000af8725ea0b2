/**
 * Workloads B1–B5 of perf-baseline.md §3 over the loaded dataset. Each is a fixed list of API
 * requests (parameter sets drawn from a seeded generator: random team, cursor position, state,
 * priority, assignee, label, search text) that the load generator cycles through, with the
 * concurrency the suite names and the target ratio to its baseline.
 *
 * List cursors are real signed cursors (lib/cursor.ts with the run's session secret) at random
 * positions, so pages come from anywhere in a team, as in the baseline's keyset probe.
 */
import { PRIORITIES } from '../apps/server/src/modules/issues/issues.presenter.ts';
import { createCursorCodec } from '../apps/server/src/lib/cursor.ts';
import type { Fixture } from './lib/dataset.ts';
import { WORDS } from './lib/dataset.ts';
import { queryRaw } from './lib/engines.ts';
import type { RawDb } from './lib/dataset.ts';
import type { HttpRequest } from './lib/load.ts';
import { BENCH_DESCRIPTION } from './lib/sqltext.ts';
import { type Rng, rng } from './lib/util.ts';

/** Suite groups this harness covers. */
export type Group = 'B1' | 'B2' | 'B3' | 'B4' | 'B5';

/** Gates of a workload (perf-baseline.md §3, with the stricter B1/B4 ratios of the tracker issue). */
export interface Targets {
  /** Minimum API throughput ÷ pgbench (PostgreSQL). */
  ratio: number;
  /** Maximum p99 latency at the workload's concurrency, ms. */
  p99Ms: number;
  /** Maximum p50 at one connection, ms (B1). */
  p50C1Ms?: number;
  /** Maximum shared buffers of the page query's plan (B2). */
  buffers?: number;
  /** The "≈ absolute here" req/s of perf-baseline.md §3 (PostgreSQL; informational, not a gate). */
  absRps: number;
}

/** One workload. */
export interface Workload {
  id: string;
  group: Group;
  title: string;
  kind: 'read' | 'create' | 'update';
  /** HTTP connections (wrk -c) for the API and the bare endpoint. */
  connections: number;
  /** Every response should be an empty page. */
  zeroMatch?: boolean;
  /** Also measure at one connection (B1's p50 at c1). */
  alsoC1?: boolean;
  requests: HttpRequest[];
  targets: Targets;
}

const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

const qs = (o: Record<string, string | number | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

const list = (o: Record<string, string | number | undefined>): HttpRequest => ({ method: 'GET', path: `/api/v1/issues?${qs(o)}` });

/**
 * Builds the workloads for a loaded dataset.
 * @param k parameter sets per read workload (each becomes one pgbench script, so ≤ 100)
 */
export async function buildWorkloads(db: RawDb, fx: Fixture, secret: string, k = 32, seed = 7015): Promise<Workload[]> {
  const r = rng(seed);
  const codec = createCursorCodec([secret]);
  const team = (i: number) => fx.teams[i % fx.teams.length]!;
  type Pos = { id: string; sort_order: string; ca: string; title: string; number: number };
  const cols = `id, sort_order, to_char(created_at at time zone 'UTC', ${ISO_US}) as ca, title, number`;
  const randomIssue = async (rr: Rng, teamId: string) => {
    const [row] = await queryRaw<Pos>(db, `select ${cols} from issue where team_id = $1 and number = $2`, [teamId, 1 + rr.int(fx.issuesPerTeam)]);
    if (!row) throw new Error('dataset has no such issue');
    return row;
  };
  // A cursor position with at least a full page after it in the given order (OFFSET: load time only).
  const position = async (order: 'manual' | 'created', teamId: string | null) => {
    const size = teamId ? fx.issuesPerTeam : fx.total;
    const by = order === 'manual' ? 'sort_order, id' : 'created_at desc, id desc';
    const [row] = await queryRaw<Pos>(
      db,
      `select ${cols} from issue where ${teamId ? 'team_id = $1' : 'workspace_id = $1'} order by ${by} offset $2 limit 1`,
      [teamId ?? fx.workspaceId, r.int(Math.max(1, size - 60))],
    );
    if (!row) throw new Error('dataset has no such position');
    return row;
  };
  const times = async <T>(n: number, f: (i: number) => Promise<T> | T): Promise<T[]> => {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(await f(i));
    return out;
  };
  const listTargets: Targets = { ratio: 0.2, p99Ms: 60, p50C1Ms: 3, absRps: 950 };
  const filterTargets: Targets = { ratio: 0.15, p99Ms: 100, buffers: 5000, absRps: 240 };
  const searchTargets: Targets = { ratio: 0.15, p99Ms: 50, absRps: 340 };
  const pickState = (i: number) => r.pick(team(i).stateIds);
  const pickPriority = () => r.pick(PRIORITIES);

  const w: Workload[] = [
    {
      id: 'B1.manual',
      group: 'B1',
      title: 'List: team, manual order, page of 50 after a random cursor',
      kind: 'read',
      connections: 32,
      alsoC1: true,
      targets: listTargets,
      requests: await times(k, async (i) => {
        const row = await position('manual', team(i).id);
        return list({ teamId: team(i).id, orderBy: 'manual', limit: 50, cursor: codec.encode(['i1', 'manual', row.sort_order, row.id]) });
      }),
    },
    {
      id: 'B1.created',
      group: 'B1',
      title: 'List: team, newest first (default order), page of 50 after a random cursor',
      kind: 'read',
      connections: 32,
      targets: listTargets,
      requests: await times(k, async (i) => {
        const row = await position('created', team(i).id);
        return list({ teamId: team(i).id, limit: 50, cursor: codec.encode(['i1', 'createdAt', row.ca, row.id]) });
      }),
    },
    {
      id: 'B1.workspace',
      group: 'B1',
      title: 'List: all teams, newest first, page of 50 after a random cursor',
      kind: 'read',
      connections: 32,
      targets: listTargets,
      requests: await times(k, async () => {
        const row = await position('created', null);
        return list({ limit: 50, cursor: codec.encode(['i1', 'createdAt', row.ca, row.id]) });
      }),
    },
    { id: 'B2.state', title: 'Filter: team + state', make: (i: number) => ({ teamId: team(i).id, stateId: pickState(i) }) },
    {
      id: 'B2.board',
      title: 'Filter: team + state in manual order (a board column)',
      make: (i: number) => ({ teamId: team(i).id, stateId: pickState(i), orderBy: 'manual' }),
    },
    {
      id: 'B2.state-priority',
      title: 'Filter: team + state + priority',
      make: (i: number) => ({ teamId: team(i).id, stateId: pickState(i), priority: pickPriority() }),
    },
    {
      id: 'B2.state-priority-assignee',
      title: 'Filter: team + state + priority + assignee (rare)',
      make: (i: number) => ({ teamId: team(i).id, stateId: pickState(i), priority: pickPriority(), assigneeId: r.pick(fx.assignees) }),
    },
    { id: 'B2.label', title: 'Filter: team + label', make: (i: number) => ({ teamId: team(i).id, labelId: r.pick(fx.labels) }) },
    {
      id: 'B2.assignee-label',
      title: 'Filter: team + assignee + label',
      make: (i: number) => ({ teamId: team(i).id, assigneeId: r.pick(fx.assignees), labelId: r.pick(fx.labels) }),
    },
    { id: 'B2.me', title: 'Filter: assignee = me, all teams', make: () => ({ assigneeId: 'me' }) },
    {
      id: 'B2.zero-state',
      title: "Zero match: team + another team's state",
      zero: true,
      make: (i: number) => ({ teamId: team(i).id, stateId: pickState(i + 1) }),
    },
    { id: 'B2.zero-label', title: 'Zero match: team + a label no issue has', zero: true, make: (i: number) => ({ teamId: team(i).id, labelId: fx.unusedLabelId }) },
    {
      id: 'B2.zero-assignee',
      title: 'Zero match: team + state + priority + a member with no issues',
      zero: true,
      make: (i: number) => ({ teamId: team(i).id, stateId: pickState(i), priority: pickPriority(), assigneeId: fx.idleUserId }),
    },
  ].map((x): Workload => {
    if ('group' in x) return x as Workload;
    const f = x as { id: string; title: string; zero?: boolean; make: (i: number) => Record<string, string> };
    return {
      id: f.id,
      group: 'B2',
      title: f.title,
      kind: 'read',
      connections: 32,
      zeroMatch: f.zero,
      targets: filterTargets,
      requests: Array.from({ length: k }, (_, i) => list({ ...f.make(i), limit: 50 })),
    };
  });

  const phrase = async (i: number) => {
    const words = (await randomIssue(r, team(i).id)).title.split(' ');
    const at = 1 + r.int(Math.max(1, words.length - 2));
    return `${words[at]} ${words[at + 1] ?? ''}`.trim();
  };
  const short = WORDS.filter((x) => x.length >= 4).map((x) => x.slice(1, 3));
  const searches: Array<{ id: string; title: string; zero?: boolean; q: (i: number) => Promise<Record<string, string>> | Record<string, string> }> = [
    { id: 'B3.word', title: 'Search: one title word (~5% of issues), all teams', q: () => ({ q: r.pick(WORDS) }) },
    { id: 'B3.team-word', title: 'Search: team + one title word', q: (i) => ({ teamId: team(i).id, q: r.pick(WORDS) }) },
    { id: 'B3.phrase', title: 'Search: two adjacent title words (rare), all teams', q: async (i) => ({ q: await phrase(i) }) },
    { id: 'B3.identifier', title: 'Search: an identifier (ENG-123), all teams', q: (i) => ({ q: `${team(i).key}-${1 + r.int(fx.issuesPerTeam)}` }) },
    { id: 'B3.none', title: 'Search: text no title contains', zero: true, q: (i) => ({ q: `qzx${String.fromCharCode(97 + (i % 26))}v` }) },
    { id: 'B3.short', title: 'Search: two letters (below the trigram length)', q: () => ({ q: r.pick(short) }) },
  ];
  for (const s of searches) {
    w.push({
      id: s.id,
      group: 'B3',
      title: s.title,
      kind: 'read',
      connections: 8,
      zeroMatch: s.zero,
      targets: searchTargets,
      requests: await times(k, async (i) => list({ ...(await s.q(i)), limit: 50 })),
    });
  }

  w.push({
    id: 'B4.create',
    group: 'B4',
    title: 'Create issue (~1 KB description; number, rank, history, op log)',
    kind: 'create',
    connections: 8,
    targets: { ratio: 0.35, p99Ms: 50, absRps: 460 },
    requests: fx.teams.map((t) => ({
      method: 'POST',
      path: '/api/v1/issues',
      body: JSON.stringify({ teamId: t.id, title: 'Bench create {{n}}', description: BENCH_DESCRIPTION, priority: 'medium' }),
    })),
  });
  w.push({
    id: 'B5.update',
    group: 'B5',
    title: 'Update issue: title, priority and state (by identifier)',
    kind: 'update',
    connections: 8,
    targets: { ratio: 0.25, p99Ms: 50, absRps: 460 },
    requests: Array.from({ length: 64 }, (_, i) => ({
      method: 'PATCH',
      path: `/api/v1/issues/${team(i).key}-${1 + r.int(fx.issuesPerTeam)}`,
      body: JSON.stringify({ title: 'Bench update {{n}}', priority: pickPriority(), stateId: pickState(i) }),
    })),
  });
  return w;
}
