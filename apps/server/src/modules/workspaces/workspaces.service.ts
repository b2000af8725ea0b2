/**
 * Workspaces: creating one (its creator becomes the owner, and a first team is made), listing
 * the caller's, reading and renaming the current one.
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { member, queryRows, user, workspace, type Tx } from '@exponential/db';
import { conflict, invalid, notFound } from '../../lib/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { authorize, type Role } from '../../lib/policy.ts';
import { iso } from '../../lib/schemas.ts';
import { type MutationDeps, runMutation } from '../../sync/mutation.ts';
import { presentMemberOp } from '../members/members.presenter.ts';
import { presentTeam } from '../teams/teams.presenter.ts';
import { createTeamIn } from '../teams/teams.service.ts';

type WorkspaceRow = typeof workspace.$inferSelect;

/** A workspace as the API shows it. */
export function presentWorkspace(w: WorkspaceRow) {
  return { id: w.id, name: w.name, urlSlug: w.urlSlug, createdAt: iso(w.createdAt) as string, updatedAt: iso(w.updatedAt) as string };
}

/** URL slugs reserved for the app's own routes. */
const RESERVED_SLUGS = new Set(['api', 'auth', 'login', 'logout', 'signup', 'settings', 'admin', 'assets', 'static', 'oauth', 'invite', 'new']);

/** A URL slug derived from a name: lower-case ASCII letters, digits and dashes. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s.length >= 2 ? s : `workspace${s ? `-${s}` : ''}`;
}

/**
 * Serializes the choice of URL slugs (and client-chosen ids) across workspaces for the rest of
 * the transaction: two sign-ups naming their workspace "Acme" at once must get `acme` and
 * `acme-2`, not a unique-index violation. Workspace creation is rare, so one global
 * transaction-scoped advisory lock costs nothing.
 */
async function lockSlugs(tx: Tx): Promise<void> {
  await queryRows(tx, sql`select pg_advisory_xact_lock(hashtext('exponential:workspace-url-slug'))`);
}

/** @throws AppError 422 for a slug shaped like a UUID (`X-Workspace` would read it as an id). */
function checkSlugShape(slug: string | undefined): void {
  if (slug && isUuid(slug)) throw invalid('/body/urlSlug', 'A URL slug cannot look like a workspace id (a UUID)');
}

/** Creates the workspaces service. */
export function createWorkspaceService(deps: MutationDeps) {
  const db = deps.database.db;
  return {
    /**
     * Creates a workspace owned by `userId`, with a first team.
     * @throws AppError 409 `slug_taken` when an explicit slug is in use, `id_taken`; 422 for a
     *   UUID-shaped slug
     */
    async create(userId: string, input: { id?: string; name: string; urlSlug?: string; teamName?: string; teamKey?: string }) {
      const wsId = input.id ?? newId();
      let slug = input.urlSlug?.toLowerCase();
      if (slug && RESERVED_SLUGS.has(slug)) throw conflict(`The URL slug "${slug}" is reserved`, 'slug_taken', '/body/urlSlug');
      checkSlugShape(slug);
      const result = await runMutation(
        deps,
        wsId,
        userId,
        async (ctx) => {
          const [owner] = await ctx.tx
            .insert(member)
            .values({ id: newId(), workspaceId: wsId, userId, role: 'owner', createdAt: ctx.now, updatedAt: ctx.now })
            .returning();
          const [u] = await ctx.tx.select().from(user).where(eq(user.id, userId));
          ctx.emit({ entity: 'member', id: owner!.id, action: 'insert', data: presentMemberOp(owner!, u!) });
          const { team } = await createTeamIn(ctx, userId, { name: input.teamName ?? input.name, key: input.teamKey });
          const [w] = await ctx.tx.select().from(workspace).where(eq(workspace.id, wsId));
          ctx.emit({ entity: 'workspace', id: wsId, action: 'insert', data: presentWorkspace(w!) });
          return { workspace: presentWorkspace(w!), team: presentTeam(team) };
        },
        {
          init: async (tx) => {
            await lockSlugs(tx);
            if (input.id) {
              const [clash] = await tx.select({ id: workspace.id }).from(workspace).where(eq(workspace.id, input.id));
              if (clash) throw conflict('A workspace with this id already exists', 'id_taken', '/body/id');
            }
            if (slug) {
              const [clash] = await tx.select({ id: workspace.id }).from(workspace).where(eq(workspace.urlSlug, slug));
              if (clash) throw conflict(`The URL slug "${slug}" is taken`, 'slug_taken', '/body/urlSlug');
            } else {
              const base = slugify(input.name);
              slug = base;
              for (let i = 2; ; i++) {
                const [clash] = await tx.select({ id: workspace.id }).from(workspace).where(eq(workspace.urlSlug, slug));
                if (!clash && !RESERVED_SLUGS.has(slug)) break;
                slug = `${base}-${i}`;
              }
            }
            const now = deps.clock.now();
            await tx.insert(workspace).values({ id: wsId, name: input.name.trim(), urlSlug: slug, createdAt: now, updatedAt: now });
          },
        },
      );
      return result.value;
    },

    /** Workspaces `userId` belongs to, oldest membership first, with their role. */
    async listMine(userId: string) {
      const rows = await db
        .select({ w: workspace, role: member.role })
        .from(member)
        .innerJoin(workspace, eq(workspace.id, member.workspaceId))
        .where(eq(member.userId, userId))
        .orderBy(asc(member.createdAt), asc(member.id));
      return rows.map((r) => ({ ...presentWorkspace(r.w), role: r.role }));
    },

    /** The workspace by id. @throws AppError 404 */
    async get(workspaceId: string) {
      const [w] = await db.select().from(workspace).where(eq(workspace.id, workspaceId));
      if (!w) throw notFound('Workspace');
      return presentWorkspace(w);
    },

    /** Renames the workspace or changes its slug (owners and admins). @throws AppError 403, 409, 422 */
    async update(viewer: { userId: string; workspaceId: string; role: Role }, input: { name?: string; urlSlug?: string }) {
      authorize(viewer, 'workspace.update', 'Only workspace owners and admins can change workspace settings');
      const r = await runMutation(deps, viewer.workspaceId, viewer.userId, async (ctx) => {
        if (input.urlSlug) {
          const slug = input.urlSlug.toLowerCase();
          checkSlugShape(slug);
          await lockSlugs(ctx.tx);
          const [clash] = await ctx.tx
            .select({ id: workspace.id })
            .from(workspace)
            .where(and(eq(workspace.urlSlug, slug), ne(workspace.id, viewer.workspaceId)));
          if (clash || RESERVED_SLUGS.has(slug)) throw conflict(`The URL slug "${slug}" is taken`, 'slug_taken', '/body/urlSlug');
        }
        const [w] = await ctx.tx
          .update(workspace)
          .set({
            ...(input.name !== undefined ? { name: input.name.trim() } : {}),
            ...(input.urlSlug !== undefined ? { urlSlug: input.urlSlug.toLowerCase() } : {}),
            updatedAt: ctx.now,
          })
          .where(eq(workspace.id, viewer.workspaceId))
          .returning();
        ctx.emit({ entity: 'workspace', id: w!.id, action: 'update', data: presentWorkspace(w!) });
        return presentWorkspace(w!);
      });
      return r.value;
    },
  };
}
