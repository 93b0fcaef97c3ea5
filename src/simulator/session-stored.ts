/**
 * Sessions a test wrote (`addSession`) or changed (`touchSession`): stored as frozen rows, unlike
 * generated ones, which are rebuilt from the clock on every read.
 */
import { sizeOf } from './session-generator.js';
import type { SessionKey } from './session-scan.js';
import type {
  ExpectedPrParse,
  ExpectedPullRequest,
  NewSession,
  SessionChanges,
  SessionInsightsExtras,
  SessionMessage,
  SessionPullRequest,
  SessionRow,
} from './session-types.js';

export interface StoredSession {
  key: SessionKey;
  row: SessionRow;
  extras: SessionInsightsExtras;
  prs: ExpectedPullRequest[];
  /** Added sessions carry their messages; touched generated ones keep the generated messages. */
  messages: SessionMessage[] | undefined;
}

export const UNRECOGNISED_PR: Readonly<ExpectedPrParse> = Object.freeze({ host: null, provider: null, repository: null, pr_number: null });

function expectedPrs(prs: Array<SessionPullRequest & { expected?: ExpectedPrParse }>): ExpectedPullRequest[] {
  return prs.map((pr) => ({ pr_url: pr.pr_url, pr_state: pr.pr_state, expected: { ...(pr.expected ?? UNRECOGNISED_PR) } }));
}

function rowPrs(prs: readonly ExpectedPullRequest[]): SessionPullRequest[] {
  return prs.map(({ pr_url, pr_state }) => ({ pr_url, pr_state }));
}

/** A copy of `current` with `changes` applied and updated_at = now; the insights follow. */
export function touched(current: StoredSession, changes: SessionChanges, now: number, messagesNow: SessionMessage[]): StoredSession {
  const { pull_requests: newPrs, session_size: size, analysis, ...fields } = changes;
  const prs = newPrs === undefined ? current.prs.map((pr) => ({ ...pr, expected: { ...pr.expected } })) : expectedPrs(newPrs);
  const row: SessionRow = { ...current.row, ...fields, pull_requests: rowPrs(prs), updated_at: Math.max(now, current.row.updated_at) };
  const user = messagesNow.filter((message) => message.source === 'user').length;
  const extras: SessionInsightsExtras = {
    num_devin_messages: messagesNow.length - user,
    num_user_messages: user,
    session_size: size ?? sizeOf(row.acus_consumed, messagesNow.length),
    analysis: analysis === undefined ? current.extras.analysis : analysis,
  };
  return { key: current.key, row, extras, prs, messages: current.messages };
}

export function added(input: NewSession, sessionId: string, orgId: string, now: number, tie: number): StoredSession {
  const created = input.created_at ?? now;
  const updated = input.updated_at ?? created;
  if (!(Number.isSafeInteger(created) && Number.isSafeInteger(updated) && created <= updated && updated <= now)) {
    throw new Error(`simulator: addSession needs integer created_at <= updated_at <= now (${now}), got ${created}, ${updated}`);
  }
  const prs = expectedPrs(input.pull_requests ?? []);
  const given = input.messages ?? [];
  const messages: SessionMessage[] = given.map((message, j) => ({
    event_id: `event-added-${j.toString(16).padStart(4, '0')}`,
    source: message.source,
    message: message.message,
    created_at: message.created_at ?? created + Math.floor(((updated - created) * j) / Math.max(1, given.length)),
  }));
  const { session_size: size, analysis, ...fields } = input.fields ?? {};
  const row: SessionRow = {
    session_id: sessionId,
    url: `https://app.devin.ai/sessions/${encodeURIComponent(sessionId.replace(/^devin-/, ''))}`,
    status: 'exit',
    status_detail: null,
    title: null,
    tags: [],
    org_id: orgId,
    user_id: input.user_id ?? null,
    service_user_id: input.service_user_id ?? null,
    playbook_id: null,
    origin: null,
    category: null,
    subcategory: null,
    acus_consumed: 0,
    pull_requests: rowPrs(prs),
    created_at: created,
    updated_at: updated,
    is_archived: false,
    parent_session_id: null,
    child_session_ids: [],
    devin_mode: null,
    automation_id: null,
    structured_output: null,
    ...fields,
  };
  const user = messages.filter((message) => message.source === 'user').length;
  return {
    key: { created, tie },
    row,
    extras: {
      num_devin_messages: messages.length - user,
      num_user_messages: user,
      session_size: size ?? sizeOf(row.acus_consumed, messages.length),
      analysis: analysis ?? null,
    },
    prs,
    messages,
  };
}
