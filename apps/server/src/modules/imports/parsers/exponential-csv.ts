/**
 * Our own issues CSV (GET /api/v1/exports/issues.csv, columns in {@link EXPORT_CSV_COLUMNS}).
 * Cells the exporter neutralised against formula injection (a leading `'`) are restored, so
 * re-importing our CSV gives back the original text. Labels and their groups are parallel
 * line-separated lists; people are e-mail addresses (with names beside them).
 */
import { Slicer } from '../imports.slicer.ts';
import { type CsvRow, type CsvSource, Columns, cellPath, cellProblem } from '../imports.csv.ts';
import { parseDate } from '../imports.dates.ts';
import { keyCandidate, looksLikeEmail, splitKey } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc, type StateCategory } from '../imports.model.ts';
import { restoreFormula } from '../../exports/formula.ts';
import { PRIORITIES } from '../../issues/issues.presenter.ts';

/** Columns of our issues CSV, in order. */
export const EXPORT_CSV_COLUMNS = [
  'Identifier', 'Title', 'Description', 'Team key', 'Team name', 'Status', 'Status category', 'Priority', 'Estimate',
  'Assignee', 'Assignee name', 'Creator', 'Creator name', 'Labels', 'Label groups', 'Parent', 'Due date',
  'Created', 'Updated', 'Started', 'Completed', 'Canceled', 'Archived', 'External source', 'External key',
] as const;
const CATEGORIES = new Set(['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled']);

/** Parses our issues CSV. */
export async function parseExponentialCsv(table: CsvSource, slicer: Slicer = new Slicer(), b: DocBuilder = new DocBuilder('exponential-csv')): Promise<ImportDoc> {
  const header = table.header;
  const cols = new Columns(header);
  for (const [name, ix] of cols.duplicates()) {
    b.problem(cellProblem('error', 1, ix[1]!, header, `the column "${name}" appears ${ix.length} times (also column ${ix[0]! + 1}); remove the duplicate`));
  }
  const c = (n: (typeof EXPORT_CSV_COLUMNS)[number]) => cols.one(n);
  if (c('Title') < 0) {
    b.problem({ severity: 'error', path: 'row 1', row: 1, message: 'no Title column' });
    return b.doc;
  }
  const v = (r: CsvRow, n: (typeof EXPORT_CSV_COLUMNS)[number]) => restoreFormula((r.cells[c(n)] ?? '').replace(/\r\n/g, '\n'));
  const t = (r: CsvRow, n: (typeof EXPORT_CSV_COLUMNS)[number]) => v(r, n).trim();
  const person = (email: string, name: string, path: string) => {
    if (!email && !name) return null;
    return b.user(looksLikeEmail(email) ? { ref: `email:${email.toLowerCase()}`, email, name: name || null, path } : { ref: `name:${(name || email).toLowerCase()}`, name: name || email, path });
  };
  const seen = new Map<string, number>();
  for await (const r of table.rows()) {
    await slicer.maybe();
    if (r.cells.every((x) => !x.trim())) continue;
    const at = (n: (typeof EXPORT_CSV_COLUMNS)[number]) => cellPath(r.row, c(n), header);
    const ident = t(r, 'Identifier').toUpperCase();
    const ref = ident || `row:${r.row}`;
    if (seen.has(ref)) {
      b.problem(cellProblem('error', r.row, c('Identifier'), header, `issue ${ident} repeats row ${seen.get(ref)}`));
      continue;
    }
    seen.set(ref, r.row);
    const split = splitKey(ident);
    const teamKey = t(r, 'Team key') || split?.[0] || 'IMP';
    const teamRef = b.team({ ref: teamKey.toUpperCase(), key: keyCandidate(teamKey), name: t(r, 'Team name') || teamKey, path: at('Team key') });
    const status = t(r, 'Status');
    const catRaw = t(r, 'Status category').toLowerCase();
    if (catRaw && !CATEGORIES.has(catRaw)) b.problem(cellProblem('error', r.row, c('Status category'), header, `must be one of ${[...CATEGORIES].join(', ')}`));
    const category = (CATEGORIES.has(catRaw) ? catRaw : 'unstarted') as StateCategory;
    if (status) b.state({ teamRef, name: status, category, path: at('Status') });
    const prio = t(r, 'Priority').toLowerCase() || 'none';
    const priority = (PRIORITIES as readonly string[]).indexOf(prio);
    if (priority < 0) b.problem(cellProblem('error', r.row, c('Priority'), header, `must be one of ${PRIORITIES.join(', ')}`));
    const names = v(r, 'Labels').split('\n');
    const groups = v(r, 'Label groups').split('\n');
    const labelRefs = names.map((n, i) => [n.trim(), (groups[i] ?? '').trim()] as const).filter(([n]) => n).map(([n, g]) => b.label(n, g || null, at('Labels')));
    const date = (n: (typeof EXPORT_CSV_COLUMNS)[number]) => {
      const s = t(r, n);
      const d = s ? parseDate(s) : null;
      if (s && !d) b.problem(cellProblem('error', r.row, c(n), header, `"${s}" is not a date`));
      return d;
    };
    const estimate = t(r, 'Estimate');
    if (estimate && !Number.isFinite(Number(estimate))) b.problem(cellProblem('error', r.row, c('Estimate'), header, 'must be a number'));
    const desc = v(r, 'Description');
    b.doc.issues.push({
      ref,
      teamRef,
      number: split?.[1] ?? null,
      externalKey: v(r, 'External key') || ident || null,
      externalSource: t(r, 'External source') || 'exponential-csv',
      title: v(r, 'Title').trim(),
      description: desc.trim() ? { format: 'html', text: desc } : null,
      state: { name: status || null, category },
      priority: Math.max(priority, 0),
      estimate: estimate && Number.isFinite(Number(estimate)) ? Number(estimate) : null,
      assigneeRef: person(t(r, 'Assignee'), t(r, 'Assignee name'), at('Assignee')),
      creatorRef: person(t(r, 'Creator'), t(r, 'Creator name'), at('Creator')),
      labelRefs,
      parentRef: t(r, 'Parent').toUpperCase() || null,
      dueDate: t(r, 'Due date') || null,
      createdAt: date('Created'),
      updatedAt: date('Updated'),
      startedAt: date('Started'),
      completedAt: date('Completed'),
      canceledAt: date('Canceled'),
      archivedAt: date('Archived'),
      path: `row ${r.row}`,
    });
  }
  return b.doc;
}
