/**
 * Chromium Monorail's issue-list CSV (`ID, Pri, Target, M, Component, Status, Owner, Summary, OS,
 * Modified, Type, AllLabels, Stars`). Mapping: Pri 0–3 → urgent…low; Status → workflow state
 * (Untriaged → triage, Available/Assigned → unstarted, Started → started, Fixed/Verified →
 * completed, WontFix/Duplicate/Archived → canceled); Component, OS, Type, Target and M become
 * labels in groups of those names; AllLabels become labels; Owner is an e-mail address. The file
 * has no project, no creation date and only relative `Modified` times ("2 hours ago"), which are
 * reported, not guessed.
 */
import { Slicer } from '../imports.slicer.ts';
import { type CsvSource, Columns, cell, cellPath, cellProblem } from '../imports.csv.ts';
import { categoryFromName, looksLikeEmail, priorityFrom, splitList } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc } from '../imports.model.ts';
import { reportUnusedColumns } from './jira-csv.ts';

/** Parses a Monorail CSV export. */
export async function parseMonorailCsv(table: CsvSource, slicer: Slicer = new Slicer(), b: DocBuilder = new DocBuilder('monorail-csv')): Promise<ImportDoc> {
  const { header } = table;
  const cols = new Columns(header);
  for (const [name, ix] of cols.duplicates()) {
    b.problem(cellProblem('error', 1, ix[1]!, header, `the column "${name}" appears ${ix.length} times (also column ${ix[0]! + 1}); remove the duplicate`));
  }
  const c = (n: string) => cols.one(n);
  if (c('Summary') < 0 || c('ID') < 0) {
    b.problem({ severity: 'error', path: 'row 1', row: 1, message: 'no ID or Summary column: this does not look like a Monorail CSV export' });
    return b.doc;
  }
  const teamRef = b.team({ ref: 'monorail', key: 'CR', name: 'Chromium', path: 'row 1' });
  const seen = new Map<string, number>();
  for await (const r of table.rows()) {
    await slicer.maybe();
    if (r.cells.every((x) => !x.trim())) continue;
    const at = (i: number) => cellPath(r.row, i, header);
    const id = cell(r, c('ID'));
    if (seen.has(id)) {
      b.problem(cellProblem('error', r.row, c('ID'), header, `issue ${id} repeats row ${seen.get(id)}`));
      continue;
    }
    seen.set(id, r.row);
    const num = /^\d{1,9}$/.test(id) ? Number(id) : null;
    if (!num) b.problem(cellProblem('warning', r.row, c('ID'), header, `"${id}" is not an issue number; a new number is allocated`));
    const status = cell(r, c('Status'));
    const category = categoryFromName(status) ?? 'unstarted';
    if (status) {
      b.state({ teamRef, name: status, category, path: at(c('Status')) });
      if (!categoryFromName(status)) b.warnOnce(`status:${status}`, at(c('Status')), `status "${status}" has no known category; imported as unstarted`);
    }
    const pri = cell(r, c('Pri'));
    let priority = priorityFrom(pri);
    if (priority === null) {
      b.warnOnce(`prio:${pri}`, at(c('Pri')), `priority "${pri}" is unknown; imported as no priority`);
      priority = 0;
    }
    const labelRefs: string[] = [];
    for (const [col, group] of [['Component', 'Component'], ['OS', 'OS'], ['Type', 'Type'], ['Target', 'Target'], ['M', 'Milestone']] as const) {
      for (const v of splitList(cell(r, c(col)))) labelRefs.push(b.label(v, group, at(c(col))));
    }
    for (const v of splitList(cell(r, c('AllLabels')))) labelRefs.push(b.label(v, null, at(c('AllLabels'))));
    const owner = cell(r, c('Owner'));
    b.doc.issues.push({
      ref: id || `row:${r.row}`,
      teamRef,
      number: num,
      externalKey: id ? `crbug/${id}` : null,
      title: cell(r, c('Summary')),
      state: { name: status || null, category },
      priority,
      assigneeRef: owner ? b.user(looksLikeEmail(owner) ? { ref: `email:${owner.toLowerCase()}`, email: owner, path: at(c('Owner')) } : { ref: `name:${owner.toLowerCase()}`, name: owner, path: at(c('Owner')) }) : null,
      labelRefs,
      path: `row ${r.row}`,
    });
  }
  if (c('Modified') >= 0) {
    b.problem({ severity: 'warning', path: `column ${c('Modified') + 1} ("Modified")`, column: 'Modified', message: 'relative times ("2 hours ago") are not dates; created and updated are set to the import time' });
  }
  reportUnusedColumns(b, table, cols);
  return b.doc;
}
