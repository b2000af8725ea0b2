/**
 * Pieces the three Jira parsers (CSV, XML, REST JSON) share: people, link types, and the
 * concepts Jira has and we do not (issue types, sprints, components, versions, epics,
 * resolutions), which become labels in label groups of those names.
 */
import type { DocBuilder, RelationKind } from '../imports.model.ts';
import { looksLikeEmail } from '../imports.mapping.ts';

/** Label groups that carry Jira concepts we lack. */
export const JIRA_GROUPS = {
  type: 'Type',
  sprint: 'Sprint',
  component: 'Component',
  fixVersion: 'Fix version',
  affectsVersion: 'Affects version',
  epic: 'Epic',
  resolution: 'Resolution',
} as const;

/**
 * Adds a Jira person and returns its ref (null for nobody: empty, or Jira's literal "Unassigned").
 * Identity: the account id (Cloud) or user key (Server) when known, else the e-mail, else the name.
 */
export function jiraUser(b: DocBuilder, p: { id?: string | null; name?: string | null; email?: string | null }, path: string): string | null {
  const id = p.id?.trim() || null;
  const name = p.name?.trim() || null;
  const email = p.email?.trim() || (looksLikeEmail(name) ? name : null);
  if (!id && !name && !email) return null;
  if (!id && (name === 'Unassigned' || name === 'Sin asignar' || name === 'Não atribuído')) return null;
  const ref = id ? `jira:${id}` : email ? `email:${email.toLowerCase()}` : `name:${name!.toLowerCase()}`;
  return b.user({ ref, name: name && !looksLikeEmail(name) ? name : null, email, externalId: id, path });
}

/**
 * Our relation kind for a Jira link type name. Blocks and Duplicate map exactly; every other
 * type (Relates, Cloners, Test, Defect, …) becomes `related`, reported once per type.
 */
export function jiraLinkKind(b: DocBuilder, typeName: string, path: string): RelationKind {
  const t = typeName.trim().toLowerCase();
  if (t === 'blocks' || t === 'blocker' || t === 'bloquea') return 'blocks';
  if (t === 'duplicate' || t === 'duplicado') return 'duplicate';
  if (t !== 'relates' && t !== 'relation' && t !== 'relacionado') {
    b.warnOnce(`link:${t}`, path, `Jira link type "${typeName}" has no equivalent; imported as "related"`);
  }
  return 'related';
}

/** Jira resolutions that mean the issue was not done (Won't Fix, Duplicate, …). */
export function isCanceledResolution(resolution: string | null | undefined): boolean {
  return !!resolution && /won'?t|wont|duplicate|invalid|cannot reproduce|incomplete|declined|rejected|not a bug|obsolete|no se|descartad/i.test(resolution);
}
