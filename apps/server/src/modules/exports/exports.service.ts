/**
 * Workspace exports (owners and admins, lib/policy.ts `workspace.export`), streamed as they are
 * read, 1,000 rows per query, so a large workspace never sits in memory whole:
 * - `workspace.json`: the versioned, lossless document
 *   `{format: 'exponential', version: 1, exportedAt, syncVersion, workspace, teams, states, labels,
 *   members, issues, comments, relations, history}`; importing it into an empty workspace and
 *   exporting again gives the same document up to ids (modules/imports reads it back);
 * - `issues.csv`: RFC 4180, UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF, every cell quoted,
 *   formula-like cells neutralised (exports/formula.ts).
 * Rows written while an export runs may appear in their newer form; `syncVersion` is the
 * workspace version when the export began.
 */
import { Readable } from 'node:stream';
import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import Papa from 'papaparse';
import { comment, issue, issueHistory, issueLabel, issueRelation, label, member, team, user, workflowState, workspace, type Db } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { notFound } from '../../lib/errors.ts';
import { authorize, type PolicySubject } from '../../lib/policy.ts';
import { iso } from '../../lib/schemas.ts';
import { presentIssue } from '../issues/issues.presenter.ts';
import { EXPORT_CSV_COLUMNS } from '../imports/parsers/exponential-csv.ts';
import { presentState, presentTeam } from '../teams/teams.presenter.ts';
import { neutraliseFormula } from './formula.ts';

/** Rows per query while streaming. */
const PAGE = 1000;

/** Who exports. */
export interface ExportViewer extends PolicySubject {
  userId: string;
  workspaceId: string;
}

/** Pages through a workspace table by id. */
async function* pages<T extends { id: string }>(db: Db, table: PgTable & { id: PgColumn; workspaceId: PgColumn }, workspaceId: string, extra?: SQL): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const where = and(eq(table.workspaceId, workspaceId), after ? gt(table.id, after) : undefined, extra);
    const rows = (await db.select().from(table as PgTable).where(where).orderBy(asc(table.id)).limit(PAGE)) as unknown as T[];
    if (!rows.length) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Creates the exports service. */
export function createExportService(deps: ModuleDeps) {
  const db = deps.database.db;

  async function* issuePages(workspaceId: string) {
    const teamKeys = new Map((await db.select({ id: team.id, key: team.key }).from(team).where(eq(team.workspaceId, workspaceId))).map((t) => [t.id, t.key]));
    for await (const rows of pages<typeof issue.$inferSelect>(db, issue, workspaceId)) {
      const links = await db.select().from(issueLabel).where(inArray(issueLabel.issueId, rows.map((r) => r.id)));
      const byIssue = new Map<string, string[]>();
      for (const l of links) byIssue.set(l.issueId, [...(byIssue.get(l.issueId) ?? []), l.labelId]);
      yield rows.map((r) => ({ ...presentIssue(r, teamKeys.get(r.teamId) ?? '', (byIssue.get(r.id) ?? []).sort()), externalSource: r.externalSource, externalKey: r.externalKey }));
    }
  }

  /** Members plus every other user the workspace's rows point at (placeholders, former members). */
  async function people(workspaceId: string) {
    const rows = await db.select({ id: user.id, name: user.name, email: user.email, isPlaceholder: user.isPlaceholder, role: member.role })
      .from(member).innerJoin(user, eq(user.id, member.userId)).where(eq(member.workspaceId, workspaceId));
    const known = new Set(rows.map((r) => r.id));
    const referenced = new Set<string>();
    const add = (id: string | null) => { if (id && !known.has(id)) referenced.add(id); };
    for await (const p of pages<typeof issue.$inferSelect>(db, issue, workspaceId)) for (const i of p) { add(i.assigneeId); add(i.creatorId); }
    for await (const p of pages<typeof comment.$inferSelect>(db, comment, workspaceId)) for (const c of p) add(c.userId);
    for await (const p of pages<typeof issueHistory.$inferSelect>(db, issueHistory, workspaceId)) for (const h of p) add(h.actorId);
    for await (const p of pages<typeof issueRelation.$inferSelect>(db, issueRelation, workspaceId)) for (const r of p) add(r.creatorId);
    const others = referenced.size
      ? await db.select({ id: user.id, name: user.name, email: user.email, isPlaceholder: user.isPlaceholder }).from(user).where(inArray(user.id, [...referenced]))
      : [];
    return [...rows, ...others.map((o) => ({ ...o, role: null }))]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, placeholder: u.isPlaceholder }));
  }

  return {
    /**
     * The workspace document as a stream of JSON text.
     * @throws AppError 403 for members and guests, 404 when the workspace is gone
     */
    async workspaceJson(viewer: ExportViewer): Promise<Readable> {
      authorize(viewer, 'workspace.export', 'Only workspace owners and admins can export');
      const [ws] = await db.select().from(workspace).where(eq(workspace.id, viewer.workspaceId));
      if (!ws) throw notFound('Workspace');
      const now = deps.clock.now();
      const id = viewer.workspaceId;
      async function* generate(): AsyncGenerator<string> {
        yield `{"format":"exponential","version":1,"exportedAt":${JSON.stringify(now.toISOString())},"syncVersion":${ws!.version},`;
        yield `"workspace":${JSON.stringify({ id: ws!.id, name: ws!.name, urlSlug: ws!.urlSlug })}`;
        const section = async function* <T>(name: string, source: AsyncIterable<T[]>, map: (r: T) => unknown) {
          yield `,\n${JSON.stringify(name)}:[`;
          let first = true;
          for await (const rows of source) {
            const text = rows.map((r) => JSON.stringify(map(r))).join(',\n');
            if (!text) continue;
            yield `${first ? '\n' : ',\n'}${text}`;
            first = false;
          }
          yield ']';
        };
        yield* section('teams', pages<typeof team.$inferSelect>(db, team, id), presentTeam);
        yield* section('states', pages<typeof workflowState.$inferSelect>(db, workflowState, id), presentState);
        yield* section('labels', pages<typeof label.$inferSelect>(db, label, id), (l) => ({
          id: l.id, name: l.name, color: l.color, description: l.description, teamId: l.teamId, parentId: l.parentId, isGroup: l.isGroup,
          createdAt: iso(l.createdAt), updatedAt: iso(l.updatedAt), archivedAt: iso(l.archivedAt),
        }));
        yield* section('members', (async function* () { yield await people(id); })(), (m) => m);
        yield* section('issues', issuePages(id), (i) => i);
        yield* section('comments', pages<typeof comment.$inferSelect>(db, comment, id), (c) => ({
          id: c.id, issueId: c.issueId, userId: c.userId, parentId: c.parentId, body: c.body, editedAt: iso(c.editedAt), createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
        }));
        yield* section('relations', pages<typeof issueRelation.$inferSelect>(db, issueRelation, id), (r) => ({
          id: r.id, issueId: r.issueId, relatedIssueId: r.relatedIssueId, type: r.type, creatorId: r.creatorId, createdAt: iso(r.createdAt),
        }));
        yield* section('history', pages<typeof issueHistory.$inferSelect>(db, issueHistory, id), (h) => ({
          id: h.id, issueId: h.issueId, actorId: h.actorId, kind: h.kind, changes: h.changes, createdAt: iso(h.createdAt),
        }));
        yield '}\n';
      }
      return Readable.from(generate());
    },

    /** Every issue as CSV text, streamed. @throws AppError 403 */
    async issuesCsv(viewer: ExportViewer): Promise<Readable> {
      authorize(viewer, 'workspace.export', 'Only workspace owners and admins can export');
      const id = viewer.workspaceId;
      const teams = new Map((await db.select().from(team).where(eq(team.workspaceId, id))).map((t) => [t.id, t]));
      const states = new Map((await db.select().from(workflowState).where(eq(workflowState.workspaceId, id))).map((s) => [s.id, s]));
      const labels = new Map((await db.select().from(label).where(eq(label.workspaceId, id))).map((l) => [l.id, l]));
      const users = new Map((await people(id)).map((u) => [u.id, u]));
      const unparse = (rows: string[][]) => Papa.unparse(rows, { quotes: true, newline: '\r\n', escapeFormulae: false });
      async function* generate(): AsyncGenerator<string> {
        yield `\ufeff${unparse([[...EXPORT_CSV_COLUMNS]])}\r\n`;
        const identifiers = new Map(
          (await db.select({ id: issue.id, teamId: issue.teamId, number: issue.number }).from(issue).where(eq(issue.workspaceId, id)))
            .map((i) => [i.id, `${teams.get(i.teamId)?.key ?? ''}-${i.number}`]),
        );
        for await (const rows of issuePages(id)) {
          const out = rows.map((r) => {
            const own = r.labelIds.map((l) => labels.get(l)).filter((l) => !!l);
            return [
              r.identifier, r.title, r.description ?? '', teams.get(r.teamId)?.key ?? '', teams.get(r.teamId)?.name ?? '',
              states.get(r.stateId)?.name ?? '', states.get(r.stateId)?.category ?? '', r.priority, r.estimate === null ? '' : String(r.estimate),
              users.get(r.assigneeId ?? '')?.email ?? '', users.get(r.assigneeId ?? '')?.name ?? '', users.get(r.creatorId ?? '')?.email ?? '', users.get(r.creatorId ?? '')?.name ?? '',
              own.map((l) => l!.name).join('\n'), own.map((l) => (l!.parentId ? labels.get(l!.parentId)?.name ?? '' : '')).join('\n'),
              r.parentId ? identifiers.get(r.parentId) ?? '' : '', r.dueDate ?? '', r.createdAt, r.updatedAt, r.startedAt ?? '', r.completedAt ?? '',
              r.canceledAt ?? '', r.archivedAt ?? '', r.externalSource ?? '', r.externalKey ?? '',
            ].map(neutraliseFormula);
          });
          yield `${unparse(out)}\r\n`;
        }
      }
      return Readable.from(generate());
    },
  };
}
