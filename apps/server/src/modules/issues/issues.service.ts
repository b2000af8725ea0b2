/**
 * The issues service: create, read, update, archive, delete, move, bulk update and list. Every
 * write runs in one `runMutation` (one transaction, one workspace version, an op per changed
 * issue). An issue, team, state, label, user or parent the actor cannot see is a 404 naming
 * where its id came from, and nothing is written.
 */
import type { Config } from '../../config.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { authorize } from '../../lib/policy.ts';
import { type MutationContext, type MutationDeps, runMutation } from '../../sync/mutation.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { listIssues } from './issues.list.ts';
import type { PresentedIssue } from './issues.presenter.ts';
import { createIssueRefs } from './issues.refs.ts';
import { getReadableIssue } from './issues.repository.ts';
import type { CreateIssueInput, IssuePatch, ListIssuesInput } from './issues.schemas.ts';
import { createIssueIn, deleteIssueIn, labelIdsOf, type PreparedCreate, prepareCreate, updateIssueIn } from './issues.write.ts';
import { presentIssue } from './issues.presenter.ts';
import { hasPosition, type PositionInput, sendAllocation } from './issues.position.ts';
import { isUuid } from '../../lib/ids.ts';

/** Dependencies of the issues service. */
export interface IssueServiceDeps extends MutationDeps {
  config: Pick<Config, 'sessionSecret' | 'sessionSecretPrevious'>;
}

/** A bulk update: the fields of a PATCH that apply to many issues, plus `archived`. */
export type BulkPatch = Omit<IssuePatch, 'title' | 'description' | 'teamId' | 'parentId' | 'afterId' | 'beforeId'>;

/** Creates the issues service. */
export function createIssueService(deps: IssueServiceDeps) {
  const db = deps.database.db;
  const { config } = deps;
  const codec = createCursorCodec([config.sessionSecret, ...(config.sessionSecretPrevious ? [config.sessionSecretPrevious] : [])]);
  const mutate = <T>(viewer: TeamViewer, fn: (ctx: MutationContext) => Promise<T>) =>
    runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
      await assertStillMember(ctx.tx, viewer);
      return fn(ctx);
    }).then((r) => r.value);

  /**
   * Loads the issue (locked) and applies `patch` to it. The membership re-check, the issue, its
   * labels, team and states come in one statement (IssueRefs.lockIssueAsMember).
   */
  const patchOne = (viewer: TeamViewer, ref: string, patch: IssuePatch) =>
    runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
      const refs = createIssueRefs(ctx.tx, viewer);
      const { current, labelIds } = await refs.lockIssueAsMember(ref, '/params/issueId');
      return updateIssueIn(ctx, viewer, current, patch, '/body', refs, labelIds);
    }).then((r) => r.value);

  return {
    /** Creates an issue. @throws AppError 403, 404, 409, 422 */
    async create(viewer: TeamViewer, input: CreateIssueInput): Promise<PresentedIssue> {
      authorize(viewer, 'issue.create');
      return runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        const refs = createIssueRefs(ctx.tx, viewer);
        // The membership re-check, the team, its states and the id's availability in one statement,
        // sent behind the version lock; an issue for the top of a team named by id also sends
        // the number and first rank in the same round trip (undone with the transaction when a
        // check fails).
        const checked = refs.memberAndTeam(input.teamId, input.id);
        ctx.later(checked);
        const allocation = isUuid(input.teamId) && !hasPosition(input) ? sendAllocation(ctx, input.teamId, true) : undefined;
        if (allocation) ctx.later(allocation);
        // Title, due date and description (sanitizing is the create's costliest CPU) while those
        // statements run; the membership re-check's refusal still comes first.
        let prepared: PreparedCreate | undefined;
        let invalidInput: unknown;
        try {
          prepared = prepareCreate(input);
        } catch (err) {
          invalidInput = err;
        }
        await checked;
        if (!prepared) throw invalidInput;
        return createIssueIn(ctx, viewer, input, refs, allocation, prepared);
      }).then((r) => r.value);
    },

    /** One issue by id or identifier (archived ones too). @throws AppError 404 */
    async get(viewer: TeamViewer, ref: string): Promise<PresentedIssue> {
      const row = await getReadableIssue(db, viewer, ref, '/params/issueId');
      const { teamKey, ...rest } = row;
      return presentIssue(rest, teamKey, await labelIdsOf(db, row.id));
    },

    /** Partial update. @throws AppError 403, 404, 422 */
    async update(viewer: TeamViewer, ref: string, patch: IssuePatch): Promise<PresentedIssue> {
      authorize(viewer, 'issue.update');
      return patchOne(viewer, ref, patch);
    },

    /** Archives (or, with `archived: false`, unarchives) an issue; idempotent. @throws AppError 403, 404 */
    async setArchived(viewer: TeamViewer, ref: string, archived: boolean): Promise<PresentedIssue> {
      authorize(viewer, 'issue.update');
      return patchOne(viewer, ref, { archived });
    },

    /** Moves an issue within its team's manual order. @throws AppError 403, 404, 422 */
    async move(viewer: TeamViewer, ref: string, pos: PositionInput): Promise<PresentedIssue> {
      authorize(viewer, 'issue.update');
      return patchOne(viewer, ref, { afterId: pos.afterId, beforeId: pos.beforeId });
    },

    /**
     * Deletes an issue for good (owners, admins, members; not guests).
     * @throws AppError 404 when unreadable, 403 for guests
     */
    async remove(viewer: TeamViewer, ref: string): Promise<void> {
      await mutate(viewer, async (ctx) => {
        const current = await getReadableIssue(ctx.tx, viewer, ref, '/params/issueId', true);
        authorize(viewer, 'issue.delete', 'Guests cannot delete issues');
        await deleteIssueIn(ctx, current);
      });
    },

    /**
     * Applies one change to up to 200 issues, all or nothing: every id must be readable (else
     * 404 naming `/body/issueIds/<i>`), and the change must be valid for every issue (a state of
     * each issue's team, …), else nothing changes.
     * @returns the post-images, in the order of `issueIds` (duplicates once)
     */
    async bulkUpdate(viewer: TeamViewer, issueIds: string[], patch: BulkPatch): Promise<PresentedIssue[]> {
      authorize(viewer, 'issue.update');
      return mutate(viewer, async (ctx) => {
        const refs = createIssueRefs(ctx.tx, viewer);
        const seen = new Set<string>();
        const targets = [];
        for (let i = 0; i < issueIds.length; i++) {
          const row = await getReadableIssue(ctx.tx, viewer, issueIds[i] as string, `/body/issueIds/${i}`, true);
          if (!seen.has(row.id)) {
            seen.add(row.id);
            targets.push(row);
          }
        }
        const out = [];
        for (const row of targets) out.push(await updateIssueIn(ctx, viewer, row, patch, '/body/update', refs));
        return out;
      });
    },

    /** A page of issues. @throws AppError 400 `invalid_cursor`, 404 */
    list(viewer: TeamViewer, q: ListIssuesInput) {
      return listIssues(db, viewer, q, codec);
    },
  };
}

/** The issues service's type. */
export type IssueService = ReturnType<typeof createIssueService>;
