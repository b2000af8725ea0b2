/**
 * Saved views under `/api/v1/views`: a name, a filter tree and display options, personal (only
 * the owner sees and changes it) or shared (everyone who may read its team, or the whole
 * workspace without a team; changed by its owner or by owners and admins). Views are not sent
 * over sync: the web app reads them here.
 */
import { and, asc, eq, or } from 'drizzle-orm';
import { Type } from 'typebox';
import { DEFAULT_VIEW_DISPLAY, VIEW_GROUPINGS, VIEW_LAYOUTS, VIEW_ORDERINGS, VIEW_PROPERTIES, validateFilter } from '@exponential/domain';
import { view } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';
import { AppError, forbidden, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { isManager } from '../../lib/policy.ts';
import { ListOf, Nullable, Text, Timestamp, Uuid, errorResponses, iso } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { getReadableTeam, readableTeamIds } from '../teams/teams.repository.ts';

const lit = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));
const Display = Type.Object(
  {
    layout: Type.Optional(lit(VIEW_LAYOUTS)),
    groupBy: Type.Optional(lit(VIEW_GROUPINGS)),
    subGroupBy: Type.Optional(lit(VIEW_GROUPINGS)),
    orderBy: Type.Optional(lit(VIEW_ORDERINGS)),
    showCompleted: Type.Optional(Type.Boolean()),
    showSubIssues: Type.Optional(Type.Boolean()),
    properties: Type.Optional(Type.Array(lit(VIEW_PROPERTIES), { maxItems: VIEW_PROPERTIES.length, uniqueItems: true })),
  },
  { additionalProperties: false },
);
const ViewSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  teamId: Nullable(Uuid),
  ownerId: Nullable(Uuid),
  isPersonal: Type.Boolean(),
  filter: Type.Unknown(),
  display: Type.Unknown(),
  canEdit: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const CreateBody = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: Text(80),
    teamId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 36 }))),
    isPersonal: Type.Optional(Type.Boolean()),
    filter: Type.Optional(Type.Unknown()),
    display: Type.Optional(Display),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  { name: Type.Optional(Text(80)), isPersonal: Type.Optional(Type.Boolean()), filter: Type.Optional(Type.Unknown()), display: Type.Optional(Display) },
  { additionalProperties: false, minProperties: 1 },
);
const Params = Type.Object({ viewId: Uuid });

type ViewRow = typeof view.$inferSelect;
type Viewer = ReturnType<typeof workspaceActor>;

function checkFilter(filter: unknown): void {
  const errors = validateFilter(filter);
  if (errors.length) {
    throw new AppError(422, 'invalid_filter', `filter${errors[0]!.path.replace(/\//g, '.')} ${errors[0]!.message}`, errors.map((e) => ({ field: `/body/filter${e.path}`, message: e.message })));
  }
}

const canEdit = (v: ViewRow, actor: Viewer) => v.ownerId === actor.userId || (!v.isPersonal && isManager(actor.role));

function present(v: ViewRow, actor: Viewer) {
  return {
    id: v.id,
    name: v.name,
    teamId: v.teamId,
    ownerId: v.ownerId,
    isPersonal: v.isPersonal,
    filter: v.filter,
    display: v.display,
    canEdit: canEdit(v, actor),
    createdAt: iso(v.createdAt) as string,
    updatedAt: iso(v.updatedAt) as string,
  };
}

/** Saved views routes. */
export async function viewRoutes(app: App, deps: ModuleDeps) {
  const db = deps.database.db;

  /** A view the actor may see, or 404. */
  async function visible(actor: Viewer, id: string): Promise<ViewRow> {
    const [v] = await db.select().from(view).where(and(eq(view.id, id), eq(view.workspaceId, actor.workspaceId)));
    if (!v || (v.isPersonal && v.ownerId !== actor.userId)) throw notFound('View', '/params/viewId', id);
    if (v.teamId) {
      try {
        await getReadableTeam(db, actor, v.teamId, '/params/viewId');
      } catch {
        throw notFound('View', '/params/viewId', id);
      }
    }
    return v;
  }

  app.get('/api/v1/views', {
    schema: { operationId: 'listViews', tags: ['views'], querystring: Type.Object({ teamId: Type.Optional(Type.String({ maxLength: 36 })) }), response: { 200: ListOf(ViewSchema), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => {
    const actor = workspaceActor(req);
    const teams = new Set(await readableTeamIds(db, actor));
    const rows = await db
      .select()
      .from(view)
      .where(and(eq(view.workspaceId, actor.workspaceId), or(eq(view.isPersonal, false), eq(view.ownerId, actor.userId))))
      .orderBy(asc(view.name), asc(view.id));
    let data = rows.filter((v) => !v.teamId || teams.has(v.teamId));
    if (req.query.teamId) {
      const team = await getReadableTeam(db, actor, req.query.teamId, '/query/teamId');
      data = data.filter((v) => v.teamId === team.id);
    }
    return { data: data.map((v) => present(v, actor)) };
  });

  app.get('/api/v1/views/:viewId', {
    schema: { operationId: 'getView', tags: ['views'], params: Params, response: { 200: ViewSchema, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => {
    const actor = workspaceActor(req);
    return present(await visible(actor, req.params.viewId), actor);
  });

  app.post('/api/v1/views', {
    schema: { operationId: 'createView', tags: ['views'], body: CreateBody, response: { 201: ViewSchema, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    const actor = workspaceActor(req);
    const isPersonal = req.body.isPersonal ?? true;
    if (!isPersonal && actor.role === 'guest') throw forbidden('Guests can only save personal views');
    const filter = req.body.filter ?? { and: [] };
    checkFilter(filter);
    const teamId = req.body.teamId ? (await getReadableTeam(db, actor, req.body.teamId, '/body/teamId')).id : null;
    if (req.body.id) {
      const [clash] = await db.select({ id: view.id }).from(view).where(eq(view.id, req.body.id));
      if (clash) throw new AppError(409, 'id_taken', 'A view with this id already exists', [{ field: '/body/id', message: 'already used' }]);
    }
    const now = deps.clock.now();
    const [v] = await db.insert(view).values({
      id: req.body.id ?? newId(),
      workspaceId: actor.workspaceId,
      teamId,
      ownerId: actor.userId,
      name: req.body.name.trim(),
      isPersonal,
      filter,
      display: { ...DEFAULT_VIEW_DISPLAY, ...(req.body.display ?? {}) },
      createdAt: now,
      updatedAt: now,
    }).returning();
    return reply.status(201).send(present(v!, actor));
  });

  app.patch('/api/v1/views/:viewId', {
    schema: { operationId: 'updateView', tags: ['views'], params: Params, body: UpdateBody, response: { 200: ViewSchema, ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => {
    const actor = workspaceActor(req);
    const v = await visible(actor, req.params.viewId);
    if (!canEdit(v, actor)) throw forbidden('Only the view’s owner or a workspace admin can change a shared view');
    if (req.body.isPersonal === false && actor.role === 'guest') throw forbidden('Guests can only save personal views');
    if (req.body.isPersonal === true && v.ownerId !== actor.userId) throw forbidden('Only the owner can make a view personal');
    if (req.body.filter !== undefined) checkFilter(req.body.filter);
    const [u] = await db.update(view).set({
      ...(req.body.name ? { name: req.body.name.trim() } : {}),
      ...(req.body.isPersonal !== undefined ? { isPersonal: req.body.isPersonal } : {}),
      ...(req.body.filter !== undefined ? { filter: req.body.filter } : {}),
      ...(req.body.display ? { display: { ...(v.display as object), ...req.body.display } } : {}),
      updatedAt: deps.clock.now(),
    }).where(eq(view.id, v.id)).returning();
    return present(u!, actor);
  });

  app.delete('/api/v1/views/:viewId', {
    schema: { operationId: 'deleteView', tags: ['views'], params: Params, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    const actor = workspaceActor(req);
    const v = await visible(actor, req.params.viewId);
    if (!canEdit(v, actor)) throw forbidden('Only the view’s owner or a workspace admin can delete a shared view');
    await db.delete(view).where(eq(view.id, v.id));
    return reply.status(204).send(null);
  });
}


