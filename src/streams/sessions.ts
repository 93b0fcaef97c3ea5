/**
 * sessions (SPEC §5.3): every field of the API's session row, timestamps as date-times, fields the
 * API adds later passed through; windows of `updated_after`/`updated_before` (SPEC §13).
 * session_pull_requests: one row per PR of each session row, parsed by ./pr-url.ts, with no request
 * of its own.
 */
import type { ApiRequest, QueryParams } from '../devin/client.js';
import { endpointPath } from '../devin/endpoints.js';
import { apiTimestamp, isRecord, RowTyper, secondsOfApiTimestamp, type NormalizedRecord } from './normalize.js';
import { parsePrUrl } from './pr-url.js';
import { fieldCoercions, typeRow } from './schema-typer.js';
import { loadSchema, type PlanContext, type StreamDeclaration, type TimeWindowSource } from './types.js';

const sessionsSchema = loadSchema('sessions');
const sessionFields = fieldCoercions(sessionsSchema);

/** The session list's rows, by `updated_at`: shared by sessions and session_insights. */
export function sessionListSource(
  endpoint: 'sessions' | 'sessionInsights',
  records: (item: unknown, ctx: PlanContext) => NormalizedRecord[],
): TimeWindowSource {
  return {
    kind: 'time-windows',
    endpoint,
    filter: ['updated_after', 'updated_before'],
    rowTime: (item) => (isRecord(item) ? secondsOfApiTimestamp(item.updated_at) : undefined),
    rowId: (item) => (isRecord(item) && typeof item.session_id === 'string' ? item.session_id : undefined),
    records,
  };
}

/** A session row's id as the API gave it, or undefined (and a skip) when it has none. */
export function sessionIdOf(item: unknown, ctx: PlanContext): string | undefined {
  if (isRecord(item) && typeof item.session_id === 'string' && item.session_id !== '') return item.session_id;
  ctx.skipRow('a session row without a session_id');
  return undefined;
}

/** One row of a session list as a record, typed by `fields` (the stream's schema). */
export function sessionRecord(item: unknown, ctx: PlanContext, fields: ReturnType<typeof fieldCoercions>): NormalizedRecord[] {
  if (sessionIdOf(item, ctx) === undefined) return [];
  const typer = new RowTyper();
  const data = typeRow(item as Record<string, unknown>, fields, typer);
  return [typer.record(data)];
}

export const sessionsStream: StreamDeclaration = {
  name: 'sessions',
  description: 'Devin sessions: status, owner, origin, category, ACUs consumed, pull requests, timestamps (one row per session, latest state).',
  schema: sessionsSchema,
  primaryKey: [['session_id']],
  scopes: ['enterprise', 'organization'],
  default: true,
  cursor: { kind: 'timestamp', field: 'updated_at' },
  source: sessionListSource('sessions', (item, ctx) => sessionRecord(item, ctx, sessionFields)),
  endpoints: ['sessions'],
};

export const sessionPullRequestsStream: StreamDeclaration = {
  name: 'session_pull_requests',
  description: 'The pull requests of each session, with host, provider, repository and number parsed from the URL.',
  schema: loadSchema('session_pull_requests'),
  primaryKey: [['session_id'], ['pr_url']],
  scopes: ['enterprise', 'organization'],
  default: true,
  cursor: { kind: 'timestamp', field: 'session_updated_at' },
  source: { kind: 'child', parent: 'sessions', records: pullRequestRecords },
  endpoints: ['sessions'],
};

function pullRequestRecords(item: unknown, ctx: PlanContext): NormalizedRecord[] {
  const sessionId = sessionIdOf(item, ctx);
  if (sessionId === undefined) return [];
  const session = item as Record<string, unknown>;
  if (!Array.isArray(session.pull_requests)) return [];
  const sessionTyper = new RowTyper();
  const shared = {
    user_id: sessionTyper.string(session.user_id, 'user_id'),
    service_user_id: sessionTyper.string(session.service_user_id, 'service_user_id'),
    org_id: sessionTyper.string(session.org_id, 'org_id'),
    session_created_at: apiTimestamp(sessionTyper, session.created_at, 'session_created_at'),
    session_updated_at: apiTimestamp(sessionTyper, session.updated_at, 'session_updated_at'),
  };
  const records: NormalizedRecord[] = [];
  const seen = new Set<string>();
  for (const pr of session.pull_requests) {
    if (!isRecord(pr) || typeof pr.pr_url !== 'string' || pr.pr_url === '') {
      ctx.skipRow('a pull request without a pr_url');
      continue;
    }
    // The key is (session_id, pr_url): a URL listed twice is one row.
    if (seen.has(pr.pr_url)) continue;
    seen.add(pr.pr_url);
    const typer = new RowTyper();
    const data = {
      session_id: sessionId,
      pr_url: pr.pr_url,
      pr_state: typer.string(pr.pr_state, 'pr_state'),
      ...parsePrUrl(pr.pr_url),
      ...shared,
    };
    const changes = [...(sessionTyper.changes ?? []), ...(typer.changes ?? [])];
    records.push(changes.length > 0 ? { data, changes } : { data });
  }
  return records;
}

/** The messages listing of one session row: the id exactly as the API gave it; enterprise scope names its org. */
export function sessionMessagesRequest(item: unknown, ctx: PlanContext): ApiRequest | undefined {
  const sessionId = sessionIdOf(item, ctx);
  if (sessionId === undefined) return undefined;
  const orgId = (item as Record<string, unknown>).org_id;
  const query: QueryParams = ctx.scope.kind === 'enterprise' && typeof orgId === 'string' && orgId !== '' ? [['org_id', orgId]] : [];
  return { path: endpointPath(ctx.scope, 'sessionMessages', sessionId), query };
}
