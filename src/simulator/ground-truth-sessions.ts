/**
 * The oracle records of the sessions family and active_users (schemas/sessions.json, …), built
 * from the data set directly. Sessions are those whose updated_at lies in the range (SPEC §13),
 * newest first as the API lists them; PRs and messages follow their session; `active_users` has
 * every whole period from start_date's day / Monday / month start up to the read start (SPEC §5.5).
 */
import { nextPeriodStart, periodStart } from './active-users.js';
import type { SimulatedDataSet } from './data-set.js';
import type { ResolvedSession } from './session-store.js';
import type {
  ActivePeriod,
  ActiveUsersRecord,
  SessionInsightsRecord,
  SessionMessageRecord,
  SessionPullRequestRecord,
  SessionRecord,
} from './session-types.js';

const DAY = 86_400;

/** `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds. */
export function dateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface SessionsTruthQuery {
  scopeOrgId: string | null;
  /** Billing-day numbers of start_date and end_date. */
  startDay: number;
  endDay: number;
  readStart: number;
  range: { start: number; end: number };
}

export interface SessionsTruth {
  sessions: SessionRecord[];
  session_pull_requests: SessionPullRequestRecord[];
  session_insights: SessionInsightsRecord[];
  session_messages: SessionMessageRecord[];
  active_users: ActiveUsersRecord[];
}

function sessionRecord(session: ResolvedSession): SessionRecord {
  const row = structuredClone(session.stored.row);
  return { ...row, created_at: dateTime(row.created_at), updated_at: dateTime(row.updated_at) };
}

function activeUserRecords(data: SimulatedDataSet, query: SessionsTruthQuery): ActiveUsersRecord[] {
  const records: ActiveUsersRecord[] = [];
  const upper = Math.min(query.readStart, (query.endDay + 1) * DAY);
  for (const period of ['day', 'week', 'month'] as ActivePeriod[]) {
    for (let start = periodStart(period, query.startDay * DAY); start < upper; start = nextPeriodStart(period, start)) {
      const next = nextPeriodStart(period, start);
      const [point] = data.activeUsers(period, start, Math.min(next, query.readStart), { orgId: query.scopeOrgId });
      records.push({
        period,
        period_start: dateTime(start),
        period_end: dateTime(next - 1),
        active_users: point?.active_users ?? 0,
        is_partial_period: start <= query.readStart && query.readStart < next,
        org_id: query.scopeOrgId,
      });
    }
  }
  return records;
}

export function computeSessionsTruth(data: SimulatedDataSet, query: SessionsTruthQuery): SessionsTruth {
  const store = data.sessionData.store;
  const now = data.sessionData.nowSeconds();
  const filter = {
    orgIds: query.scopeOrgId === null ? null : new Set([query.scopeOrgId]),
    updatedAfter: query.range.start,
    updatedBefore: query.range.end,
  };
  const truth: SessionsTruth = { sessions: [], session_pull_requests: [], session_insights: [], session_messages: [], active_users: [] };
  for (const candidate of store.scan(filter, now)) {
    const session = store.materialise(candidate);
    const record = sessionRecord(session);
    truth.sessions.push(record);
    truth.session_insights.push({ ...sessionRecord(session), ...structuredClone(session.stored.extras) });
    for (const pr of session.stored.prs) {
      truth.session_pull_requests.push({
        session_id: record.session_id,
        pr_url: pr.pr_url,
        pr_state: pr.pr_state,
        ...pr.expected,
        user_id: record.user_id,
        service_user_id: record.service_user_id,
        org_id: record.org_id,
        session_created_at: record.created_at,
        session_updated_at: record.updated_at,
      });
    }
    for (const message of store.messages(session)) {
      truth.session_messages.push({
        session_id: record.session_id,
        event_id: message.event_id,
        source: message.source,
        message: message.message,
        created_at: dateTime(message.created_at),
        org_id: record.org_id,
        user_id: record.user_id,
        session_updated_at: record.updated_at,
      });
    }
  }
  truth.active_users = activeUserRecords(data, query);
  return truth;
}
