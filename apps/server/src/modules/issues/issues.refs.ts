/**
 * Validation of every id an issue write refers to — team, workflow state, assignee, labels,
 * parent — within the actor's workspace and readable teams. An id the actor cannot see is a 404
 * naming the field it came from; a visible id that breaks a rule is a 422 naming it. Lookups are
 * cached for the life of one mutation (a bulk update checks the same state 200 times).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { label, member, queryRows, teamMember, workflowState, type Executor } from '@exponential/db';
import { invalid, notFound } from '../../lib/errors.ts';
import { canReadTeam } from '../../lib/policy.ts';
import { getReadableTeam, type TeamViewer } from '../teams/teams.repository.ts';
import { getReadableIssue } from './issues.repository.ts';
import type { Category } from './issues.rules.ts';

type StateRow = typeof workflowState.$inferSelect;
type LabelRow = typeof label.$inferSelect;
type TeamRow = Awaited<ReturnType<typeof getReadableTeam>>;

/** A cached reference checker bound to one executor and viewer. */
export type IssueRefs = ReturnType<typeof createIssueRefs>;

/** Creates the reference checker for one mutation (or one read). */
export function createIssueRefs(ex: Executor, viewer: TeamViewer) {
  const teams = new Map<string, TeamRow>();
  const teamStates = new Map<string, StateRow[]>();
  const states = new Map<string, StateRow | null>();
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

  async function statesOf(teamId: string): Promise<StateRow[]> {
    let list = teamStates.get(teamId);
    if (!list) {
      list = await ex.select().from(workflowState).where(eq(workflowState.teamId, teamId)).orderBy(asc(workflowState.position), asc(workflowState.id));
      teamStates.set(teamId, list);
    }
    return list;
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
    async state(stateId: string, teamId: string, field: string): Promise<StateRow> {
      let s = states.get(stateId);
      if (s === undefined) {
        [s = null] = await ex
          .select()
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
    async defaultState(teamId: string, category: Category = 'backlog'): Promise<StateRow> {
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
