/**
 * Sentences for issue history events ("changed status from Todo to In Progress"). Pure: names
 * come from a lookup the caller builds from the store, so the rules are testable without React.
 */
import type { HistoryEvent, RelationType } from '../../api/details.ts';
import type { Priority } from '../../api/types.ts';

/** Names the sentences need, by id. */
export interface NameLookup {
  state: (id: string) => string | undefined;
  user: (id: string) => string | undefined;
  label: (id: string) => string | undefined;
  team: (id: string) => string | undefined;
  issue: (id: string) => string | undefined;
}

const PRIORITY: Record<Priority, string> = { none: 'No priority', urgent: 'Urgent', high: 'High', medium: 'Medium', low: 'Low' };

const RELATION: Record<RelationType, string> = {
  blocks: 'as blocking',
  blocked_by: 'as blocked by',
  related: 'as related to',
  duplicate: 'as a duplicate of',
  duplicated_by: 'as duplicated by',
};

type Change = { from: unknown; to: unknown };

const asString = (v: unknown) => (typeof v === 'string' ? v : null);

/** One field change as a sentence fragment, or null for fields not shown. */
export function describeChange(field: string, c: Change, names: NameLookup): string | null {
  const from = asString(c.from);
  const to = asString(c.to);
  switch (field) {
    case 'stateId':
      return `changed status from ${(from && names.state(from)) ?? 'a removed status'} to ${(to && names.state(to)) ?? 'a removed status'}`;
    case 'priority':
      return to === 'none' ? 'removed the priority' : `set priority to ${PRIORITY[to as Priority] ?? to}`;
    case 'assigneeId':
      if (!to) return 'removed the assignee';
      return `assigned to ${names.user(to) ?? 'someone'}`;
    case 'title':
      return `renamed the issue to “${to ?? ''}”`;
    case 'description':
      return 'updated the description';
    case 'estimate':
      return c.to === null ? 'removed the estimate' : `set the estimate to ${String(c.to)}`;
    case 'dueDate':
      return to ? `set the due date to ${to}` : 'removed the due date';
    case 'parentId':
      return to ? `made it a sub-issue of ${names.issue(to) ?? 'another issue'}` : 'removed the parent issue';
    case 'teamId':
      return `moved it to ${(to && names.team(to)) ?? 'another team'}`;
    case 'labelIds': {
      const before = Array.isArray(c.from) ? (c.from as string[]) : [];
      const after = Array.isArray(c.to) ? (c.to as string[]) : [];
      const added = after.filter((l) => !before.includes(l)).map((l) => names.label(l) ?? 'a label');
      const removed = before.filter((l) => !after.includes(l)).map((l) => names.label(l) ?? 'a label');
      const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
      return parts.length ? `${parts.join(' and ')} ${added.length + removed.length > 1 ? 'labels' : 'label'}` : null;
    }
    // The identifier changes with the team: the team change says it.
    case 'identifier':
      return null;
    default:
      return `changed ${field}`;
  }
}

/** The sentences of one event (an update may change several fields), without the actor. */
export function describeEvent(e: HistoryEvent, names: NameLookup): string[] {
  switch (e.kind) {
    case 'created': {
      const source = (e.changes as { source?: string; externalKey?: string }).source;
      return [source === 'import' ? `imported the issue${(e.changes as { externalKey?: string }).externalKey ? ` (${(e.changes as { externalKey?: string }).externalKey})` : ''}` : 'created the issue'];
    }
    case 'archived':
      return ['archived the issue'];
    case 'unarchived':
      return ['restored the issue'];
    case 'relation_added':
    case 'relation_removed': {
      const ch = e.changes as { type?: RelationType; relatedIssueId?: string; relatedIssueIdentifier?: string };
      const other = ch.relatedIssueIdentifier ?? (ch.relatedIssueId && names.issue(ch.relatedIssueId)) ?? 'another issue';
      const how = ch.type ? RELATION[ch.type] : 'as related to';
      return [e.kind === 'relation_added' ? `marked this ${how} ${other}` : `removed the relation ${how.replace(/^as /, '')} ${other}`];
    }
    case 'updated': {
      const out: string[] = [];
      for (const [field, c] of Object.entries(e.changes)) {
        if (!c || typeof c !== 'object' || !('to' in (c as object))) continue;
        const s = describeChange(field, c as Change, names);
        if (s) out.push(s);
      }
      return out;
    }
    default:
      return [e.kind.replace(/_/g, ' ')];
  }
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", … from `now`. */
export function timeAgo(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return rtf.format(Math.round(ms / size), unit);
  }
  return 'just now';
}
