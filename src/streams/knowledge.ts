/**
 * playbooks and knowledge_notes (SPEC §5.4): every field of the API's item, typed by the stream's
 * schema (timestamps as date-times), fields the API adds later passed through. `org_id` is the
 * item's own: null for an enterprise-wide playbook or note, also when an organization key lists it.
 */
import { keyedItem } from './directory-items.js';
import { RowTyper, type NormalizedRecord } from './normalize.js';
import { fieldCoercions, typeRow } from './schema-typer.js';
import { loadSchema, type PlanContext, type StreamDeclaration } from './types.js';

/** The record of one list item, or undefined (and a skip) when it has no usable id. */
function knowledgeRecord(fields: ReturnType<typeof fieldCoercions>, idField: string, label: string) {
  return (item: unknown, ctx: PlanContext): NormalizedRecord | undefined => {
    const keyed = keyedItem(item, idField, label, ctx);
    if (keyed === undefined) return undefined;
    const typer = new RowTyper();
    const data = typeRow(keyed, fields, typer);
    // An item without org_id says nothing about its org: null, never the scope's org (SPEC §5.4).
    if (data.org_id === undefined) data.org_id = null;
    return typer.record(data);
  };
}

const playbooksSchema = loadSchema('playbooks');
const notesSchema = loadSchema('knowledge_notes');

export const playbooksStream: StreamDeclaration = {
  name: 'playbooks',
  description: 'Playbooks (reusable session instructions) of the scope, enterprise-wide ones included.',
  schema: playbooksSchema,
  primaryKey: [['playbook_id']],
  scopes: ['enterprise', 'organization'],
  default: true,
  source: { kind: 'list', endpoint: 'playbooks', record: knowledgeRecord(fieldCoercions(playbooksSchema), 'playbook_id', 'a playbook') },
  endpoints: ['playbooks'],
};

export const knowledgeNotesStream: StreamDeclaration = {
  name: 'knowledge_notes',
  description: 'Knowledge notes (what Devin recalls, and when) of the scope, enterprise-wide ones included, with their bodies.',
  schema: notesSchema,
  primaryKey: [['note_id']],
  scopes: ['enterprise', 'organization'],
  default: true,
  source: { kind: 'list', endpoint: 'knowledgeNotes', record: knowledgeRecord(fieldCoercions(notesSchema), 'note_id', 'a knowledge note') },
  endpoints: ['knowledgeNotes'],
};
