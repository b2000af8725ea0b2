/**
 * Turning what people type (`ENG`, `In Progress`, `me`, `ada@example.com`, `bug`) into the ids
 * the API takes, with one fetch per kind per invocation, and errors that say how to find the
 * right value.
 */
import type { ApiClient, components } from '@exponential/sdk';
import { CliError, unwrap, usage } from './context.ts';

type Team = components['schemas']['Team'];
type State = components['schemas']['WorkflowState'];
type Member = components['schemas']['WorkspaceMember'];
type Label = components['schemas']['Label'];

/** Priorities as the API names them (Linear's order). */
export const PRIORITIES = ['none', 'urgent', 'high', 'medium', 'low'] as const;
/** Workflow state categories. */
export const CATEGORIES = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a priority name. @throws CliError (usage) naming the accepted values */
export function priorityOf(v: string): (typeof PRIORITIES)[number] {
  const p = v.toLowerCase();
  if (!(PRIORITIES as readonly string[]).includes(p)) throw usage(`--priority must be one of ${PRIORITIES.join(', ')} (got "${v}")`);
  return p as (typeof PRIORITIES)[number];
}

/** Cached lookups against one API client. */
export class Resolver {
  private teams?: Promise<Team[]>;
  private states = new Map<string, Promise<State[]>>();
  private members?: Promise<Member[]>;
  private labels?: Promise<Label[]>;
  private me?: Promise<string>;

  constructor(private readonly api: ApiClient) {}

  /** Every readable team. */
  allTeams(): Promise<Team[]> {
    this.teams ??= unwrap(this.api.GET('/api/v1/teams')).then((r) => r.data);
    return this.teams;
  }

  /** A team by key, id or name. @throws CliError */
  async team(ref: string): Promise<Team> {
    const teams = await this.allTeams();
    const r = ref.trim().toLowerCase();
    const hit = teams.find((t) => t.key.toLowerCase() === r || t.id === r) ?? teams.find((t) => t.name.toLowerCase() === r);
    if (!hit) throw new CliError(`Team "${ref}" not found. Run \`exponential team list\` to see team keys`);
    return hit;
  }

  /** A team's workflow states in order. */
  statesOf(teamId: string): Promise<State[]> {
    let p = this.states.get(teamId);
    if (!p) {
      p = unwrap(this.api.GET('/api/v1/teams/{teamId}/states', { params: { path: { teamId } } })).then((r) => r.data);
      this.states.set(teamId, p);
    }
    return p;
  }

  /** A state of a team by name or id. @throws CliError */
  async state(teamId: string, ref: string): Promise<State> {
    const states = await this.statesOf(teamId);
    const r = ref.trim().toLowerCase();
    const hit = states.find((s) => s.id === r || s.name.toLowerCase() === r);
    if (!hit) {
      throw new CliError(`State "${ref}" not found in this team. Its states: ${states.map((s) => s.name).join(', ')}`);
    }
    return hit;
  }

  /** The team's default state of a category (its first one when none is marked default). @throws CliError */
  async defaultState(teamId: string, category: (typeof CATEGORIES)[number]): Promise<State> {
    const of = (await this.statesOf(teamId)).filter((s) => s.category === category);
    const hit = of.find((s) => s.isDefault) ?? of[0];
    if (!hit) throw new CliError(`The team has no ${category} state`);
    return hit;
  }

  /** Every member of the workspace. */
  allMembers(): Promise<Member[]> {
    this.members ??= (async () => {
      const out: Member[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(this.api.GET('/api/v1/members', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        out.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    })();
    return this.members;
  }

  /** The signed-in user's id. */
  myId(): Promise<string> {
    this.me ??= unwrap(this.api.GET('/api/v1/me')).then((r) => r.user.id);
    return this.me;
  }

  /**
   * A user id from `me`, `none` (null), a user id, an e-mail address or a name.
   * @throws CliError when nobody matches, or several people share the name
   */
  async assignee(ref: string): Promise<string | null> {
    const r = ref.trim().toLowerCase();
    if (r === 'none') return null;
    if (r === 'me') return this.myId();
    if (UUID.test(r)) return r;
    const members = await this.allMembers();
    const byEmail = members.find((m) => m.email.toLowerCase() === r);
    if (byEmail) return byEmail.userId;
    const byName = members.filter((m) => m.name.toLowerCase() === r);
    if (byName.length === 1) return (byName[0] as Member).userId;
    if (byName.length > 1) throw new CliError(`Several members are called "${ref}": use their e-mail address`);
    throw new CliError(`No member "${ref}". Use me, none, an e-mail address or a name of a workspace member`);
  }

  /** A member's display name by user id ('-' when unknown). */
  async nameOf(userId: string | null | undefined): Promise<string> {
    if (!userId) return '-';
    return (await this.allMembers()).find((m) => m.userId === userId)?.name ?? userId.slice(0, 8);
  }

  /** Every label of the workspace (workspace and team labels). */
  allLabels(): Promise<Label[]> {
    this.labels ??= (async () => {
      const out: Label[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(this.api.GET('/api/v1/labels', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        out.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    })();
    return this.labels;
  }

  /** A label id by name or id, preferring the team's label over a workspace label. @throws CliError */
  async label(ref: string, teamId?: string): Promise<string> {
    const r = ref.trim().toLowerCase();
    const labels = (await this.allLabels()).filter((l) => !l.archivedAt && (!teamId || !l.teamId || l.teamId === teamId));
    const hits = labels.filter((l) => l.id === r || l.name.toLowerCase() === r);
    const hit = hits.find((l) => l.teamId) ?? hits[0];
    if (!hit) throw new CliError(`Label "${ref}" not found. Run \`exponential label list\` to see labels`);
    return hit.id;
  }

  /** Label names by id. */
  async labelNames(ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const labels = await this.allLabels();
    return ids.map((id) => labels.find((l) => l.id === id)?.name ?? id.slice(0, 8));
  }
}

/** Plain text typed in a terminal as the HTML the API stores: paragraphs, escaped. */
export function textToHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** Stored HTML as readable text for a terminal. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|pre)>/gi, '\n')
    .replace(/<li[^>]*>/gi, '• ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
