/**
 * Trello board JSON ("Print and export → Export as JSON"), current and legacy (~2015) shapes.
 * Mapping (docs/IMPORT.md): the board is a team; each list is a workflow state (category from its
 * name: Done → completed, Doing → started, Backlog → backlog, else unstarted); cards are issues
 * numbered by `idShort`; archived cards, and cards of archived lists, are archived issues; board
 * labels are labels (a label without a name is named after its colour); members are people;
 * checklists and attachments are appended to the description; `commentCard` actions are comments.
 * Trello caps `actions` at 1,000, so older comments of big boards are not in the file.
 */
import { dateOnly, parseDate } from '../imports.dates.ts';
import { type JsonReader, at, isObject } from '../imports.json.ts';
import { categoryFromName, keyCandidate } from '../imports.mapping.ts';
import { DocBuilder, type ImportDoc, type StateCategory } from '../imports.model.ts';
import { linkList, taskList } from '../imports.text.ts';

/** Trello's label colours as hex. */
const COLORS: Record<string, string> = {
  green: '#61bd4f', yellow: '#f2d600', orange: '#ff9f1a', red: '#eb5a46', purple: '#c377e0', blue: '#0079bf',
  sky: '#00c2e0', lime: '#51e898', pink: '#ff78cb', black: '#344563',
};

type Obj = Record<string, unknown>;

/** When a Trello object was created: the first 4 bytes of its id are a Unix time. */
function idTime(id: unknown): Date | null {
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id)) return null;
  return new Date(Number.parseInt(id.slice(0, 8), 16) * 1000);
}

function listCategory(name: string): StateCategory {
  const c = categoryFromName(name);
  if (c) return c;
  const n = name.toLowerCase();
  if (/\b(done|complete|finished|shipped|released|closed)\b|完了|済/.test(n)) return 'completed';
  if (/\b(doing|progress|working|review|testing|current)\b|作業中|進行中/.test(n)) return 'started';
  if (/\b(backlog|ideas?|icebox|later|someday)\b/.test(n)) return 'backlog';
  return 'unstarted';
}

/** Parses a Trello board export. */
export function parseTrelloJson(root: unknown, r: JsonReader): ImportDoc {
  const b = new DocBuilder('trello-json');
  b.doc.problems = r.problems;
  if (!isObject(root) || !Array.isArray(root.cards) || !Array.isArray(root.lists)) {
    b.problem({ severity: 'error', path: '$', message: 'not a Trello board export: expected an object with "lists" and "cards"' });
    return b.doc;
  }
  const boardName = (r.str(root, 'name', '') ?? 'Trello').trim() || 'Trello';
  const teamRef = b.team({ ref: 'board', key: keyCandidate(boardName).slice(0, 7), name: boardName, path: 'name' });

  const members = new Map<string, string>();
  const member = (m: Obj | null, path: string) => {
    if (!m || typeof m.id !== 'string') return null;
    return b.user({ ref: `trello:${m.id}`, name: (m.fullName as string) || (m.username as string) || null, externalId: m.id, path });
  };
  r.list(root, 'members', '').forEach((m, i) => { if (isObject(m)) { const ref = member(m, at('members', i)); if (ref) members.set(m.id as string, ref); } });

  const lists = new Map<string, { name: string; closed: boolean }>();
  r.list(root, 'lists', '', true).forEach((l, i) => {
    if (!isObject(l) || typeof l.id !== 'string') return;
    const name = (typeof l.name === 'string' && l.name.trim()) || `List ${i + 1}`;
    lists.set(l.id, { name, closed: l.closed === true });
    b.state({ teamRef, name, category: listCategory(name), position: typeof l.pos === 'number' ? l.pos : i, path: at('lists', i) });
  });

  const labelById = new Map<string, string>();
  const addLabel = (l: Obj, path: string) => {
    const color = typeof l.color === 'string' ? l.color : null;
    const name = (typeof l.name === 'string' && l.name.trim()) || color || 'label';
    const ref = b.label(name, null, path, { color: color ? COLORS[color] ?? null : null });
    if (typeof l.id === 'string') labelById.set(l.id, ref);
    return ref;
  };
  r.list(root, 'labels', '').forEach((l, i) => { if (isObject(l)) addLabel(l, at('labels', i)); });
  const labelNames = r.obj(root, 'labelNames', '');
  if (!Array.isArray(root.labels) && labelNames) {
    // Legacy boards: named colours only.
    for (const [color, name] of Object.entries(labelNames)) if (typeof name === 'string' && name.trim()) addLabel({ color, name }, at('labelNames', color));
  }

  const checklists = new Map<string, Array<{ title: string; items: Array<{ name: string; done: boolean }> }>>();
  r.list(root, 'checklists', '').forEach((c) => {
    if (!isObject(c) || typeof c.idCard !== 'string') return;
    const items = (Array.isArray(c.checkItems) ? c.checkItems : []).filter(isObject)
      .sort((x, y) => Number(x.pos ?? 0) - Number(y.pos ?? 0))
      .map((i) => ({ name: String(i.name ?? ''), done: i.state === 'complete' }));
    checklists.set(c.idCard, [...(checklists.get(c.idCard) ?? []), { title: String(c.name ?? 'Checklist'), items }]);
  });

  const cardRef = new Map<string, string>();
  (root.cards as unknown[]).forEach((c, i) => {
    const path = at('cards', i);
    if (!isObject(c) || typeof c.id !== 'string') return b.problem({ severity: 'error', path, message: 'must be a card object with an id' });
    const list = lists.get(String(c.idList));
    if (!list) b.problem({ severity: 'warning', path: at(path, 'idList'), message: 'the card\'s list is not in the file; imported into the team\'s default unstarted state' });
    const ref = `card:${c.id}`;
    cardRef.set(c.id, ref);
    const labelRefs: string[] = [];
    const ids = r.list(c, 'idLabels', path).filter((x): x is string => typeof x === 'string');
    for (const id of ids) { const l = labelById.get(id); if (l) labelRefs.push(l); }
    if (!ids.length || !labelById.size) r.list(c, 'labels', path).forEach((l, j) => { if (isObject(l)) labelRefs.push(addLabel(l, at(at(path, 'labels'), j))); });
    const assignees = r.list(c, 'idMembers', path).filter((x): x is string => typeof x === 'string');
    if (assignees.length > 1) b.warnOnce('members', at(path, 'idMembers'), 'cards with several members: the first member becomes the assignee, the others are not imported');
    const attachments = r.list(c, 'attachments', path).filter(isObject).map((a) => ({ name: String(a.name ?? a.url ?? 'attachment'), url: typeof a.url === 'string' ? a.url : null }));
    const suffix = [
      ...(checklists.get(c.id) ?? []).map((cl) => taskList(cl.title, cl.items)),
      linkList('Attachments', attachments),
    ].join('');
    const archived = c.closed === true || list?.closed === true;
    const last = parseDate(r.str(c, 'dateLastActivity', path));
    const category = list ? listCategory(list.name) : 'unstarted';
    const desc = r.str(c, 'desc', path);
    const idShort = r.num(c, 'idShort', path);
    b.doc.issues.push({
      ref,
      teamRef,
      number: idShort && idShort > 0 ? idShort : null,
      externalKey: typeof c.shortLink === 'string' ? c.shortLink : c.id,
      title: (r.str(c, 'name', path) ?? '').trim(),
      description: desc ? { format: 'markdown', text: desc } : null,
      descriptionSuffix: suffix || null,
      state: { name: list?.name ?? null, category },
      priority: 0,
      assigneeRef: assignees[0] ? members.get(assignees[0]) ?? b.user({ ref: `trello:${assignees[0]}`, externalId: assignees[0], path: at(path, 'idMembers') }) : null,
      labelRefs,
      dueDate: dateOnly(r.str(c, 'due', path)),
      rank: typeof c.pos === 'number' ? c.pos : null,
      createdAt: idTime(c.id),
      updatedAt: last,
      completedAt: category === 'completed' ? last : null,
      canceledAt: category === 'canceled' ? last : null,
      archivedAt: archived ? last ?? idTime(c.id) : null,
      path,
    });
  });

  let orphaned = 0;
  r.list(root, 'actions', '').forEach((a, i) => {
    if (!isObject(a) || a.type !== 'commentCard' || !isObject(a.data)) return;
    const path = at('actions', i);
    const card = isObject(a.data.card) ? String(a.data.card.id ?? '') : '';
    const issueRef = cardRef.get(card);
    if (!issueRef) {
      orphaned++;
      return;
    }
    const creator = isObject(a.memberCreator) ? a.memberCreator : null;
    b.doc.comments.push({
      issueRef,
      authorRef: creator ? member(creator, at(path, 'memberCreator')) : typeof a.idMemberCreator === 'string' ? members.get(a.idMemberCreator) ?? null : null,
      body: { format: 'markdown', text: typeof a.data.text === 'string' ? a.data.text : '' },
      createdAt: parseDate(r.str(a, 'date', path)),
      path: at(at(path, 'data'), 'text'),
    });
  });
  if (orphaned) b.problem({ severity: 'warning', path: 'actions', message: `${orphaned} comments belong to cards that are not in the file (deleted cards); not imported` });
  if (r.list(root, 'actions', '').length >= 1000) {
    b.problem({ severity: 'warning', path: 'actions', message: 'Trello exports at most 1,000 actions: older comments of this board are not in the file' });
  }
  return b.doc;
}
