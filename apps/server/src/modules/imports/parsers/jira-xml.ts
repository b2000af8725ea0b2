/**
 * Jira "Export → XML": the RSS 0.92 issue-navigator document (`<rss><channel><item>…`), parsed
 * with htmlparser2 in XML mode (character references such as `&#1043;` decoded). Descriptions
 * and comments are HTML escaped inside the XML; dates are RFC 822.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { parseDate } from '../imports.dates.ts';
import { categoryFromName, keyCandidate, priorityFrom, splitKey, stateCategory } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc } from '../imports.model.ts';
import { linkList } from '../imports.text.ts';
import { JIRA_GROUPS, isCanceledResolution, jiraLinkKind, jiraUser } from './jira-common.ts';

const kids = (el: Element | undefined, name: string): Element[] =>
  el ? (el.children.filter((c) => (c as Element).name === name) as Element[]) : [];
const kid = (el: Element | undefined, name: string): Element | undefined => kids(el, name)[0];
const text = (el: Element | undefined): string => (el ? DomUtils.textContent(el).trim() : '');

/**
 * Parses a Jira XML export.
 * @returns the document; a file that is not a Jira RSS export gives an error problem
 */
export function parseJiraXml(xml: string): ImportDoc {
  const b = new DocBuilder('jira-xml');
  const dom = parseDocument(xml, { xmlMode: true, decodeEntities: true });
  const rss = DomUtils.findOne((e) => e.name === 'rss', dom.children, false) as Element | null;
  const channel = kid(rss ?? undefined, 'channel');
  if (!channel) {
    b.problem({ severity: 'error', path: 'rss.channel', message: 'not a Jira XML export: no <rss><channel> element' });
    return b.doc;
  }
  const range = kid(channel, 'issue');
  if (range) {
    const start = Number(range.attribs.start ?? 0);
    const end = Number(range.attribs.end ?? 0);
    const total = Number(range.attribs.total ?? 0);
    if (total > end - start) {
      b.problem({ severity: 'warning', path: 'rss.channel.issue', message: `the export holds issues ${start + 1}–${end} of ${total}; the others are not in the file` });
    }
  }
  const items = kids(channel, 'item');
  const names = new Map<string, string>();
  for (const it of items) {
    for (const tag of ['assignee', 'reporter', 'creator']) {
      const e = kid(it, tag);
      const id = e?.attribs.accountid ?? e?.attribs.username;
      if (id && id !== '-1' && text(e)) names.set(id, text(e));
    }
  }
  const unused = new Map<string, number>();
  const seen = new Set<string>();

  items.forEach((it, n) => {
    const path = `rss.channel.item[${n}]`;
    const key = text(kid(it, 'key')).toUpperCase();
    const ref = key || `item:${n}`;
    if (seen.has(ref)) {
      b.problem({ severity: 'error', path: `${path}.key`, message: `issue key ${key} appears twice` });
      return;
    }
    seen.add(ref);
    const project = kid(it, 'project');
    const split = splitKey(key);
    const projectKey = (project?.attribs.key ?? split?.[0] ?? 'JIRA').toUpperCase();
    const teamRef = b.team({ ref: projectKey, key: keyCandidate(projectKey), name: text(project) || projectKey, path: `${path}.project` });

    const statusName = text(kid(it, 'status'));
    const jiraCat = kid(it, 'statusCategory')?.attribs.key ?? null;
    const resolutionEl = kid(it, 'resolution');
    const resolution = resolutionEl && resolutionEl.attribs.id !== '-1' ? text(resolutionEl) : '';
    const { category: cat0 } = stateCategory(statusName || 'Open', jiraCat);
    const category = cat0 === 'completed' && categoryFromName(statusName) === null && isCanceledResolution(resolution) && !jiraCat ? 'canceled' : cat0;
    if (statusName) b.state({ teamRef, name: statusName, category, path: `${path}.status` });
    const resolved = parseDate(text(kid(it, 'resolved')));

    const prioWord = text(kid(it, 'priority'));
    let priority = priorityFrom(prioWord);
    if (priority === null) {
      b.warnOnce(`prio:${prioWord}`, `${path}.priority`, `priority "${prioWord}" is unknown; imported as no priority`);
      priority = 0;
    }
    const person = (tag: string) => {
      const e = kid(it, tag);
      const id = e?.attribs.accountid ?? e?.attribs.username ?? null;
      if (!e || id === '-1') return null;
      return jiraUser(b, { id, name: text(e) }, `${path}.${tag}`);
    };

    const labelRefs: string[] = [];
    kids(kid(it, 'labels'), 'label').forEach((l, i) => { if (text(l)) labelRefs.push(b.label(text(l), null, `${path}.labels[${i}]`)); });
    const type = text(kid(it, 'type'));
    if (type) labelRefs.push(b.label(type, JIRA_GROUPS.type, `${path}.type`));
    kids(it, 'component').forEach((c, i) => labelRefs.push(b.label(text(c), JIRA_GROUPS.component, `${path}.component[${i}]`)));
    kids(it, 'fixVersion').forEach((c, i) => labelRefs.push(b.label(text(c), JIRA_GROUPS.fixVersion, `${path}.fixVersion[${i}]`)));
    kids(it, 'version').forEach((c, i) => labelRefs.push(b.label(text(c), JIRA_GROUPS.affectsVersion, `${path}.version[${i}]`)));
    if (resolution) labelRefs.push(b.label(resolution, JIRA_GROUPS.resolution, `${path}.resolution`));

    let estimate: number | null = null;
    let rank: string | null = null;
    kids(kid(it, 'customfields'), 'customfield').forEach((cf, i) => {
      const name = text(kid(cf, 'customfieldname'));
      const values = kids(kid(cf, 'customfieldvalues'), 'customfieldvalue').map(text).filter(Boolean);
      if (!values.length) return;
      const at = `${path}.customfields[${i}]`;
      const lower = name.toLowerCase();
      if (lower === 'sprint') values.forEach((v) => labelRefs.push(b.label(v, JIRA_GROUPS.sprint, at)));
      else if (lower === 'rank') rank = values[0]!;
      else if (lower === 'story point estimate' || lower === 'story points') {
        const v = Number(values[0]!.replace(',', '.'));
        if (Number.isFinite(v)) estimate = v;
      } else if (lower === 'epic link') labelRefs.push(b.label(values[0]!, JIRA_GROUPS.epic, at));
      else unused.set(name, (unused.get(name) ?? 0) + 1);
    });

    const attachments = kids(kid(it, 'attachments'), 'attachment').map((a) => ({ name: a.attribs.name ?? 'attachment' }));
    const desc = text(kid(it, 'description'));
    b.doc.issues.push({
      ref,
      teamRef,
      number: split?.[1] ?? null,
      externalKey: key || null,
      title: text(kid(it, 'summary')) || text(kid(it, 'title')),
      description: desc ? { format: 'html', text: desc } : null,
      descriptionSuffix: attachments.length ? linkList('Attachments', attachments) : null,
      state: { name: statusName || null, category },
      priority,
      estimate,
      assigneeRef: person('assignee'),
      creatorRef: person('reporter') ?? person('creator'),
      labelRefs,
      parentRef: text(kid(it, 'parent')).toUpperCase() || null,
      dueDate: parseDate(text(kid(it, 'due')))?.toISOString().slice(0, 10) ?? null,
      rank,
      createdAt: parseDate(text(kid(it, 'created'))),
      updatedAt: parseDate(text(kid(it, 'updated'))),
      completedAt: category === 'completed' ? resolved : null,
      canceledAt: category === 'canceled' ? resolved : null,
      path,
    });

    kids(kid(it, 'comments'), 'comment').forEach((c, i) => {
      const author = c.attribs.author ?? null;
      b.doc.comments.push({
        issueRef: ref,
        authorRef: author ? jiraUser(b, { id: author, name: names.get(author) ?? null }, `${path}.comments[${i}]`) : null,
        body: { format: 'html', text: DomUtils.textContent(c) },
        createdAt: parseDate(c.attribs.created),
        path: `${path}.comments[${i}]`,
      });
    });
    kids(kid(it, 'issuelinks'), 'issuelinktype').forEach((lt, i) => {
      const kind = jiraLinkKind(b, text(kid(lt, 'name')), `${path}.issuelinks[${i}]`);
      for (const [dir, outward] of [['outwardlinks', true], ['inwardlinks', false]] as const) {
        kids(kid(lt, dir), 'issuelink').forEach((l, j) => {
          const other = text(kid(l, 'issuekey')).toUpperCase();
          if (!other) return;
          const at = `${path}.issuelinks[${i}].${dir}[${j}]`;
          b.doc.relations.push(outward ? { fromRef: ref, toRef: other, kind, path: at } : { fromRef: other, toRef: ref, kind, path: at });
        });
      }
    });
  });
  if (!items.length) b.problem({ severity: 'error', path: 'rss.channel', message: 'the export holds no <item> (no issues)' });
  for (const [name, count] of unused) {
    b.problem({ severity: 'warning', path: `customfield "${name}"`, message: `not imported (${count} value${count === 1 ? '' : 's'}): no equivalent field` });
  }
  b.doc.names = names;
  return b.doc;
}
