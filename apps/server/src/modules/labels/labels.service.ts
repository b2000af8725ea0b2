/**
 * Labels: workspace labels (`teamId` null, usable by every team) and team labels, optionally
 * gathered under label groups (`isGroup`, one level deep, as in Linear).
 *
 * Rules:
 * - owners, admins and members create labels of either kind; guests cannot create or change any;
 * - only owners and admins change or delete workspace labels (lib/policy.ts `label.manage`);
 *   members change and delete the labels of teams they can read;
 * - a label and its group share one scope (the same team, or both the workspace); groups do not nest;
 * - a name is unique, case-insensitively, among the live labels of one scope and group
 *   (the `label_scope_name_uq` index, migration 0002);
 * - deleting a label takes it off every issue (their post-images are re-emitted); deleting a
 *   group deletes the labels in it too.
 */
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { issue, issueLabel, label, type Tx } from '@exponential/db';
import type { Config } from '../../config.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { badRequest, conflict, invalid } from '../../lib/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { hasVisibleCharacter } from '../../lib/text.ts';
import { authorize } from '../../lib/policy.ts';
import type { MutationContext, MutationDeps } from '../../sync/mutation.ts';
import { runMutation } from '../../sync/mutation.ts';
import { emitIssuePostImages } from '../issues/issues.events.ts';
import { getReadableTeam, readableTeamIds, type TeamViewer } from '../teams/teams.repository.ts';
import { presentLabel } from './labels.presenter.ts';
import { assertLabelNameFree, getReadableLabel, isUniqueViolation, labelNameTaken } from './labels.repository.ts';

type LabelRow = typeof label.$inferSelect;

/** Input of {@link LabelService.create}. */
export interface CreateLabelInput {
  id?: string;
  name: string;
  color: string;
  description?: string | null;
  teamId?: string | null;
  parentId?: string | null;
  isGroup?: boolean;
}

/** Input of {@link LabelService.update}. */
export interface UpdateLabelInput {
  name?: string;
  color?: string;
  description?: string | null;
  parentId?: string | null;
}

const GUEST_MESSAGE = 'Guests cannot create or change labels';

/**
 * A label name as stored: trimmed and in Unicode normalization form C, so `é` typed as one code
 * point or as `e` + U+0301 is one name (the uniqueness check compares code points).
 * @throws AppError 422 `/body/name` when nothing visible is left (only U+200B, say)
 */
function labelName(raw: string): string {
  const name = raw.trim().normalize('NFC');
  if (!hasVisibleCharacter(name)) throw invalid('/body/name', 'name must contain a visible character');
  return name;
}

/** Creates the labels service. */
export function createLabelService(deps: MutationDeps & { config: Config }) {
  const db = deps.database.db;
  const cursors = createCursorCodec([deps.config.sessionSecret, ...(deps.config.sessionSecretPrevious ? [deps.config.sessionSecretPrevious] : [])]);

  /** Runs a mutation, turning a lost race on the unique name index into the same 409 as the check. */
  async function mutate<T>(viewer: TeamViewer, name: string | undefined, fn: (ctx: MutationContext) => Promise<T>): Promise<T> {
    try {
      return (
        await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
          await assertStillMember(ctx.tx, viewer);
          return fn(ctx);
        })
      ).value;
    } catch (err) {
      if (isUniqueViolation(err, 'label_scope_name_uq')) throw labelNameTaken(name ?? '');
      if (isUniqueViolation(err, 'label_pkey')) throw conflict('A label with this id already exists', 'id_taken', '/body/id');
      throw err;
    }
  }

  /**
   * Checks that `parentId` names a group the label may join.
   * @throws AppError 404 (unknown or unreadable), 422 `label_parent_not_group` | `label_scope_mismatch`
   */
  async function checkParent(tx: Tx, viewer: TeamViewer, parentId: string, teamId: string | null): Promise<LabelRow> {
    const parent = await getReadableLabel(tx, viewer, parentId, '/body/parentId', true);
    if (!parent.isGroup || parent.archivedAt) {
      throw invalid('/body/parentId', 'The parent must be a label group', 'label_parent_not_group');
    }
    if (parent.teamId !== teamId) {
      throw invalid('/body/parentId', 'A label and its group must belong to the same team, or both to the workspace', 'label_scope_mismatch');
    }
    return parent;
  }

  return {
    /**
     * Live labels the viewer may use, by name: workspace labels plus the labels of the teams the
     * viewer may read (or of the one team `teamId`).
     * @throws AppError 400 `invalid_cursor`, 404 (team)
     */
    async list(viewer: TeamViewer, query: { teamId?: string; limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50;
      const teamIds = query.teamId
        ? [(await getReadableTeam(db, viewer, query.teamId, '/query/teamId')).id]
        : await readableTeamIds(db, viewer);
      let after;
      if (query.cursor) {
        const [name, id] = cursors.decode(query.cursor);
        // A cursor signed for another list (issues, comments, …) verifies too: check its shape.
        if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) {
          throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
        }
        after = sql`(${label.name}, ${label.id}) > (${name}, ${id}::uuid)`;
      }
      const rows = await db
        .select()
        .from(label)
        .where(
          and(
            eq(label.workspaceId, viewer.workspaceId),
            isNull(label.archivedAt),
            teamIds.length ? or(isNull(label.teamId), inArray(label.teamId, teamIds)) : isNull(label.teamId),
            after,
          ),
        )
        .orderBy(asc(label.name), asc(label.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: page.map(presentLabel), nextCursor: rows.length > limit && last ? cursors.encode([last.name, last.id]) : null };
    },

    /** One label. @throws AppError 404 */
    async get(viewer: TeamViewer, labelId: string) {
      return presentLabel(await getReadableLabel(db, viewer, labelId, '/params/labelId'));
    },

    /** Creates a label or label group. @throws AppError 403, 404 (team, parent), 409, 422 */
    async create(viewer: TeamViewer, input: CreateLabelInput) {
      authorize(viewer, 'label.create', GUEST_MESSAGE);
      const name = labelName(input.name);
      return mutate(viewer, name, async (ctx) => {
        const teamId = input.teamId ? (await getReadableTeam(ctx.tx, viewer, input.teamId, '/body/teamId')).id : null;
        if (input.parentId) {
          if (input.isGroup) throw invalid('/body/parentId', 'Label groups cannot be nested', 'label_group_nesting');
          await checkParent(ctx.tx, viewer, input.parentId, teamId);
        }
        const parentId = input.parentId ?? null;
        await assertLabelNameFree(ctx.tx, { workspaceId: viewer.workspaceId, teamId, parentId }, name);
        const [row] = await ctx.tx
          .insert(label)
          .values({
            id: input.id ?? newId(),
            workspaceId: viewer.workspaceId,
            teamId,
            parentId,
            isGroup: input.isGroup ?? false,
            name,
            color: input.color.toLowerCase(),
            description: input.description?.trim() || null,
            createdAt: ctx.now,
            updatedAt: ctx.now,
          })
          .returning();
        const out = presentLabel(row!);
        ctx.emit({ entity: 'label', id: out.id, action: 'insert', data: out, teamId });
        return out;
      });
    },

    /**
     * Renames, recolours, describes or (un)groups a label.
     * @throws AppError 403 (guests; workspace labels for members), 404, 409, 422
     */
    async update(viewer: TeamViewer, labelId: string, input: UpdateLabelInput) {
      authorize(viewer, 'label.create', GUEST_MESSAGE);
      const newName = input.name === undefined ? undefined : labelName(input.name);
      return mutate(viewer, newName, async (ctx) => {
        const l = await getReadableLabel(ctx.tx, viewer, labelId, '/params/labelId', true);
        if (!l.teamId) authorize(viewer, 'label.manage', 'Only workspace owners and admins can change workspace labels');
        const parentId = input.parentId === undefined ? l.parentId : input.parentId;
        if (input.parentId) {
          if (l.isGroup) throw invalid('/body/parentId', 'Label groups cannot be nested', 'label_group_nesting');
          await checkParent(ctx.tx, viewer, input.parentId, l.teamId);
        }
        const name = newName ?? l.name;
        if (input.name !== undefined || parentId !== l.parentId) {
          await assertLabelNameFree(ctx.tx, { workspaceId: viewer.workspaceId, teamId: l.teamId, parentId }, name, l.id);
        }
        const [row] = await ctx.tx
          .update(label)
          .set({
            name,
            parentId,
            ...(input.color !== undefined ? { color: input.color.toLowerCase() } : {}),
            ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
            updatedAt: ctx.now,
          })
          .where(eq(label.id, l.id))
          .returning();
        const out = presentLabel(row!);
        ctx.emit({ entity: 'label', id: out.id, action: 'update', data: out, teamId: l.teamId });
        return out;
      });
    },

    /**
     * Deletes a label (a group with its labels), taking it off every issue.
     * @throws AppError 403 (guests; workspace labels for members), 404
     */
    async remove(viewer: TeamViewer, labelId: string) {
      authorize(viewer, 'label.create', GUEST_MESSAGE);
      await mutate(viewer, undefined, async (ctx) => {
        const l = await getReadableLabel(ctx.tx, viewer, labelId, '/params/labelId', true);
        if (!l.teamId) authorize(viewer, 'label.manage', 'Only workspace owners and admins can delete workspace labels');
        const children = await ctx.tx.select({ id: label.id }).from(label).where(eq(label.parentId, l.id));
        const ids = [l.id, ...children.map((c) => c.id)];
        const tagged = await ctx.tx.selectDistinct({ issueId: issueLabel.issueId }).from(issueLabel).where(inArray(issueLabel.labelId, ids));
        const issueIds = tagged.map((r) => r.issueId);
        // issue_label and the group's labels go by ON DELETE CASCADE.
        await ctx.tx.delete(label).where(eq(label.id, l.id));
        for (let i = 0; i < issueIds.length; i += 1000) {
          await ctx.tx.update(issue).set({ updatedAt: ctx.now }).where(inArray(issue.id, issueIds.slice(i, i + 1000)));
        }
        await emitIssuePostImages(ctx, issueIds);
        for (const id of ids.slice(1)) ctx.emit({ entity: 'label', id, action: 'delete', data: null, teamId: l.teamId });
        ctx.emit({ entity: 'label', id: l.id, action: 'delete', data: null, teamId: l.teamId });
      });
    },
  };
}

/** The labels service's type. */
export type LabelService = ReturnType<typeof createLabelService>;
