/**
 * People of an import → users of the workspace.
 *
 * A person is matched, in order, to: the workspace member with the same e-mail address
 * (case-insensitive); else the one member whose name is the same (case-insensitive, only when
 * exactly one member has it). Anyone else becomes a placeholder user: `is_placeholder`, named as
 * in the source, with the synthetic address `imported+<hash>@placeholder.invalid` (the hash is of
 * the workspace and the source identity, so re-importing reuses the same placeholder). Placeholders
 * are NOT workspace members: an import never gives anyone access. Issues and comments point at
 * them until someone claims them (the source identity is kept on the import job for that).
 * `.invalid` is reserved by RFC 2606, so no mail can ever be delivered to such an address.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { member, user, type Tx } from '@exponential/db';
import { sha256 } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import type { ImportUser } from './imports.model.ts';

/** Domain of placeholder addresses (RFC 2606 reserves `.invalid`). */
export const PLACEHOLDER_DOMAIN = 'placeholder.invalid';

/** A placeholder created or reused, with the source identity it stands for. */
export interface PlaceholderIdentity {
  userId: string;
  name: string;
  /** `email:…`, `jira:<account id>`, `github:<login>`, `trello:<member id>`, `name:…`. */
  source: string;
}

/** What identity resolution produced. */
export interface ResolvedIdentities {
  /** Source ref → user id. */
  byRef: Map<string, string>;
  /** Members matched. */
  matched: number;
  /** Placeholders created by this import. */
  created: PlaceholderIdentity[];
  /** Placeholders that already existed (an earlier import of the same people). */
  reused: number;
}

/** The synthetic address of a placeholder for `identity` in a workspace. */
export function placeholderEmail(workspaceId: string, identity: string): string {
  return `imported+${sha256(`${workspaceId}\n${identity}`).slice(0, 20)}@${PLACEHOLDER_DOMAIN}`;
}

/** The identity a person is keyed by: e-mail when known, else the source ref. */
function identityOf(u: ImportUser): string {
  return u.email ? `email:${u.email.trim().toLowerCase()}` : u.ref;
}

/** A display name for a placeholder. */
function nameOf(u: ImportUser): string {
  const n = u.name?.trim() || u.email?.split('@')[0] || u.externalId || 'Imported user';
  return [...n].slice(0, 100).join('');
}

/**
 * Resolves every person of an import inside the import's transaction, creating placeholders.
 * @param users the document's people
 */
export async function resolveIdentities(tx: Tx, workspaceId: string, users: ImportUser[], now: Date): Promise<ResolvedIdentities> {
  const members = await tx
    .select({ id: user.id, email: user.email, name: user.name })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(eq(member.workspaceId, workspaceId));
  const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
  const byName = new Map<string, string | null>();
  for (const m of members) {
    const k = m.name.trim().toLowerCase();
    byName.set(k, byName.has(k) ? null : m.id);
  }
  const out: ResolvedIdentities = { byRef: new Map(), matched: 0, created: [], reused: 0 };
  const wanted = new Map<string, { identity: string; name: string; refs: string[] }>();
  for (const u of users) {
    const email = u.email?.trim().toLowerCase();
    const hit = (email && byEmail.get(email)) || (u.name ? byName.get(u.name.trim().toLowerCase()) : undefined);
    if (hit) {
      out.byRef.set(u.ref, hit);
      out.matched++;
      continue;
    }
    const identity = identityOf(u);
    const address = email?.endsWith(`@${PLACEHOLDER_DOMAIN}`) ? placeholderEmail(workspaceId, `email:${email}`) : placeholderEmail(workspaceId, identity);
    const w = wanted.get(address) ?? { identity, name: nameOf(u), refs: [] };
    w.refs.push(u.ref);
    wanted.set(address, w);
  }
  const addresses = [...wanted.keys()];
  for (let i = 0; i < addresses.length; i += 500) {
    const chunk = addresses.slice(i, i + 500);
    const existing = await tx.select({ id: user.id, email: user.email }).from(user).where(and(inArray(user.email, chunk), eq(user.isPlaceholder, true)));
    const have = new Map(existing.map((e) => [e.email, e.id]));
    const rows = chunk.filter((a) => !have.has(a)).map((a) => ({ id: newId(), email: a, name: wanted.get(a)!.name, isPlaceholder: true, createdAt: now, updatedAt: now }));
    if (rows.length) await tx.insert(user).values(rows);
    for (const a of chunk) {
      const w = wanted.get(a)!;
      const fresh = rows.find((r) => r.email === a);
      const id = have.get(a) ?? fresh!.id;
      if (fresh) out.created.push({ userId: id, name: w.name, source: w.identity });
      else out.reused++;
      for (const ref of w.refs) out.byRef.set(ref, id);
    }
  }
  return out;
}
