/**
 * Linear's CSV export (Settings → Import/Export), the early-2023 column set and the current one.
 * Mapping: `Team` + the `ID` prefix make the team; `Status` is the workflow state (category from
 * the Started/Completed/Canceled dates, then the name); `Project`, `Cycle Name`, `Milestone`,
 * `Project Milestone` and `Roadmaps`/`Initiatives` become labels in groups of those names;
 * Creator and Assignee are e-mail addresses; `Parent issue` is an identifier.
 */
import { Slicer } from '../imports.slicer.ts';
import { type CsvSource, Columns, cell, cellPath, cellProblem } from '../imports.csv.ts';
import { dateOnly, parseDate } from '../imports.dates.ts';
import { categoryFromName, keyCandidate, looksLikeEmail, priorityFrom, splitKey, splitList } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc, type StateCategory } from '../imports.model.ts';
import { reportUnusedColumns } from './jira-csv.ts';

/** Parses a Linear CSV export. */
export async function parseLinearCsv(table: CsvSource, slicer: Slicer = new Slicer(), b: DocBuilder = new DocBuilder('linear-csv')): Promise<ImportDoc> {
  const { header } = table;
  const cols = new Columns(header);
  for (const [name, ix] of cols.duplicates()) {
    b.problem(cellProblem('error', 1, ix[1]!, header, `the column "${name}" appears ${ix.length} times (also column ${ix[0]! + 1}); remove the duplicate`));
  }
  const c = (n: string) => cols.one(n);
  const id = c('ID');
  const title = c('Title');
  if (title < 0) {
    b.problem({ severity: 'error', path: 'row 1', row: 1, message: 'no Title column: this does not look like a Linear CSV export' });
    return b.doc;
  }
  const person = (v: string, path: string) => {
    if (!v) return null;
    return b.user(looksLikeEmail(v) ? { ref: `email:${v.toLowerCase()}`, email: v, path } : { ref: `name:${v.toLowerCase()}`, name: v, path });
  };
  const seen = new Map<string, number>();
  for await (const r of table.rows()) {
    await slicer.maybe();
    if (r.cells.every((x) => !x.trim())) continue;
    const at = (i: number) => cellPath(r.row, i, header);
    const key = cell(r, id).toUpperCase();
    const ref = key || `row:${r.row}`;
    if (seen.has(ref)) {
      b.problem(cellProblem('error', r.row, id, header, `issue ${key} repeats row ${seen.get(ref)}`));
      continue;
    }
    seen.set(ref, r.row);
    const split = splitKey(key);
    const teamName = cell(r, c('Team')) || split?.[0] || 'Linear';
    const teamRef = b.team({ ref: (split?.[0] ?? teamName).toUpperCase(), key: split?.[0] ?? keyCandidate(teamName), name: teamName, path: at(c('Team')) });
    const status = cell(r, c('Status'));
    const date = (n: string) => {
      const v = cell(r, c(n));
      const d = v ? parseDate(v) : null;
      if (v && !d) b.problem(cellProblem('warning', r.row, c(n), header, `"${v}" is not a date; left empty`));
      return d;
    };
    const started = date('Started');
    const completed = date('Completed');
    const canceled = date('Canceled');
    const category: StateCategory = canceled ? 'canceled' : completed ? 'completed' : categoryFromName(status) ?? (started ? 'started' : 'unstarted');
    if (status) b.state({ teamRef, name: status, category, path: at(c('Status')) });
    const word = cell(r, c('Priority'));
    let priority = priorityFrom(word);
    if (priority === null) {
      b.warnOnce(`prio:${word}`, at(c('Priority')), `priority "${word}" is unknown; imported as no priority`);
      priority = 0;
    }
    const labelRefs = splitList(cell(r, c('Labels'))).map((l) => b.label(l, null, at(c('Labels'))));
    for (const [col, group] of [['Project', 'Project'], ['Cycle Name', 'Cycle'], ['Milestone', 'Milestone'], ['Project Milestone', 'Milestone']] as const) {
      const v = cell(r, c(col));
      if (v) labelRefs.push(b.label(v, group, at(c(col))));
    }
    for (const col of ['Roadmaps', 'Initiatives']) for (const v of splitList(cell(r, c(col)))) labelRefs.push(b.label(v, col === 'Roadmaps' ? 'Roadmap' : 'Initiative', at(c(col))));
    const estimate = cell(r, c('Estimate'));
    const desc = cell(r, c('Description'));
    b.doc.issues.push({
      ref,
      teamRef,
      number: split?.[1] ?? null,
      externalKey: key || null,
      title: cell(r, title),
      description: desc ? { format: 'markdown', text: desc } : null,
      state: { name: status || null, category },
      priority,
      estimate: estimate && Number.isFinite(Number(estimate)) ? Number(estimate) : null,
      assigneeRef: person(cell(r, c('Assignee')), at(c('Assignee'))),
      creatorRef: person(cell(r, c('Creator')), at(c('Creator'))),
      labelRefs,
      parentRef: cell(r, c('Parent issue')).toUpperCase() || null,
      dueDate: dateOnly(date('Due Date')),
      createdAt: date('Created'),
      updatedAt: date('Updated'),
      startedAt: started,
      completedAt: completed,
      canceledAt: canceled,
      archivedAt: date('Archived'),
      path: `row ${r.row}`,
    });
  }
  for (const n of ['Cycle Number', 'Cycle Start', 'Cycle End', 'Project ID', 'Triaged', 'SLA Status', 'Project Milestone (ID)']) c(n);
  reportUnusedColumns(b, table, cols);
  return b.doc;
}
