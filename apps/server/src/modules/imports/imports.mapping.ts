/**
 * Mapping tables shared by the parsers: workflow state categories from status names and Jira
 * status categories, priorities from the words trackers use, people from their names.
 */
import type { StateCategory } from './imports.model.ts';

const norm = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9а-яё]+/g, ' ').trim();

/** Status names whose category is unambiguous, in several languages (normalized: lower case, no accents). */
const NAME_CATEGORY: Array<[StateCategory, string[]]> = [
  ['triage', ['triage', 'untriaged', 'needs triage', 'unconfirmed']],
  ['backlog', ['backlog', 'icebox', 'ideas', 'someday', 'pendiente']],
  ['unstarted', ['todo', 'to do', 'open', 'new', 'reopened', 'available', 'assigned', 'selected for development', 'ready', 'next', 'up next',
    'por hacer', 'tareas por hacer', 'abierta', 'abierto', 'nuevo', 'nueva', 'a fazer', 'a faire', 'к выполнению', 'открыт', 'открыто', 'planned']],
  ['started', ['in progress', 'started', 'doing', 'in review', 'review', 'code review', 'in development', 'in dev', 'in qa', 'qa', 'testing',
    'in test', 'validation', 'ready to validate', 'ready for review', 'blocked', 'en curso', 'en progreso', 'en revision', 'em andamento',
    'en cours', 'в работе', 'externaldependency']],
  ['completed', ['done', 'closed', 'resolved', 'fixed', 'verified', 'complete', 'completed', 'finished', 'shipped', 'released', 'merged',
    'acabado', 'terminado', 'hecho', 'listo', 'finalizado', 'finalizada', 'cerrado', 'cerrada', 'resuelto', 'resuelta', 'concluido', 'termine',
    'готово', 'закрыт', 'закрыто', 'решен', 'решено']],
  ['canceled', ['canceled', 'cancelled', 'wontfix', 'won t fix', 'won t do', 'wont do', 'duplicate', 'invalid', 'obsolete', 'rejected',
    'declined', 'not planned', 'cancelado', 'cancelada', 'descartado', 'archived', 'отменен', 'отменено']],
];
const BY_NAME = new Map<string, StateCategory>();
for (const [cat, names] of NAME_CATEGORY) for (const n of names) BY_NAME.set(norm(n), cat);

/**
 * The category of a status by its name alone.
 * @returns the category, or null when the name says nothing certain
 */
export function categoryFromName(name: string): StateCategory | null {
  return BY_NAME.get(norm(name)) ?? null;
}

/**
 * The category of a Jira status category (REST `statusCategory.key`, or the `Status Category`
 * CSV column in English or Spanish): new/To Do → unstarted, indeterminate/In Progress → started,
 * done/Done → completed.
 */
export function categoryFromJira(statusCategory: string | null | undefined): StateCategory | null {
  if (!statusCategory) return null;
  const k = norm(statusCategory);
  if (['new', 'to do', 'todo', 'por hacer', 'a fazer', 'a faire', 'к выполнению', '2'].includes(k)) return 'unstarted';
  if (['indeterminate', 'in progress', 'en curso', 'em andamento', 'en cours', 'в работе', '4'].includes(k)) return 'started';
  if (['done', 'listo', 'hecho', 'concluido', 'termine', 'готово', '3'].includes(k)) return 'completed';
  return null;
}

/**
 * A status's category: a name that clearly means canceled wins over Jira's "done" (Jira files
 * Won't Fix under done), then Jira's category, then the name; `fallback` otherwise.
 */
export function stateCategory(name: string, jiraCategory?: string | null, fallback: StateCategory = 'unstarted'): { category: StateCategory; guessed: boolean } {
  const byName = categoryFromName(name);
  if (byName === 'canceled') return { category: 'canceled', guessed: false };
  const byJira = categoryFromJira(jiraCategory);
  if (byJira === 'completed' && byName === null && jiraCategory) return { category: 'completed', guessed: false };
  if (byJira) return { category: byName === 'triage' || byName === 'backlog' ? byName : byJira, guessed: false };
  if (byName) return { category: byName, guessed: false };
  return { category: fallback, guessed: true };
}

const PRIORITY: Record<string, number> = {
  // Linear's own words
  'no priority': 0, none: 0, urgent: 1, high: 2, medium: 3, low: 4,
  // Jira (Cloud and Server)
  highest: 1, blocker: 1, critical: 1, major: 2, normal: 3, minor: 4, lowest: 4, trivial: 4,
  // Spanish, Portuguese, French, Russian
  'mas alta': 1, alta: 2, media: 3, baja: 4, 'mas baja': 4, 'muy alta': 1, 'muy baja': 4,
  altissima: 1, 'media alta': 2, baixa: 4, 'la plus haute': 1, haute: 2, moyenne: 3, basse: 4,
  'наивысший': 1, 'высокий': 2, 'средний': 3, 'низкий': 4, 'самый низкий': 4,
  // Monorail's Pri-0 … Pri-3
  '0': 1, '1': 2, '2': 3, '3': 4, p0: 1, p1: 2, p2: 3, p3: 4, p4: 4,
};

/**
 * Linear's priority number (0 none, 1 urgent, 2 high, 3 medium, 4 low) of a priority word.
 * @returns the number, or null for an unknown word
 */
export function priorityFrom(word: string | null | undefined): number | null {
  if (!word?.trim()) return 0;
  const v = PRIORITY[norm(word)];
  return v === undefined ? null : v;
}

/** A team key candidate from a source key or name: upper-case letters and digits, a letter first. */
export function keyCandidate(raw: string): string {
  const up = raw.toUpperCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Z0-9]/g, '').replace(/^[0-9]+/, '');
  return up || 'IMP';
}

/** The key part and number of an issue key (`GP-3485` → ['GP', 3485]), or null. */
export function splitKey(key: string): [string, number] | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9_]*)-(\d{1,9})\s*$/.exec(key);
  return m ? [m[1]!.toUpperCase(), Number(m[2])] : null;
}

/** A plausible e-mail address (what to match people by). */
export function looksLikeEmail(s: string | null | undefined): boolean {
  return !!s && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim());
}

/** Splits a comma-joined list cell (`"Linux, Windows, Mac"`). */
export function splitList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}
