/**
 * Issue relations as seen from one issue. Storage keeps three types (`blocks`, `related`,
 * `duplicate`); the API shows five, from the viewpoint of the issue asked about:
 * - `blocks` stored A→B reads `blocks` on A and `blocked_by` on B;
 * - `duplicate` stored A→B (A duplicates the original B) reads `duplicate` on A and `duplicated_by` on B;
 * - `related` is symmetric and stored once, smaller id first.
 */
import type { issueRelation } from '@exponential/db';
import { iso } from '../../lib/schemas.ts';

type RelationRow = typeof issueRelation.$inferSelect;
type StoredType = RelationRow['type'];

/** Relation types as the API names them. */
export const RELATION_TYPES = ['blocks', 'blocked_by', 'related', 'duplicate', 'duplicated_by'] as const;
/** A relation type as the API names it. */
export type RelationType = (typeof RELATION_TYPES)[number];

/** How a relation of `type` from `issueId` to `otherId` is stored. */
export function toStored(issueId: string, otherId: string, type: RelationType): { issueId: string; relatedIssueId: string; type: StoredType } {
  switch (type) {
    case 'blocks':
      return { issueId, relatedIssueId: otherId, type: 'blocks' };
    case 'blocked_by':
      return { issueId: otherId, relatedIssueId: issueId, type: 'blocks' };
    case 'duplicate':
      return { issueId, relatedIssueId: otherId, type: 'duplicate' };
    case 'duplicated_by':
      return { issueId: otherId, relatedIssueId: issueId, type: 'duplicate' };
    case 'related':
      return issueId < otherId
        ? { issueId, relatedIssueId: otherId, type: 'related' }
        : { issueId: otherId, relatedIssueId: issueId, type: 'related' };
  }
}

/** The type and the other issue of a stored relation, seen from `viewpointId`. */
export function fromViewpoint(row: Pick<RelationRow, 'issueId' | 'relatedIssueId' | 'type'>, viewpointId: string): { type: RelationType; otherId: string } {
  const forward = row.issueId === viewpointId;
  const otherId = forward ? row.relatedIssueId : row.issueId;
  if (row.type === 'related') return { type: 'related', otherId };
  if (row.type === 'blocks') return { type: forward ? 'blocks' : 'blocked_by', otherId };
  return { type: forward ? 'duplicate' : 'duplicated_by', otherId };
}

/** The other issue's summary shown with a relation. */
export interface RelatedIssueSummary {
  id: string;
  identifier: string;
  title: string;
  stateId: string;
}

/** A relation as REST shows it, from the viewpoint of `viewpointId`. */
export function presentRelation(row: RelationRow, viewpointId: string, other: RelatedIssueSummary) {
  const { type } = fromViewpoint(row, viewpointId);
  return {
    id: row.id,
    type,
    issueId: viewpointId,
    relatedIssueId: other.id,
    relatedIssue: other,
    createdAt: iso(row.createdAt) as string,
  };
}

/** A relation as sync carries it: the stored direction and type, as in the table. */
export function presentStoredRelation(row: RelationRow) {
  return {
    id: row.id,
    issueId: row.issueId,
    relatedIssueId: row.relatedIssueId,
    type: row.type,
    creatorId: row.creatorId,
    createdAt: iso(row.createdAt) as string,
  };
}
