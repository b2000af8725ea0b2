/**
 * Validation of every id an issue write refers to — team, workflow state, assignee, labels,
 * parent — within the actor's workspace and readable teams. An id the actor cannot see is a 404
 * naming the field it came from; a visible id that breaks a rule is a 422 naming it. Lookups are
 * cached for the life of one mutation (a bulk update checks the same state 200 times).
 */
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { issue, issueLabel, label, member, queryRows, team as teamTable, teamMember, workflowState, type Executor } from '@exponential/db';
import { invalid, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { assertStillMember, checkStillMember } from '../../lib/membership.ts';
import { canReadTeam } from '../../lib/policy.ts';
import { getReadableTeam, type TeamViewer } from '../teams/teams.repository.ts';
import { getReadableIssue, parseIdentifier } from './issues.repository.ts';
import type { Category } from './issues.rules.ts';

/** The fields of a workflow state that issue writes use. */
export type StateRef = Pick<typeof workflowState.$inferSelect, 'id' | 'workspaceId' | 'teamId' | 'category' | 'isDefault' | 'position'>;
type LabelRow = typeof label.$inferSelect;
type TeamRow = Awaited<ReturnType<typeof getReadableTeam>>;
type IssueRow = typeof issue.$inferSelect;

const STATE_COLUMNS = {
  id: workflowState.id,
  workspaceId: workflowState.workspaceId,
  teamId: workflowState.teamId,
  category: workflowState.category,
  isDefault: workflowState.isDefault,
  position: workflowState.position,
};

/** The states of the team row in scope (`team`), in workflow order, as a JSON array of {@link StateRef}. */
const teamStatesJson = sql<StateRef[]>`coalesce((select json_agg(json_build_object('id', s.id, 'workspaceId', s.workspace_id, 'teamId', s.team_id, 'category', s.category, 'isDefault', s.is_default, 'position', s.position) order by s.position, s.id) from ${workflowState} s where s.team_id = ${teamTable.id}), '[]'::json)`;

/** Whether the viewer belongs to the team row in scope (`team`). */
const isTeamMemberSql = (userId: string) =>
  sql<boolean>`exists (select 1 from ${teamMember} tm where tm.team_id = ${teamTable.id} and tm.user_id = ${userId})`;

/** The viewer's current role in its workspace (null when no longer a member). */
const currentRoleSql = (viewer: TeamViewer) =>
  sql<TeamViewer['role'] | null>`(select m.role from ${member} m where m.workspace_id = ${viewer.workspaceId} and m.user_id = ${viewer.userId})`;

/** A cached reference checker bound to one executor and viewer. */
export type IssueRefs = ReturnType<typeof createIssueRefs>;

/** Creates the reference checker for one mutation (or one read). */
export function createIssueRefs(ex: Executor, viewer: TeamViewer) {
  const teams = new Map<string, TeamRow>();
  const teamStates = new Map<string, StateRef[]>();
  const states = new Map<string, StateRef | null>();
  const idTaken = new Map<string, boolean>();
  const memberRoles = new Map<string, { role: TeamViewer['role'] } | null>();
  const teamMembers = new Map<string, Set<string>>();

  async function team(ref: string, field: string): Promise<TeamRow> {
    const hit = teams.get(ref);
    if (hit) return hit;
    const t = await getReadableTeam(ex, viewer, ref, field);
    teams.set(ref, t);
    teams.set(t.id, t);
    return t;
  }

  async function statesOf(teamId: string): Promise<StateRef[]> {
    let list = teamStates.get(teamId);
    if (!list) {
      list = await ex.select(STATE_COLUMNS).from(workflowState).where(eq(workflowState.teamId, teamId)).orderBy(asc(workflowState.position), asc(workflowState.id));
      teamStates.set(teamId, list);
    }
    return list;
  }

  /** Caches a readable team found by a combined query, with its states. */
  function prime(ref: string, t: TeamRow, list: StateRef[]): void {
    teams.set(ref, t);
    teams.set(t.id, t);
    teamStates.set(t.id, list);
    for (const st of list) states.set(st.id, st);
  }

  /** The team condition of a combined query: by id, or by current key (former keys take the slow path). */
  function teamCondition(ref: string): SQL {
    return isUuid(ref) ? eq(teamTable.id, ref) : eq(teamTable.key, ref.toUpperCase());
  }

  async function membersOf(teamId: string): Promise<Set<string>> {
    let set = teamMembers.get(teamId);
    if (!set) {
      const rows = await ex.select({ userId: teamMember.userId }).from(teamMember).where(eq(teamMember.teamId, teamId));
      set = new Set(rows.map((r) => r.userId));
      teamMembers.set(teamId, set);
    }
    return set;
  }

  return {
    /**
     * What a create checks first, in ONE statement under the workspace lock: the actor's current
     * role (the membership re-check of lib/membership.ts), the team `teamRef` names, whether the
     * actor belongs to it, its workflow states, and whether `id` is taken. Readable teams and
     * states are cached for {@link targetTeam}, {@link state} and {@link defaultState}; an absent
     * or unreadable team is left to them (404, former keys).
     * @throws AppError 403 `not_a_member`, 409 `role_changed`
     */
    async memberAndTeam(teamRef: string, id?: string): Promise<void> {
      const [row] = await ex
        .select({
          role: member.role,
          team: teamTable,
          isMember: isTeamMemberSql(viewer.userId),
          states: teamStatesJson,
          idTaken: id ? sql<boolean>`exists (select 1 from ${issue} where ${issue.id} = ${id})` : sql<boolean>`false`,
        })
        .from(member)
        .leftJoin(teamTable, and(eq(teamTable.workspaceId, member.workspaceId), teamCondition(teamRef)))
        .where(and(eq(member.workspaceId, viewer.workspaceId), eq(member.userId, viewer.userId)));
      checkStillMember(row?.role ?? null, viewer);
      if (!row) return;
      if (id) idTaken.set(id, row.idTaken);
      if (row.team && canReadTeam(viewer.role, row.team, row.isMember)) prime(teamRef, { ...row.team, isMember: row.isMember }, row.states);
    },

    /**
     * The issue a write changes, locked (FOR UPDATE), with its label ids, in ONE statement under the
     * workspace lock that also re-checks the actor's membership (lib/membership.ts) and loads the
     * issue's team and its states into the cache. A reference the statement cannot resolve (absent,
     * a former team key) takes the general path: the membership re-check, then getReadableIssue.
     * @param field where the reference came from, for the 404 (`/params/issueId`)
     * @throws AppError 403 `not_a_member`, 409 `role_changed`, 404 when absent or unreadable
     */
    async lockIssueAsMember(ref: string, field: string): Promise<{ current: IssueRow & { teamKey: string }; labelIds: string[] }> {
      let cond: SQL | undefined;
      if (isUuid(ref)) cond = eq(issue.id, ref);
      else {
        const p = parseIdentifier(ref);
        if (p) cond = and(eq(teamTable.key, p.key), eq(issue.number, p.number));
      }
      if (cond) {
        const [row] = await ex
          .select({
            issue,
            team: teamTable,
            role: currentRoleSql(viewer),
            isMember: isTeamMemberSql(viewer.userId),
            states: teamStatesJson,
            labelIds: sql<string[]>`array(select ${issueLabel.labelId} from ${issueLabel} where ${issueLabel.issueId} = ${issue.id} order by ${issueLabel.labelId})`,
          })
          .from(issue)
          .innerJoin(teamTable, eq(teamTable.id, issue.teamId))
          .where(and(eq(issue.workspaceId, viewer.workspaceId), cond))
          .for('update', { of: issue });
        if (row) {
          checkStillMember(row.role, viewer);
          if (!canReadTeam(viewer.role, row.team, row.isMember)) throw notFound('Issue', field, ref);
          prime(row.team.id, { ...row.team, isMember: row.isMember }, row.states);
          return { current: { ...row.issue, teamKey: row.team.key }, labelIds: row.labelIds };
        }
      }
      await assertStillMember(ex as Parameters<typeof assertStillMember>[0], viewer);
      const current = await getReadableIssue(ex, viewer, ref, field, true);
      const labelIds = (
        await ex.select({ id: issueLabel.labelId }).from(issueLabel).where(eq(issueLabel.issueId, current.id)).orderBy(asc(issueLabel.labelId))
      ).map((r) => r.id);
      return { current, labelIds };
    },

    /** Whether an issue with this id exists (cached when {@link memberAndTeam} looked it up). */
    async idTaken(id: string): Promise<boolean> {
      let hit = idTaken.get(id);
      if (hit === undefined) {
        hit = (await ex.select({ id: issue.id }).from(issue).where(eq(issue.id, id))).length > 0;
        idTaken.set(id, hit);
      }
      return hit;
    },

    /**
     * A team the viewer may read, for an issue to live in.
     * @throws AppError 404 (absent or unreadable), 422 when the team is archived
     */
    async targetTeam(ref: string, field: string): Promise<TeamRow> {
      const t = await team(ref, field);
      if (t.archivedAt) throw invalid(field, `Team ${t.key} is archived; unarchive it to add issues`);
      return t;
    },

    /**
     * A workflow state for an issue of `teamId`.
     * @throws AppError 404 when not a state of the workspace (or of an unreadable team), 422 when of another team
     */
    async state(stateId: string, teamId: string, field: string): Promise<StateRef> {
      let s = states.get(stateId);
      if (s === undefined) {
        [s = null] = await ex
          .select(STATE_COLUMNS)
          .from(workflowState)
          .where(and(eq(workflowState.id, stateId), eq(workflowState.workspaceId, viewer.workspaceId)));
        states.set(stateId, s);
      }
      if (!s) throw notFound('Workflow state', field, stateId);
      if (s.teamId !== teamId) {
        try {
          await team(s.teamId, field);
        } catch {
          throw notFound('Workflow state', field, stateId);
        }
        throw invalid(field, `Workflow state ${stateId} belongs to another team; use a state of the issue's team`);
      }
      return s;
    },

    /** The category of a state id already known to exist (the issue's current state). */
    async categoryOf(stateId: string, teamId: string): Promise<Category> {
      const s = (await statesOf(teamId)).find((x) => x.id === stateId);
      return s?.category ?? 'backlog';
    },

    /**
     * The default state of `category` in a team: the state marked default, else the first by
     * position; falls back to the backlog default, then to the team's first state.
     */
    async defaultState(teamId: string, category: Category = 'backlog'): Promise<StateRef> {
      const list = await statesOf(teamId);
      const pick = (c: Category) => list.find((s) => s.category === c && s.isDefault) ?? list.find((s) => s.category === c);
      const s = pick(category) ?? pick('backlog') ?? list[0];
      if (!s) throw invalid('/body/teamId', 'The team has no workflow states');
      return s;
    },

    /**
     * Checks that `userId` may be assigned an issue of `teamId`: a workspace member who can read the team.
     * @throws AppError 404 when not a member of the workspace, 422 when the team is hidden from them
     */
    async assignee(userId: string, teamId: string, field: string): Promise<void> {
      let m = memberRoles.get(userId);
      if (m === undefined) {
        [m = null] = await ex
          .select({ role: member.role })
          .from(member)
          .where(and(eq(member.workspaceId, viewer.workspaceId), eq(member.userId, userId)));
        memberRoles.set(userId, m);
      }
      if (!m) throw notFound('User', field, userId);
      const t = await team(teamId, field);
      if (!canReadTeam(m.role, t, (await membersOf(teamId)).has(userId))) {
        throw invalid(field, `User ${userId} cannot access team ${t.key}; add them to the team first`);
      }
    },

    /**
     * Checks labels to apply to an issue of `teamId`: workspace labels or labels of that team,
     * not label groups, not archived, at most one label per group.
     * @param fieldOf JSON pointer of the i-th id (`/body/labelIds/3`)
     * @throws AppError 404 (absent or in an unreadable team), 422 (rule broken)
     */
    async labels(ids: string[], teamId: string, fieldOf: (i: number) => string): Promise<LabelRow[]> {
      if (!ids.length) return [];
      const rows = await ex.select().from(label).where(and(eq(label.workspaceId, viewer.workspaceId), inArray(label.id, ids)));
      const byId = new Map(rows.map((r) => [r.id, r]));
      const groups = new Map<string, number>();
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as string;
        const l = byId.get(id);
        const field = fieldOf(i);
        if (!l) throw notFound('Label', field, id);
        if (l.teamId && l.teamId !== teamId) {
          try {
            await team(l.teamId, field);
          } catch {
            throw notFound('Label', field, id);
          }
          throw invalid(field, `Label "${l.name}" belongs to another team`);
        }
        if (l.isGroup) throw invalid(field, `"${l.name}" is a label group; apply one of its labels`);
        if (l.archivedAt) throw invalid(field, `Label "${l.name}" is archived`);
        if (l.parentId) {
          const other = groups.get(l.parentId);
          if (other !== undefined) throw invalid(field, `Labels ${ids[other]} and ${id} are in the same group; choose one`);
          groups.set(l.parentId, i);
        }
      }
      return ids.map((id) => byId.get(id) as LabelRow);
    },

    /**
     * Checks a parent for issue `childId` (null on create): readable, not the issue itself and
     * not one of its descendants (no cycles).
     * @throws AppError 404 (absent or unreadable), 422 (self or cycle)
     */
    async parent(ref: string, childId: string | null, field: string) {
      const p = await getReadableIssue(ex, viewer, ref, field);
      if (childId === null) return p;
      if (p.id === childId) throw invalid(field, 'An issue cannot be its own parent');
      // Walk up from the new parent; meeting the child means the child would become its own ancestor.
      const hit = await queryRows<{ id: string }>(
        ex,
        sql`with recursive up(id, parent_id) as (
              select id, parent_id from issue where id = ${p.id}
              union
              select i.id, i.parent_id from issue i join up on i.id = up.parent_id
            )
            select id from up where id = ${childId} limit 1`,
      );
      if (hit.length) throw invalid(field, `Issue ${p.teamKey}-${p.number} is a sub-issue of this issue; that would make a cycle`);
      return p;
    },
  };
}
