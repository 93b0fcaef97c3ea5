/**
 * Public types of the simulated sessions family (sessions, insights, messages) and of the
 * active-users metrics. Shapes follow reference/devin-api-v3-more.md §2–§4 and §9; they change
 * only additively.
 */

export interface SessionPullRequest {
  pr_url: string;
  pr_state: string | null;
}

/** A session row exactly as `…/sessions` serves it (timestamps in Unix seconds). */
export interface SessionRow {
  session_id: string;
  url: string;
  status: string;
  status_detail: string | null;
  title: string | null;
  tags: string[];
  org_id: string;
  user_id: string | null;
  service_user_id: string | null;
  playbook_id: string | null;
  origin: string | null;
  category: string | null;
  subcategory: string | null;
  acus_consumed: number;
  pull_requests: SessionPullRequest[];
  created_at: number;
  updated_at: number;
  is_archived: boolean;
  parent_session_id: string | null;
  child_session_ids: string[] | null;
  devin_mode: string | null;
  automation_id: string | null;
  structured_output: Record<string, unknown> | null;
}

export type SessionSize = 'xs' | 's' | 'm' | 'l' | 'xl';

/** The four fields `…/sessions/insights` adds to a session row. */
export interface SessionInsightsExtras {
  num_devin_messages: number;
  num_user_messages: number;
  session_size: SessionSize;
  analysis: Record<string, unknown> | null;
}

export type SessionInsightsRow = SessionRow & SessionInsightsExtras;

export interface SessionMessage {
  event_id: string;
  source: 'devin' | 'user';
  message: string;
  created_at: number;
}

export type PrProvider = 'github' | 'gitlab' | 'bitbucket' | 'azure_devops';

/** What a correct parser must make of a PR URL (SPEC §5.3), known to the generator that built it. */
export interface ExpectedPrParse {
  /** Lower-cased host without port; null when the URL is not a URL at all. */
  host: string | null;
  provider: PrProvider | null;
  repository: string | null;
  pr_number: number | null;
}

export type ExpectedPullRequest = SessionPullRequest & { expected: ExpectedPrParse };

export interface SimulatedServiceUser {
  service_user_id: string;
  service_user_name: string;
  org_id: string;
}

/** What `addSession` accepts; everything has a default. Timestamps in Unix seconds. */
export interface NewSession {
  /** Default a fresh `devin-<32 hex>`. */
  session_id?: string;
  /** Default orgs[0]. */
  org_id?: string;
  /** Default null (then service_user_id, if given, says who started it). */
  user_id?: string | null;
  service_user_id?: string | null;
  /** Default now(); must be <= updated_at <= now(). */
  created_at?: number;
  /** Default created_at. */
  updated_at?: number;
  /** Default []; `expected` is what the ground truth reports (default: unrecognised, host null). */
  pull_requests?: Array<SessionPullRequest & { expected?: ExpectedPrParse }>;
  /** Default []; created_at defaults spread over [created_at, updated_at]. */
  messages?: Array<{ source: 'devin' | 'user'; message: string; created_at?: number }>;
  /** Any other session or insights field (defaults: status 'exit', acus 0, null / [] elsewhere). */
  fields?: Partial<Omit<SessionRow, 'session_id' | 'org_id' | 'user_id' | 'service_user_id' | 'created_at' | 'updated_at' | 'pull_requests'>> &
    Partial<Pick<SessionInsightsExtras, 'session_size' | 'analysis'>>;
}

/** Fields `touchSession` may change (identity, owner and created_at are fixed). */
export type SessionChanges = Partial<
  Omit<SessionRow, 'session_id' | 'org_id' | 'user_id' | 'service_user_id' | 'created_at' | 'updated_at' | 'pull_requests'>
> &
  Partial<Pick<SessionInsightsExtras, 'session_size' | 'analysis'>> & {
    pull_requests?: Array<SessionPullRequest & { expected?: ExpectedPrParse }>;
  };

/** One element of the `…/metrics/{dau,wau,mau}` array. */
export interface ActiveUsersPoint {
  active_users: number;
  /** Unix seconds of the period's first second. */
  start_time: number;
  /** Unix seconds of the period's last second. */
  end_time: number;
}

export type ActivePeriod = 'day' | 'week' | 'month';

// ---- ground truth records (the connector's output shapes, schemas/*.json) ----

export type SessionRecord = Omit<SessionRow, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string };

export type SessionInsightsRecord = SessionRecord & SessionInsightsExtras;

export interface SessionPullRequestRecord extends ExpectedPrParse {
  session_id: string;
  pr_url: string;
  pr_state: string | null;
  user_id: string | null;
  service_user_id: string | null;
  org_id: string;
  session_created_at: string;
  session_updated_at: string;
}

export interface SessionMessageRecord {
  session_id: string;
  event_id: string;
  source: 'devin' | 'user';
  message: string;
  created_at: string;
  org_id: string;
  user_id: string | null;
  session_updated_at: string;
}

export interface ActiveUsersRecord {
  period: ActivePeriod;
  period_start: string;
  period_end: string;
  active_users: number;
  is_partial_period: boolean;
  org_id: string | null;
}

/** The sessions half of `sim.data` (SimulatorData extends it). */
export interface SimulatorSessionData {
  // Sessions: as of now() (rows handed out are copies). Unix seconds throughout.
  /** Sessions that exist now (created_at <= now), newest first; null/undefined = every org. */
  sessions(scopeOrgId?: string | null): SessionRow[];
  session(sessionId: string): SessionRow | undefined;
  sessionInsights(sessionId: string): SessionInsightsRow | undefined;
  /** Messages that exist by the session's updated_at, oldest first ([] for an unknown session). */
  sessionMessages(sessionId: string): SessionMessage[];
  /** The session's PRs with the parse a correct connector must make of each URL. */
  sessionPullRequests(sessionId: string): ExpectedPullRequest[];
  /** The fixed service users of an org (or of every org) that start sessions. */
  serviceUsers(orgId?: string | null): SimulatedServiceUser[];
  /**
   * Changes a session: fields from `changes`, updated_at = now(). A touched generated session is
   * frozen from then on (it no longer advances with the clock).
   */
  touchSession(sessionId: string, changes?: SessionChanges): SessionRow;
  addSession(input?: NewSession): SessionRow;
  /** What `…/metrics/{dau|wau|mau}` answers for [timeAfter, timeBefore). */
  activeUsers(
    period: ActivePeriod,
    timeAfter: number,
    timeBefore: number,
    options?: { minSessions?: number; orgId?: string | null; orgIds?: readonly string[] },
  ): ActiveUsersPoint[];
}
