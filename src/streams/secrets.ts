/**
 * secrets (SPEC §5.4): metadata only. The record is built field by field from an allowlist, never
 * by copying the API's item and deleting what must not pass: a field the API sends beyond it (a
 * `value`, a `secret`, one added in a later build) is never read into a record, and nothing here
 * puts an item's content into a message (skip reasons and field changes name fields only).
 */
import { keyedItem } from './directory-items.js';
import { apiTimestamp, RowTyper, type NormalizedRecord } from './normalize.js';
import { loadSchema, type PlanContext, type StreamDeclaration } from './types.js';

/** The allowlist, in the schema's order; `org_id` is added from the item or the listing's org. */
export const SECRET_FIELDS = [
  'secret_id',
  'key',
  'note',
  'is_sensitive',
  'secret_type',
  'access_type',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
  'org_id',
] as const;

export function secretRecord(raw: unknown, ctx: PlanContext): NormalizedRecord | undefined {
  const item = keyedItem(raw, 'secret_id', 'a secret', ctx);
  if (item === undefined) return undefined;
  const typer = new RowTyper();
  const data: Record<(typeof SECRET_FIELDS)[number], unknown> = {
    secret_id: item.secret_id,
    key: typer.string(item.key, 'key'),
    note: typer.string(item.note, 'note'),
    is_sensitive: typer.boolean(item.is_sensitive, 'is_sensitive'),
    secret_type: typer.string(item.secret_type, 'secret_type'),
    access_type: typer.string(item.access_type, 'access_type'),
    created_by: typer.string(item.created_by, 'created_by'),
    created_at: apiTimestamp(typer, item.created_at, 'created_at'),
    updated_by: typer.string(item.updated_by, 'updated_by'),
    updated_at: apiTimestamp(typer, item.updated_at, 'updated_at'),
    // The documented item has no org_id: a secret belongs to the organization whose list it is in.
    org_id: item.org_id === undefined || item.org_id === null ? ctx.orgId : typer.string(item.org_id, 'org_id'),
  };
  return typer.record(data);
}

export const secretsStream: StreamDeclaration = {
  name: 'secrets',
  description: 'Metadata of the organization\'s secrets (name, type, who and when); never their values.',
  schema: loadSchema('secrets'),
  primaryKey: [['secret_id']],
  scopes: ['organization'],
  default: false,
  source: { kind: 'list', endpoint: 'secrets', record: secretRecord },
  endpoints: ['secrets'],
};
