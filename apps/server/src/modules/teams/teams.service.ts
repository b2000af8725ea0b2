/**
 * Teams, team members and workflow states.
 *
 * New teams get Linear's default workflow: Backlog, Todo, In Progress, In Review, Done, Canceled,
 * Duplicate (plus Triage when triage is on), one default state per category. A state in use is
 * deleted only with a replacement; the default of a category and the last state of a category
 * cannot be deleted.
 */
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { issue, member, team, teamKeyAlias, teamMember, user, workflowState, type Tx } from '@exponential/db';
import { AppError, conflict, invalid, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../lib/policy.ts';
import type { MutationContext, MutationDeps } from '../../sync/mutation.ts';
import { runMutation } from '../../sync/mutation.ts';
import { moveIssuesToState } from '../issues/issues.events.ts';
import { presentState, presentTeam, presentTeamMember } from './teams.presenter.ts';
import { getReadableTeam, readableTeams, teamIdByKey, type TeamViewer } from './teams.repository.ts';

type Category = (typeof workflowState.$inferSelect)['category'];

/** Linear's default workflow, in display order. */
export const DEFAULT_STATES: Array<{ name: string; category: Category; color: string; isDefault: boolean }> = [
  { name: 'Backlog', category: 'backlog', color: '#bec2c8', isDefault: true },
  { name: 'Todo', category: 'unstarted', color: '#e2e2e2', isDefault: true },
  { name: 'In Progress', category: 'started', color: '#f2c94c', isDefault: true },
  { name: 'In Review', category: 'started', color: '#0f783c', isDefault: false },
  { name: 'Done', category: 'completed', color: '#5e6ad2', isDefault: true },
  { name: 'Canceled', category: 'canceled', color: '#95a2b3', isDefault: true },
  { name: 'Duplicate', category: 'canceled', color: '#95a2b3', isDefault: false },
];
const TRIAGE_STATE = { name: 'Triage', category: 'triage' as Category, color: '#fc7840', isDefault: true };

/** Input of {@link createTeamIn}. */
export interface CreateTeamInput {
  id?: string;
  name: string;
  key?: string;
  description?: string | null;
  isPrivate?: boolean;
  triageEnabled?: boolean;
}

/** Derives a free key from a team name: its first letters, then digits if taken (`ENG`, `ENG2`). */
async function freeKey(tx: Tx, workspaceId: string, name: string): Promise<string> {
  const letters = name.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/^[0-9]+/, '');
  const base = (letters.slice(0, 3) || 'TEAM').padEnd(3, 'X');
  const taken = new Set([
    ...(await tx.select({ key: team.key }).from(team).where(eq(team.workspaceId, workspaceId))).map((r) => r.key),
    ...(await tx.select({ key: teamKeyAlias.key }).from(teamKeyAlias).where(eq(teamKeyAlias.workspaceId, workspaceId))).map((r) => r.key),
  ]);
  if (!taken.has(base)) return base;
  for (let i = 2; i < 10_000; i++) {
    const k = `${base}${i}`.slice(0, 7);
    if (!taken.has(k)) return k;
  }
  throw conflict('No free team key; choose one', 'team_key_taken', '/body/key');
}

/**
 * Creates a team with its default workflow states inside a mutation, and makes `creatorId` a member.
 * @throws AppError 409 `team_key_taken`
 */
export async function createTeamIn(ctx: MutationContext, creatorId: string, input: CreateTeamInput) {
  const { tx, workspaceId, now } = ctx;
  const key = input.key ?? (await freeKey(tx, workspaceId, input.name));
  if (await teamIdByKey(tx, workspaceId, key)) throw conflict(`The key ${key} is already used by another team`, 'team_key_taken', '/body/key');
  if (input.id) {
    const [idClash] = await tx.select({ id: team.id }).from(team).where(eq(team.id, input.id));
    if (idClash) throw conflict('A team with this id already exists', 'id_taken', '/body/id');
  }
  const [t] = await tx
    .insert(team)
    .values({
      id: input.id ?? newId(),
      workspaceId,
      name: input.name.trim(),
      key,
      description: input.description?.trim() || null,
      isPrivate: input.isPrivate ?? false,
      triageEnabled: input.triageEnabled ?? false,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await tx.insert(teamMember).values({ teamId: t!.id, userId: creatorId, workspaceId, createdAt: now });
  const defs = [...(t!.triageEnabled ? [TRIAGE_STATE] : []), ...DEFAULT_STATES];
  const states = await tx
    .insert(workflowState)
    .values(defs.map((d, i) => ({ id: newId(), workspaceId, teamId: t!.id, ...d, position: (i + 1) * 1000, createdAt: now, updatedAt: now })))
    .returning();
  ctx.emit({ entity: 'team', id: t!.id, action: 'insert', data: presentTeam(t!), teamId: t!.id });
  const tm = presentTeamMember(t!.id, creatorId);
  ctx.emit({ entity: 'teamMember', id: tm.id, action: 'insert', data: tm, teamId: t!.id });
  for (const s of states) ctx.emit({ entity: 'workflowState', id: s.id, action: 'insert', data: presentState(s), teamId: t!.id });
  return { team: t!, states };
}

/** Adds a Triage state to a team that has none (when triage is turned on). */
async function ensureTriageState(ctx: MutationContext, teamId: string) {
  const [existing] = await ctx.tx
    .select({ id: workflowState.id })
    .from(workflowState)
    .where(and(eq(workflowState.teamId, teamId), eq(workflowState.category, 'triage')));
  if (existing) return;
  const [s] = await ctx.tx
    .insert(workflowState)
    .values({ id: newId(), workspaceId: ctx.workspaceId, teamId, ...TRIAGE_STATE, position: 0, createdAt: ctx.now, updatedAt: ctx.now })
    .returning();
  ctx.emit({ entity: 'workflowState', id: s!.id, action: 'insert', data: presentState(s!), teamId });
}

/** Creates the teams service. */
export function createTeamService(deps: MutationDeps) {
  const db = deps.database.db;
  const mutate = <T>(viewer: TeamViewer, fn: (ctx: MutationContext) => Promise<T>) =>
    runMutation(deps, viewer.workspaceId, viewer.userId, fn).then((r) => r.value);

  async function loadStates(tx: Tx, teamId: string) {
    return tx.select().from(workflowState).where(eq(workflowState.teamId, teamId)).orderBy(asc(workflowState.position), asc(workflowState.id));
  }

  async function getState(tx: Tx, viewer: TeamViewer, stateId: string) {
    const [s] = await tx
      .select()
      .from(workflowState)
      .where(and(eq(workflowState.id, stateId), eq(workflowState.workspaceId, viewer.workspaceId)))
      .for('update');
    if (!s) throw notFound('Workflow state', '/params/stateId', stateId);
    await getReadableTeam(tx, viewer, s.teamId, '/params/stateId');
    return s;
  }

  return {
    /** Teams the viewer may read, ordered by name. */
    async list(viewer: TeamViewer) {
      const teams = await readableTeams(db, viewer);
      return teams.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)).map(presentTeam);
    },

    /** One team by id or key. @throws AppError 404 */
    async get(viewer: TeamViewer, ref: string) {
      return presentTeam(await getReadableTeam(db, viewer, ref, '/params/teamId'));
    },

    /** Creates a team (owners and admins). @throws AppError 403, 409 */
    async create(viewer: TeamViewer, input: CreateTeamInput) {
      authorize(viewer, 'team.create', 'Only workspace owners and admins can create teams');
      return mutate(viewer, async (ctx) => presentTeam((await createTeamIn(ctx, viewer.userId, input)).team));
    },

    /** Updates a team's name, key, description, privacy or triage. @throws AppError 403, 404, 409 */
    async update(viewer: TeamViewer, ref: string, input: Partial<CreateTeamInput>) {
      authorize(viewer, 'team.update', 'Only workspace owners and admins can change teams');
      return mutate(viewer, async (ctx) => {
        const t = await getReadableTeam(ctx.tx, viewer, ref, '/params/teamId', true);
        if (input.key && input.key !== t.key) {
          const owner = await teamIdByKey(ctx.tx, viewer.workspaceId, input.key);
          if (owner && owner !== t.id) throw conflict(`The key ${input.key} is already used by another team`, 'team_key_taken', '/body/key');
          // The old key keeps finding this team's issues (ENG-12 → CORE-12); a former key taken back is no alias.
          await ctx.tx.insert(teamKeyAlias).values({ workspaceId: viewer.workspaceId, key: t.key, teamId: t.id, createdAt: ctx.now }).onConflictDoNothing();
          await ctx.tx.delete(teamKeyAlias).where(and(eq(teamKeyAlias.workspaceId, viewer.workspaceId), eq(teamKeyAlias.key, input.key)));
        }
        const [u] = await ctx.tx
          .update(team)
          .set({
            ...(input.name !== undefined ? { name: input.name.trim() } : {}),
            ...(input.key !== undefined ? { key: input.key } : {}),
            ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
            ...(input.isPrivate !== undefined ? { isPrivate: input.isPrivate } : {}),
            ...(input.triageEnabled !== undefined ? { triageEnabled: input.triageEnabled } : {}),
            updatedAt: ctx.now,
          })
          .where(eq(team.id, t.id))
          .returning();
        if (input.triageEnabled) await ensureTriageState(ctx, t.id);
        ctx.emit({ entity: 'team', id: t.id, action: 'update', data: presentTeam(u!), teamId: t.id });
        return presentTeam(u!);
      });
    },

    /**
     * Deletes a team with its issues and states (owners and admins). Sync clients drop the
     * team's states and issues when they receive the team's delete.
     * @throws AppError 403, 404
     */
    async remove(viewer: TeamViewer, ref: string) {
      authorize(viewer, 'team.delete', 'Only workspace owners and admins can delete teams');
      await mutate(viewer, async (ctx) => {
        const t = await getReadableTeam(ctx.tx, viewer, ref, '/params/teamId', true);
        await ctx.tx.delete(team).where(eq(team.id, t.id));
        ctx.emit({ entity: 'team', id: t.id, action: 'delete', data: null, teamId: t.id });
      });
    },

    /** Members of a team with their public profile. @throws AppError 404 */
    async listMembers(viewer: TeamViewer, ref: string) {
      const t = await getReadableTeam(db, viewer, ref, '/params/teamId');
      return db
        .select({ id: user.id, name: user.name, email: user.email, avatarUrl: user.avatarUrl })
        .from(teamMember)
        .innerJoin(user, eq(user.id, teamMember.userId))
        .where(eq(teamMember.teamId, t.id))
        .orderBy(asc(user.name), asc(user.id));
    },

    /** Adds a workspace member to a team. @throws AppError 403, 404 (team or user) */
    async addMember(viewer: TeamViewer, ref: string, userId: string) {
      authorize(viewer, 'team.manageMembers', 'Only workspace owners and admins can change team members');
      await mutate(viewer, async (ctx) => {
        const t = await getReadableTeam(ctx.tx, viewer, ref, '/params/teamId', true);
        const [m] = await ctx.tx
          .select({ id: member.id })
          .from(member)
          .where(and(eq(member.workspaceId, viewer.workspaceId), eq(member.userId, userId)));
        if (!m) throw notFound('User', '/body/userId', userId);
        const inserted = await ctx.tx
          .insert(teamMember)
          .values({ teamId: t.id, userId, workspaceId: viewer.workspaceId, createdAt: ctx.now })
          .onConflictDoNothing()
          .returning();
        if (inserted.length) {
          const tm = presentTeamMember(t.id, userId);
          ctx.emit({ entity: 'teamMember', id: tm.id, action: 'insert', data: tm, teamId: t.id });
        }
      });
    },

    /** Removes a user from a team (admins, or the user themself). @throws AppError 403, 404 */
    async removeMember(viewer: TeamViewer, ref: string, userId: string) {
      if (userId !== viewer.userId) authorize(viewer, 'team.manageMembers', 'Only workspace owners and admins can change team members');
      await mutate(viewer, async (ctx) => {
        const t = await getReadableTeam(ctx.tx, viewer, ref, '/params/teamId', true);
        const removed = await ctx.tx
          .delete(teamMember)
          .where(and(eq(teamMember.teamId, t.id), eq(teamMember.userId, userId)))
          .returning();
        if (!removed.length) throw notFound('Team member', '/params/userId', userId);
        const tm = presentTeamMember(t.id, userId);
        ctx.emit({ entity: 'teamMember', id: tm.id, action: 'delete', data: tm, teamId: t.id });
      });
    },

    /** A team's workflow states in display order. @throws AppError 404 */
    async listStates(viewer: TeamViewer, ref: string) {
      const t = await getReadableTeam(db, viewer, ref, '/params/teamId');
      return (await loadStates(db as unknown as Tx, t.id)).map(presentState);
    },

    /** Adds a workflow state at the end of its category. @throws AppError 403, 404, 409 */
    async createState(
      viewer: TeamViewer,
      ref: string,
      input: { id?: string; name: string; category: Category; color?: string; description?: string | null; isDefault?: boolean },
    ) {
      authorize(viewer, 'workflowState.manage', 'Only workspace owners and admins can manage workflow states');
      return mutate(viewer, async (ctx) => {
        const t = await getReadableTeam(ctx.tx, viewer, ref, '/params/teamId', true);
        const states = await loadStates(ctx.tx, t.id);
        const name = input.name.trim();
        if (states.some((s) => s.name.toLowerCase() === name.toLowerCase())) {
          throw conflict(`The team already has a state named "${name}"`, 'state_name_taken', '/body/name');
        }
        const sameCat = states.filter((s) => s.category === input.category);
        const lastPos = states.reduce((m, s) => (s.category === input.category || categoryRank(s.category) <= categoryRank(input.category) ? Math.max(m, s.position) : m), 0);
        const nextPos = states.find((s) => categoryRank(s.category) > categoryRank(input.category))?.position;
        const position = nextPos !== undefined ? (lastPos + nextPos) / 2 : lastPos + 1000;
        const makeDefault = input.isDefault === true || sameCat.length === 0;
        if (makeDefault) {
          const cleared = await ctx.tx
            .update(workflowState)
            .set({ isDefault: false, updatedAt: ctx.now })
            .where(and(eq(workflowState.teamId, t.id), eq(workflowState.category, input.category), eq(workflowState.isDefault, true)))
            .returning();
          for (const c of cleared) ctx.emit({ entity: 'workflowState', id: c.id, action: 'update', data: presentState(c), teamId: t.id });
        }
        const [s] = await ctx.tx
          .insert(workflowState)
          .values({
            id: input.id ?? newId(),
            workspaceId: viewer.workspaceId,
            teamId: t.id,
            name,
            category: input.category,
            color: input.color ?? '#bec2c8',
            description: input.description?.trim() || null,
            position,
            isDefault: makeDefault,
            createdAt: ctx.now,
            updatedAt: ctx.now,
          })
          .returning();
        ctx.emit({ entity: 'workflowState', id: s!.id, action: 'insert', data: presentState(s!), teamId: t.id });
        return presentState(s!);
      });
    },

    /** Renames, recolours or makes a state its category's default. @throws AppError 403, 404, 409 */
    async updateState(viewer: TeamViewer, stateId: string, input: { name?: string; color?: string; description?: string | null; isDefault?: true }) {
      authorize(viewer, 'workflowState.manage', 'Only workspace owners and admins can manage workflow states');
      return mutate(viewer, async (ctx) => {
        const s = await getState(ctx.tx, viewer, stateId);
        if (input.name !== undefined) {
          const name = input.name.trim();
          const [clash] = await ctx.tx
            .select({ id: workflowState.id })
            .from(workflowState)
            .where(and(eq(workflowState.teamId, s.teamId), ne(workflowState.id, s.id), sql`lower(${workflowState.name}) = ${name.toLowerCase()}`));
          if (clash) throw conflict(`The team already has a state named "${name}"`, 'state_name_taken', '/body/name');
        }
        if (input.isDefault) {
          const cleared = await ctx.tx
            .update(workflowState)
            .set({ isDefault: false, updatedAt: ctx.now })
            .where(and(eq(workflowState.teamId, s.teamId), eq(workflowState.category, s.category), eq(workflowState.isDefault, true), ne(workflowState.id, s.id)))
            .returning();
          for (const c of cleared) ctx.emit({ entity: 'workflowState', id: c.id, action: 'update', data: presentState(c), teamId: s.teamId });
        }
        const [u] = await ctx.tx
          .update(workflowState)
          .set({
            ...(input.name !== undefined ? { name: input.name.trim() } : {}),
            ...(input.color !== undefined ? { color: input.color } : {}),
            ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
            ...(input.isDefault ? { isDefault: true } : {}),
            updatedAt: ctx.now,
          })
          .where(eq(workflowState.id, s.id))
          .returning();
        ctx.emit({ entity: 'workflowState', id: u!.id, action: 'update', data: presentState(u!), teamId: s.teamId });
        return presentState(u!);
      });
    },

    /**
     * Deletes a state; its issues move to `replacementId` (required when it has issues).
     * @throws AppError 400 `state_is_default` | `last_state_in_category`, 404, 422 `replacement_required`
     */
    async deleteState(viewer: TeamViewer, stateId: string, replacementId: string | undefined) {
      authorize(viewer, 'workflowState.manage', 'Only workspace owners and admins can manage workflow states');
      await mutate(viewer, async (ctx) => {
        const s = await getState(ctx.tx, viewer, stateId);
        const states = await loadStates(ctx.tx, s.teamId);
        if (states.filter((x) => x.category === s.category).length === 1) {
          throw new AppError(400, 'last_state_in_category', `"${s.name}" is the last ${s.category} state; a team keeps one per category`);
        }
        if (s.isDefault) {
          throw new AppError(400, 'state_is_default', `"${s.name}" is the default ${s.category} state; make another state the default first`);
        }
        const [{ n }] = (await ctx.tx.select({ n: count() }).from(issue).where(eq(issue.stateId, s.id))) as [{ n: number }];
        if (Number(n) > 0) {
          if (!replacementId) {
            throw invalid('/query/replacementId', `"${s.name}" has ${n} issues; choose a replacement state for them`, 'replacement_required');
          }
          const replacement = states.find((x) => x.id === replacementId && x.id !== s.id);
          if (!replacement) throw notFound('Workflow state', '/query/replacementId', replacementId);
          // Like a PATCH of each issue's state: lifecycle timestamps, history, post-images.
          await moveIssuesToState(ctx, s, replacement);
        }
        await ctx.tx.delete(workflowState).where(eq(workflowState.id, s.id));
        ctx.emit({ entity: 'workflowState', id: s.id, action: 'delete', data: null, teamId: s.teamId });
      });
    },

    /** Sets the display order of every state of a team. @throws AppError 403, 404, 422 */
    async reorderStates(viewer: TeamViewer, ref: string, stateIds: string[]) {
      authorize(viewer, 'workflowState.manage', 'Only workspace owners and admins can manage workflow states');
      return mutate(viewer, async (ctx) => {
        const t = await getReadableTeam(ctx.tx, viewer, ref, '/params/teamId', true);
        const states = await loadStates(ctx.tx, t.id);
        const known = new Set(states.map((s) => s.id));
        const unknown = stateIds.find((id) => !known.has(id));
        if (unknown) throw notFound('Workflow state', '/body/stateIds', unknown);
        if (stateIds.length !== states.length) {
          throw invalid('/body/stateIds', `List every state of the team once (${states.length} states)`);
        }
        const out = [];
        for (let i = 0; i < stateIds.length; i++) {
          const [u] = await ctx.tx
            .update(workflowState)
            .set({ position: (i + 1) * 1000, updatedAt: ctx.now })
            .where(eq(workflowState.id, stateIds[i] as string))
            .returning();
          ctx.emit({ entity: 'workflowState', id: u!.id, action: 'update', data: presentState(u!), teamId: t.id });
          out.push(presentState(u!));
        }
        return out;
      });
    },

    /** Ids of states by id within the workspace (used by other modules to validate references). */
    async statesByIds(tx: Tx, workspaceId: string, ids: string[]) {
      if (!ids.length) return [];
      return tx.select().from(workflowState).where(and(eq(workflowState.workspaceId, workspaceId), inArray(workflowState.id, ids)));
    },
  };
}

const CATEGORY_ORDER: Category[] = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'];
function categoryRank(c: Category): number {
  return CATEGORY_ORDER.indexOf(c);
}

/** The teams service's type. */
export type TeamService = ReturnType<typeof createTeamService>;
