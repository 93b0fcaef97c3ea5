/**
 * The record of one playbook / knowledge note (SPEC §5, §5.4): every field passed through, fields
 * the API adds later too; timestamps in seconds or milliseconds become the same date-time; a value of
 * the wrong type becomes null with a meta change; org_id is the item's own, null when absent (never
 * the scope's); an item without its id is skipped.
 */
import { describe, expect, it } from 'vitest';
import { knowledgeNotesStream, playbooksStream } from '../../src/streams/knowledge.js';
import type { ListSourceSpec, PlanContext } from '../../src/streams/types.js';

const record = (stream: typeof playbooksStream, item: unknown, skipped: string[] = []) => {
  const ctx: PlanContext = { scope: { kind: 'organization', orgId: 'org-scope' }, orgId: 'org-scope', today: 0, skipRow: (r) => skipped.push(r) };
  return (stream.source as ListSourceSpec).record(item, ctx);
};

describe('playbook and knowledge note records', () => {
  it('pass every field through, timestamps in seconds or milliseconds as the same date-time', () => {
    const seconds = record(playbooksStream, { playbook_id: 'playbook-1', title: 'T', created_at: 1_767_225_600, updated_at: 1_767_225_600_000, added_later: { x: 1 }, org_id: 'org-a' });
    expect(seconds).toEqual({ data: { playbook_id: 'playbook-1', title: 'T', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', added_later: { x: 1 }, org_id: 'org-a' } });
  });

  it('null a value of the wrong type and say so; org_id absent is null, not the scope\'s organization', () => {
    const note = record(knowledgeNotesStream, { note_id: 'note-1', is_enabled: 'yes', created_at: 'soon', name: 3 });
    expect(note?.data).toEqual({ note_id: 'note-1', is_enabled: null, created_at: null, name: null, org_id: null });
    expect(note?.changes?.map((c) => c.field).sort()).toEqual(['created_at', 'is_enabled', 'name']);
  });

  it('skip an item without its id, with a reason', () => {
    const skipped: string[] = [];
    expect(record(playbooksStream, { title: 'no id' }, skipped)).toBeUndefined();
    expect(record(knowledgeNotesStream, 'not an object', skipped)).toBeUndefined();
    expect(skipped).toEqual(['a playbook without a playbook_id', 'a knowledge note without a note_id']);
  });
});
