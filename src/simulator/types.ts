/**
 * Public types of the simulated Devin API. Tests, benchmarks and the demo code against exactly
 * these shapes, so they change only additively.
 */

import type { AuditLogData, AuditLogOptions, AuditLogRecord } from './audit-data.js';
import type { ConsumersTruth } from './ground-truth-consumers.js';
import type { ConsumerDirectory, DirectoryOrganization, DirectoryServiceUser } from './consumer-directory.js';
import type { KnowledgeData } from './knowledge-data.js';
import type { KnowledgeTruth } from './ground-truth-knowledge.js';
import type {
  ActiveUsersRecord,
  SessionInsightsRecord,
  SessionMessageRecord,
  SessionPullRequestRecord,
  SessionRecord,
  SimulatorSessionData,
} from './session-types.js';
import type { FaultRule, RateLimitOptions, SimulatorCompression } from './fault-types.js';
import type { AcusByProduct, ConsumptionRow, ConsumptionValue, IdpRoleAssignment, NewMember, PrCounts, RoleAssignment, SimulatedMember } from './member-types.js';

export type * from './fault-types.js';
export type * from './member-types.js';

export type PermissionGroup = 'membership' | 'consumption' | 'metrics' | 'sessions' | 'organizations'
  | 'audit'
  | KnowledgePermissionGroup;
/** Playbooks, knowledge notes, secrets (knowledge-data.ts). */
export type KnowledgePermissionGroup = 'playbooks' | 'knowledge' | 'secrets';

export interface SimulatorKey {
  scope: 'enterprise' | 'organization';
  /** Required for organization keys. */
  orgId?: string;
  permissions: PermissionGroup[] | 'all';
  /** Force `GET /v3/self` to answer this status (for invalid_permissions tests). */
  selfStatus?: 401 | 403;
}

export interface RequestLogEntry {
  method: string;
  /** Exactly as received (path + query, still percent-encoded). */
  rawUrl: string;
  /** Decoded path segments joined with '/', for readability. */
  path: string;
  /** Decoded segments, e.g. ['v3','enterprise','consumption','daily','users','email|abc']. */
  pathSegments: string[];
  /** Every value of every query parameter, in order. */
  query: Record<string, string[]>;
  /** Lower-cased request headers as received. */
  headers: Record<string, string | undefined>;
  /** The bearer token used, if any. */
  key?: string;
  /** Response status; 0 while the response is still pending. */
  status: number;
  /** The fault kind that answered this request, if any ('rate-limit' for token-bucket 429s). */
  fault?: string;
  /** Arrival time, epoch ms (wall clock). */
  receivedAt: number;
  /** The Content-Encoding of the answer, when it was compressed. */
  contentEncoding?: string;
}

/**
 * The clock of the simulator's waits (latency, 'slow' faults), its token bucket and its Retry-After
 * dates. Default: performance.now, Date.now and real (unref'd) timers. Tests pass a virtual one;
 * `sleep` is told which request waits, so a virtual clock can order waits that end together.
 */
export interface SimulatorTimers {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number, request: RequestLogEntry): Promise<void>;
}

export interface SimulatorOptions {
  /** Default 42; same seed + sizes + clock => byte-identical data. */
  seed?: number;
  /** Default 50 distinct users. */
  members?: number;
  /** Default 60: history = the `days` billing days ending at today's (inclusive). */
  days?: number;
  /** Epoch-ms clock; "today" = billing day containing now(). Default Date.now. */
  now?: () => number;
  /** Default ['org-sim-alpha', 'org-sim-beta']. */
  orgs?: string[];
  /** Default DEFAULT_KEYS; the key string is the bearer token. */
  keys?: Record<string, SimulatorKey>;
  /** Longest accepted consumption window in billing days; 422 beyond. Default null (no limit). */
  maxConsumptionWindowDays?: number | null;
  /** Token bucket over all requests; default null. */
  rateLimit?: RateLimitOptions | null;
  /** Added before every response; default 0. */
  latencyMs?: number;
  /** Default []. */
  faults?: FaultRule[];
  /** Default 0 (random); the host is always 127.0.0.1. */
  port?: number;
  /** Default true; benchmarks turn it off. */
  logRequests?: boolean;
  /** Default true; false = an older API build that omits the prs_taken_over_* fields. */
  prTakenOverFields?: boolean;
  /**
   * Default 200: generated sessions created between the first billing day's start and the clock
   * at start-up; more arrive at the same rate as the clock advances.
   */
  sessions?: number;
  /** Default false; true = the sessions and insights lists ignore updated_* / created_* (SPEC §12). */
  sessionsIgnoreTimeFilters?: boolean;
  /** The enterprise audit log (see audit-data.ts for the defaults). */
  auditLogs?: AuditLogOptions;
  /** Default 8: playbooks, knowledge notes and secrets per organization (the enterprise's own: half as many). */
  knowledgeItems?: number;
  /** Default: real time (see SimulatorTimers). */
  timers?: SimulatorTimers;
  /** Encode answers the client accepts compressed; default null (off: loopback benchmarks pay nothing). */
  compression?: SimulatorCompression;
  /** Called once per finished response (the CLI prints these); also when logRequests is false. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface Simulator {
  url: string;
  port: number;
  /** In arrival order (empty when logRequests is false). */
  requests: RequestLogEntry[];
  clearRequests(): void;
  /** Replaces the rules; counters (and the fault PRNG) restart. */
  setFaults(rules: FaultRule[]): void;
  setRateLimit(limit: RateLimitOptions | null | undefined): void;
  setLatency(ms: number): void;
  setMaxConsumptionWindowDays(days: number | null): void;
  setSessionsIgnoreTimeFilters(ignore: boolean): void;
  setCompression(mode: SimulatorCompression): void;
  data: SimulatorData;
  groundTruth(query: GroundTruthQuery): GroundTruth;
  /** Counts even when logRequests is false. */
  stats(): { requests: number; byStatus: Record<number, number> };
  /** Closes the server and all keep-alive sockets promptly. */
  close(): Promise<void>;
}

// ---- data set ----

/** Day arguments are day numbers (see src/devin/billing-day.ts); ±Infinity means unbounded. */
export interface SimulatorData extends SimulatorSessionData {
  /** Current members of the scope (direct ∪ IdP), in creation order; null/undefined = enterprise. */
  members(scopeOrgId?: string | null): SimulatedMember[];
  /** The member with this user_id, if it exists. */
  member(userId: string): SimulatedMember | undefined;
  /** Rows of billing days fromDay..toDay (inclusive), by date; with orgId only if that is the home org. */
  consumptionRows(userId: string, fromDay: number, toDay: number, orgId?: string | null): ConsumptionRow[];
  /** Whole-scope rows (sums over the users attributed to the scope), as `/consumption/daily` serves them. */
  scopeConsumptionRows(fromDay: number, toDay: number, orgId?: string | null): ConsumptionRow[];
  /** Organizations and service users (inactive ones included) as the directory endpoints list them. */
  readonly consumers: ConsumerDirectory;
  /** The enterprise audit log: entries, test additions, ground truth, the filter-ignoring switch. */
  readonly auditLogs: AuditLogData;
  /** Playbooks, knowledge notes and secrets (with the value fields a connector must drop), per org. */
  readonly knowledge: KnowledgeData;
  /** One service user's rows of billing days fromDay..toDay (inclusive). */
  serviceUserConsumptionRows(serviceUserId: string, fromDay: number, toDay: number): ConsumptionRow[];
  /** A service user created while the simulator runs: listed, and consuming from the first day. */
  addServiceUser(orgId: string, serviceUserId: string, name?: string): DirectoryServiceUser;
  /** An organization created while the simulator runs: listed; it consumes through the service users added to it. */
  addOrganization(orgId: string, name?: string): DirectoryOrganization;
  /** Summed counts of the users (null = every member of the scope) over fromDay..toDay (inclusive). */
  prCounts(userIds: string[] | null, fromDay: number, toDay: number, orgId?: string | null): PrCounts;
  /** Billing day (day number) containing now(). */
  today(): number;
  /** First billing day with history (fixed when the simulator starts). */
  firstDay(): number;
  /** Replace (row) or delete (null) one user's row on one billing day. */
  setConsumption(userId: string, day: number, row: ConsumptionValue | null): void;
  /** Replace one user's PR counts on one billing day; missing counts are 0, totals derived unless given. */
  setPrCounts(userId: string, day: number, counts: Partial<PrCounts>): void;
  addMember(member: NewMember): SimulatedMember;
  removeMember(userId: string): void;
}

// ---- ground truth ----

export interface GroundTruthQuery {
  /** Default cog_sim_enterprise; the scope comes from the key. */
  key?: string;
  startDate: string;
  endDate: string;
  /** Default true. */
  includeIdpUsers?: boolean;
  /** The moment the read starts (Unix seconds) for the sessions family and active_users; default now(). */
  readStart?: number;
  /**
   * Sessions range [start, end) of updated_at in Unix seconds; default
   * [startDate 08:00Z, min(endDate+1 08:00Z, readStart)) as SPEC §13 says.
   */
  sessionsRange?: { start: number; end: number };
}

export interface MemberRecord {
  user_id: string;
  email: string | null;
  name: string | null;
  role_assignments: RoleAssignment[];
  idp_role_assignments: IdpRoleAssignment[] | null;
  org_id: string | null;
}

export interface ConsumptionRecord {
  user_id: string;
  email: string | null;
  date: string;
  acus: number;
  acus_by_product: AcusByProduct;
  org_id: string | null;
  is_partial_day: boolean;
}

export interface PrMetricsRecord {
  date: string;
  user_id: string | null;
  org_id: string | null;
  prs_created_count: number;
  prs_opened_count: number;
  prs_merged_count: number;
  prs_closed_count: number;
  prs_taken_over_count: number | null;
  prs_taken_over_opened_count: number | null;
  prs_taken_over_merged_count: number | null;
  prs_taken_over_closed_count: number | null;
  is_partial_day: boolean;
}

export interface GroundTruth extends ConsumersTruth, KnowledgeTruth {
  members: MemberRecord[];
  daily_consumption: ConsumptionRecord[];
  /** One row per billing day for the whole scope (user_id null). */
  pr_metrics: PrMetricsRecord[];
  /** One row per member per billing day. */
  pr_metrics_by_member: PrMetricsRecord[];
  sessions: SessionRecord[];
  session_pull_requests: SessionPullRequestRecord[];
  session_insights: SessionInsightsRecord[];
  session_messages: SessionMessageRecord[];
  active_users: ActiveUsersRecord[];
  /** Enterprise keys only (empty for an organization key), over the sessions range. */
  audit_logs: AuditLogRecord[];
}
