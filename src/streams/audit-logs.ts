/**
 * audit_logs (SPEC §5.4, §13): the enterprise audit log, every field of the API's item, `created_at`
 * as a date-time. Read in `time_after`/`time_before` windows of at most 100 days, oldest first
 * (`order=asc`; the API's default is newest first). The unit of `created_at` is not documented for
 * v3 (v1/v2 sent milliseconds), so both are accepted: secondsOfApiTimestamp reads a value above
 * 10^11 as milliseconds, for the window check and for the record alike.
 */
import { keyedItem } from './directory-items.js';
import { isRecord, RowTyper, secondsOfApiTimestamp, type NormalizedRecord } from './normalize.js';
import { fieldCoercions, typeRow } from './schema-typer.js';
import { loadSchema, type PlanContext, type StreamDeclaration } from './types.js';

const auditLogsSchema = loadSchema('audit_logs');
const auditLogFields = fieldCoercions(auditLogsSchema);

/** One entry as a record, typed by the schema (fields the API adds later pass through). */
function auditLogRecords(item: unknown, ctx: PlanContext): NormalizedRecord[] {
  const keyed = keyedItem(item, 'audit_log_id', 'an audit log entry', ctx);
  if (keyed === undefined) return [];
  const typer = new RowTyper();
  const data = typeRow(keyed, auditLogFields, typer);
  return [typer.record(data)];
}

export const auditLogsStream: StreamDeclaration = {
  name: 'audit_logs',
  description: 'The enterprise audit log: who did what (action, user or service user, organization, payload) and when.',
  schema: auditLogsSchema,
  primaryKey: [['audit_log_id']],
  scopes: ['enterprise'],
  // Opt-in: it needs an unusual permission (SPEC §5).
  default: false,
  cursor: { kind: 'timestamp', field: 'created_at' },
  source: {
    kind: 'time-windows',
    endpoint: 'auditLogs',
    filter: ['time_after', 'time_before'],
    query: [['order', 'asc']],
    rowTime: (item) => (isRecord(item) ? secondsOfApiTimestamp(item.created_at) : undefined),
    rowId: (item) => (isRecord(item) && typeof item.audit_log_id === 'string' ? item.audit_log_id : undefined),
    records: auditLogRecords,
  },
  endpoints: ['auditLogs'],
};
