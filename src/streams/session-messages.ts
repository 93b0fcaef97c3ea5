/**
 * session_messages (SPEC §5.3): the chat of each session read in the range, one listing per
 * session (oldest first; no server-side filter). Opt-in: it is personal text, and it costs at
 * least one request per session.
 */
import { isRecord, RowTyper, apiTimestamp, type NormalizedRecord } from './normalize.js';
import { sessionIdOf, sessionMessagesRequest } from './sessions.js';
import { loadSchema, type PlanContext, type StreamDeclaration } from './types.js';

export const sessionMessagesStream: StreamDeclaration = {
  name: 'session_messages',
  description: 'The visible chat of each session (user and Devin messages), with the session\'s owner and org.',
  schema: loadSchema('session_messages'),
  primaryKey: [['session_id'], ['event_id']],
  scopes: ['enterprise', 'organization'],
  default: false,
  cursor: { kind: 'timestamp', field: 'session_updated_at' },
  source: { kind: 'child-listing', parent: 'sessions', endpoint: 'sessionMessages', request: sessionMessagesRequest, records: messageRecords },
  endpoints: ['sessions', 'sessionMessages'],
};

function messageRecords(item: unknown, session: unknown, ctx: PlanContext): NormalizedRecord[] {
  const sessionId = sessionIdOf(session, ctx) as string;
  if (!isRecord(item) || typeof item.event_id !== 'string' || item.event_id === '') {
    ctx.skipRow('a message without an event_id');
    return [];
  }
  const row = session as Record<string, unknown>;
  const typer = new RowTyper();
  const data: Record<string, unknown> = {
    ...item,
    session_id: sessionId,
    event_id: item.event_id,
    source: typer.string(item.source, 'source'),
    message: typer.string(item.message, 'message'),
    created_at: apiTimestamp(typer, item.created_at, 'created_at'),
    org_id: typer.string(row.org_id, 'org_id'),
    user_id: typer.string(row.user_id, 'user_id'),
    session_updated_at: apiTimestamp(typer, row.updated_at, 'session_updated_at'),
  };
  return [typer.record(data)];
}
