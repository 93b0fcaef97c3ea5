/**
 * Ground truth of playbooks, knowledge_notes and secrets (SPEC §5.4): every field of the item with
 * its timestamps as date-times and its own org_id (null for enterprise-wide items); secrets only
 * the allowlisted metadata, org_id that of the organization listing them. Secrets are empty for an
 * enterprise key (organization-only stream). Listing order.
 */
import type { KnowledgeData, KnowledgeItem } from './knowledge-data.js';

export interface PlaybookRecord extends Record<string, unknown> {
  playbook_id: string;
  org_id: string | null;
}

export interface KnowledgeNoteRecord extends Record<string, unknown> {
  note_id: string;
  org_id: string | null;
}

export interface SecretRecord {
  secret_id: string;
  key: string | null;
  note: string | null;
  is_sensitive: boolean | null;
  secret_type: string | null;
  access_type: string | null;
  created_by: string | null;
  created_at: string | null;
  updated_by: string | null;
  updated_at: string | null;
  org_id: string | null;
}

export interface KnowledgeTruth {
  playbooks: PlaybookRecord[];
  knowledge_notes: KnowledgeNoteRecord[];
  secrets: SecretRecord[];
}

function dateTime(value: unknown): string | null {
  return typeof value === 'number' ? `${new Date(value * 1000).toISOString().slice(0, 19)}Z` : null;
}

function withDateTimes<T>(item: KnowledgeItem): T {
  return { ...item, created_at: dateTime(item.created_at), updated_at: dateTime(item.updated_at) } as T;
}

export function computeKnowledgeTruth(knowledge: KnowledgeData, scopeOrgId: string | null): KnowledgeTruth {
  const secrets =
    scopeOrgId === null
      ? []
      : knowledge.secrets(scopeOrgId).map(
          (item): SecretRecord => ({
            secret_id: item.secret_id as string,
            key: item.key as string | null,
            note: item.note as string | null,
            is_sensitive: item.is_sensitive as boolean,
            secret_type: item.secret_type as string,
            access_type: item.access_type as string,
            created_by: item.created_by as string,
            created_at: dateTime(item.created_at),
            updated_by: item.updated_by as string | null,
            updated_at: dateTime(item.updated_at),
            org_id: scopeOrgId,
          }),
        );
  return {
    playbooks: knowledge.playbooks(scopeOrgId).map((item) => withDateTimes<PlaybookRecord>(item)),
    knowledge_notes: knowledge.notes(scopeOrgId).map((item) => withDateTimes<KnowledgeNoteRecord>(item)),
    secrets,
  };
}
