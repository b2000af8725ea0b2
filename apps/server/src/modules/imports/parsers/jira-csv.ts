/**
 * Jira "Export → CSV" (Cloud all-fields and current-fields exports, Jira Server, Excel re-saves),
 * in English or Spanish. Multi-value fields come as repeated columns (`Labels`, `Comment`,
 * `Sprint`, `Watchers`, `Attachment`, `Outward issue link (Blocks)`, …); `Comment` cells read
 * `date;accountId;body`; people are display names next to `… Id` account-id columns.
 */
import { Slicer } from '../imports.slicer.ts';
import { type CsvRow, type CsvSource, Columns, cell, cellPath, cellProblem, } from '../imports.csv.ts';
import { numericDatesAreDayFirst, parseJiraDate } from '../imports.dates.ts';
import { categoryFromName, keyCandidate, priorityFrom, splitKey, stateCategory } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc, type ImportIssue } from '../imports.model.ts';
import { linkList } from '../imports.text.ts';
import { JIRA_GROUPS, isCanceledResolution, jiraLinkKind, jiraUser } from './jira-common.ts';

/** Header names of each logical field (English, then Spanish). */
const F = {
  summary: ['Summary', 'Resumen'],
  key: ['Issue key', 'Key', 'Clave de incidencia', 'Clave'],
  id: ['Issue id', 'ID de la incidencia'],
  type: ['Issue Type', 'Tipo de Incidencia'],
  status: ['Status', 'Estado'],
  statusCategory: ['Status Category', 'Categoría de estado'],
  priority: ['Priority', 'Prioridad'],
  resolution: ['Resolution', 'Resolución'],
  assignee: ['Assignee', 'Persona asignada'],
  assigneeId: ['Assignee Id', 'ID de la persona asignada'],
  reporter: ['Reporter', 'Informador'],
  reporterId: ['Reporter Id', 'ID del informador'],
  creator: ['Creator', 'Creador'],
  creatorId: ['Creator Id', 'ID del creador'],
  created: ['Created', 'Creada'],
  updated: ['Updated', 'Actualizada'],
  resolved: ['Resolved', 'Resuelta'],
  due: ['Due date', 'Due Date', 'Fecha de vencimiento'],
  description: ['Description', 'Descripción'],
  parentId: ['Parent', 'Principal', 'Parent id'],
  parentKey: ['Parent key', 'Clave principal'],
  projectKey: ['Project key', 'Clave del proyecto'],
  projectName: ['Project name', 'Nombre del proyecto'],
  projectDescription: ['Project description', 'Descripción del proyecto'],
  rank: ['Custom field (Rank)', 'Campo personalizado (Rank)', 'Campo personalizado (Clasificación)'],
  storyPoints: ['Custom field (Story point estimate)', 'Custom field (Story Points)', 'Campo personalizado (Story point estimate)', 'Campo personalizado (Story Points)'],
  epicLink: ['Custom field (Epic Link)', 'Campo personalizado (Epic Link)'],
  epicName: ['Custom field (Epic Name)', 'Campo personalizado (Epic Name)'],
} as const;
/** Multi-value fields, spread over repeated columns. */
const M = {
  labels: ['Labels', 'Etiquetas'],
  comments: ['Comment', 'Comentario'],
  sprints: ['Sprint'],
  components: ['Components', 'Component/s', 'Componentes'],
  fixVersions: ['Fix versions', 'Fix Version/s', 'Versiones de corrección'],
  affects: ['Affects versions', 'Affects Version/s', 'Versiones afectadas'],
  attachments: ['Attachment', 'Adjunto'],
  watchers: ['Watchers', 'Interesados'],
  watcherIds: ['Watchers Id', 'ID de los interesados'],
} as const;
const OUTWARD = /^(?:Outward issue link|Enlace de incidencia saliente) \((.+)\)$/i;
const INWARD = /^(?:Inward issue link|Enlace a la incidencia interna) \((.+)\)$/i;

/**
 * Parses a Jira CSV export in two streamed passes: the first collects what rows refer to ahead
 * (account names, issue ids, epic names, the date order), the second makes the entities.
 * @param b receives the entities (a caller may drain its issues and comments between batches)
 * @returns the document; structural problems (a missing Summary column, a single-value column
 *   repeated) are errors in `problems`
 */
export async function parseJiraCsv(table: CsvSource, slicer: Slicer = new Slicer(), b: DocBuilder = new DocBuilder('jira-csv')): Promise<ImportDoc> {
  const { header } = table;
  const cols = new Columns(header);
  const ix = Object.fromEntries(Object.entries(F).map(([k, names]) => [k, cols.all(...names)])) as Record<keyof typeof F, number[]>;
  const mx = Object.fromEntries(Object.entries(M).map(([k, names]) => [k, cols.all(...names)])) as Record<keyof typeof M, number[]>;
  // A single-value column named twice is ambiguous (which one holds the value?): refused.
  const single = new Set(Object.values(F).flat().map((n) => n.toLowerCase()));
  for (const [name, list] of cols.duplicates()) {
    if (single.has(name)) {
      b.problem(cellProblem('error', 1, list[1]!, header, `the single-value column "${header[list[0]!]}" appears ${list.length} times (also column ${list[0]! + 1}); remove the duplicate`));
    }
  }
  const col = (k: keyof typeof F) => ix[k][0] ?? -1;
  cols.all('Parent summary', 'Resumen principal'); // shown next to the parent key; the link carries it
  if (col('summary') < 0) {
    b.problem({ severity: 'error', path: 'row 1', row: 1, message: 'no Summary column: this does not look like a Jira CSV export' });
    return b.doc;
  }
  const links: Array<{ index: number; type: string; outward: boolean }> = [];
  header.forEach((h, i) => {
    const o = OUTWARD.exec(h);
    const n = INWARD.exec(h);
    if (o || n) {
      links.push({ index: i, type: (o ?? n)![1]!, outward: !!o });
      cols.used.add(i);
    }
  });

  // Look-ahead pass: account id → display name (from every name/id column pair, for comments and
  // mentions), issue id → key (parents by id), epic key → epic name, and the numeric date order.
  const names = new Map<string, string>();
  const idToKey = new Map<string, string>();
  const epicNames = new Map<string, string>();
  const pairs: Array<[number, number]> = [[col('assignee'), col('assigneeId')], [col('reporter'), col('reporterId')], [col('creator'), col('creatorId')]];
  mx.watchers.forEach((w, i) => pairs.push([w, mx.watcherIds[i] ?? -1]));
  let dayFirst = false;
  for await (const r of table.rows({ scan: true })) {
    if (!dayFirst) dayFirst = numericDatesAreDayFirst([cell(r, col('created')), cell(r, col('updated'))]);
    for (const [nameCol, idCol] of pairs) {
      const id = cell(r, idCol);
      const name = cell(r, nameCol);
      if (id && name && !names.has(id)) names.set(id, name);
    }
    const k = cell(r, col('key')).toUpperCase();
    const id = cell(r, col('id'));
    if (k && id) idToKey.set(id, k);
    const n = cell(r, col('epicName'));
    if (k && n) epicNames.set(k, n);
  }
  b.doc.names = names;
  const date = (r: CsvRow, k: keyof typeof F) => {
    const v = cell(r, col(k));
    if (!v) return null;
    const d = parseJiraDate(v, dayFirst);
    if (!d) b.problem(cellProblem('warning', r.row, col(k), header, `"${v}" is not a date this importer reads; left empty`));
    return d;
  };

  const seen = new Map<string, number>();
  for await (const r of table.rows()) {
    await slicer.maybe();
    const at = (i: number) => cellPath(r.row, i, header);
    const first = cell(r, 0);
    if (/^Generated at .+ by .+ using JIRA/i.test(first) || (/^Generated at /i.test(first) && !cell(r, col('key')))) {
      b.problem({ severity: 'warning', path: `row ${r.row}`, row: r.row, message: 'Jira\'s export footer ("Generated at …"), not an issue; skipped' });
      continue;
    }
    if (r.cells.every((c) => c.trim() === '')) continue;
    const key = cell(r, col('key')).toUpperCase();
    const ref = key || `row:${r.row}`;
    if (seen.has(ref)) {
      b.problem(cellProblem('error', r.row, col('key'), header, `issue key ${key} repeats row ${seen.get(ref)}`));
      continue;
    }
    seen.set(ref, r.row);
    const split = key ? splitKey(key) : null;
    if (key && !split) b.problem(cellProblem('warning', r.row, col('key'), header, `"${key}" is not a Jira issue key (PROJECT-123); a new number is allocated`));
    const projectKey = cell(r, col('projectKey')).toUpperCase() || split?.[0] || 'JIRA';
    const teamRef = b.team({
      ref: projectKey,
      key: keyCandidate(projectKey),
      name: cell(r, col('projectName')) || projectKey,
      description: cell(r, col('projectDescription')) || null,
      path: at(col('projectKey') >= 0 ? col('projectKey') : col('key')),
    });

    const statusName = cell(r, col('status'));
    const jiraCat = cell(r, col('statusCategory'));
    const resolution = cell(r, col('resolution'));
    const { category: cat0, guessed } = stateCategory(statusName || 'Open', jiraCat);
    const category = cat0 === 'completed' && categoryFromName(statusName) === null && isCanceledResolution(resolution) && !jiraCat ? 'canceled' : cat0;
    if (statusName) {
      b.state({ teamRef, name: statusName, category, path: at(col('status')) });
      if (guessed) b.warnOnce(`status:${statusName}`, at(col('status')), `status "${statusName}" has no category in the file; imported as ${category}`);
    }
    const resolved = date(r, 'resolved');

    const prioWord = cell(r, col('priority'));
    let priority = priorityFrom(prioWord);
    if (priority === null) {
      b.warnOnce(`prio:${prioWord}`, at(col('priority')), `priority "${prioWord}" is unknown; imported as no priority`);
      priority = 0;
    }

    const labelRefs: string[] = [];
    for (const i of mx.labels) for (const l of cell(r, i).split(/\s+/).filter(Boolean)) labelRefs.push(b.label(l, null, at(i)));
    const group = (g: string, indexes: number[]) => {
      for (const i of indexes) { const v = cell(r, i); if (v) labelRefs.push(b.label(v, g, at(i))); }
    };
    const type = cell(r, col('type'));
    if (type) labelRefs.push(b.label(type, JIRA_GROUPS.type, at(col('type'))));
    group(JIRA_GROUPS.sprint, mx.sprints);
    group(JIRA_GROUPS.component, mx.components);
    group(JIRA_GROUPS.fixVersion, mx.fixVersions);
    group(JIRA_GROUPS.affectsVersion, mx.affects);
    if (resolution) labelRefs.push(b.label(resolution, JIRA_GROUPS.resolution, at(col('resolution'))));
    const epic = cell(r, col('epicLink')).toUpperCase();
    if (epic) labelRefs.push(b.label(epicNames.get(epic) ?? epic, JIRA_GROUPS.epic, at(col('epicLink'))));

    const attachments = mx.attachments.map((i) => cell(r, i)).filter(Boolean).map((v) => {
      const parts = v.split(';');
      return parts.length >= 4 ? { name: parts[2]!, url: parts.slice(3).join(';') } : { name: v };
    });
    const descText = cell(r, col('description'));

    let parentRef: string | null = null;
    const parentKey = cell(r, col('parentKey')).toUpperCase();
    const parentId = cell(r, col('parentId'));
    if (parentKey) parentRef = parentKey;
    else if (parentId) parentRef = idToKey.get(parentId) ?? `id:${parentId}`;

    const sp = cell(r, col('storyPoints'));
    const estimate = sp && Number.isFinite(Number(sp.replace(',', '.'))) ? Number(sp.replace(',', '.')) : null;

    const issue: ImportIssue = {
      ref,
      teamRef,
      number: split?.[1] ?? null,
      externalKey: key || null,
      title: cell(r, col('summary')),
      description: descText ? { format: 'jira', text: descText } : null,
      state: { name: statusName || null, category },
      priority,
      estimate,
      assigneeRef: jiraUser(b, { id: cell(r, col('assigneeId')), name: cell(r, col('assignee')) }, at(col('assignee'))),
      creatorRef:
        jiraUser(b, { id: cell(r, col('reporterId')), name: cell(r, col('reporter')) }, at(col('reporter'))) ??
        jiraUser(b, { id: cell(r, col('creatorId')), name: cell(r, col('creator')) }, at(col('creator'))),
      labelRefs,
      parentRef,
      dueDate: date(r, 'due')?.toISOString().slice(0, 10) ?? null,
      rank: cell(r, col('rank')) || null,
      createdAt: date(r, 'created'),
      updatedAt: date(r, 'updated'),
      completedAt: category === 'completed' ? resolved : null,
      canceledAt: category === 'canceled' ? resolved : null,
      path: `row ${r.row}`,
    };
    if (attachments.length) issue.descriptionSuffix = linkList('Attachments', attachments);
    b.doc.issues.push(issue);

    for (const i of mx.comments) {
      const v = r.cells[i] ?? '';
      if (!v.trim()) continue;
      const m = /^([^;]{6,30});([^;]*);([\s\S]*)$/.exec(v);
      const when = m ? parseJiraDate(m[1]!, dayFirst) : null;
      if (m && when) {
        const author = m[2]!.trim();
        b.doc.comments.push({
          issueRef: ref,
          authorRef: author ? jiraUser(b, { id: author, name: names.get(author) ?? null }, at(i)) : null,
          body: { format: 'jira', text: m[3]! },
          createdAt: when,
          path: at(i),
        });
      } else {
        b.problem(cellProblem('warning', r.row, i, header, 'comment without Jira\'s "date;author;" prefix; imported with no author or date'));
        b.doc.comments.push({ issueRef: ref, authorRef: null, body: { format: 'jira', text: v }, path: at(i) });
      }
    }
    for (const l of links) {
      const other = cell(r, l.index).toUpperCase();
      if (!other) continue;
      const kind = jiraLinkKind(b, l.type, at(l.index));
      b.doc.relations.push(l.outward ? { fromRef: ref, toRef: other, kind, path: at(l.index) } : { fromRef: other, toRef: ref, kind, path: at(l.index) });
    }
  }
  reportUnusedColumns(b, table, cols);
  return b.doc;
}

/**
 * One warning per column the import does not use that has values, so nothing is dropped silently
 * (the counts of the source's last complete pass, {@link CsvSource.filled}).
 */
export function reportUnusedColumns(b: DocBuilder, table: CsvSource, cols: Columns): void {
  for (const [i, h] of table.header.entries()) {
    if (cols.used.has(i)) continue;
    const n = table.filled[i] ?? 0;
    if (n) b.problem({ severity: 'warning', path: `column ${i + 1} ("${h}")`, column: h, message: `not imported (${n} value${n === 1 ? '' : 's'}): no equivalent field` });
  }
}
