/**
 * The simulated Devin API v3 (loopback HTTP), shipped with the package for tests, benchmarks and
 * the demo. See SPEC §12.
 */
export { startSimulator, SIMULATOR_HOST } from './server.js';
export {
  DEFAULT_KEYS,
  DEFAULT_ORGS,
  EMPTY_ORG_ID,
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  KEY_ENT_NO_METRICS,
  KEY_ENT_NO_BILLING,
  KEY_ENT_ONLY_MEMBERS,
  KEY_ORG_NO_MEMBERS,
  KEY_SELF_FORBIDDEN,
  KEY_ORG_EMPTY,
  KEY_ENT_NO_SESSIONS,
  KEY_ORG_NO_SESSIONS,
  KEY_ENT_NO_AUDIT,
  KEY_ENT_NO_KNOWLEDGE,
  KEY_ORG_NO_KNOWLEDGE,
  KEY_ORG_NO_SECRETS,
  PERMISSION_NAMES,
  defaultKeys,
} from './keys.js';
export { MAX_AUDIT_SPAN_SECONDS } from './endpoints/audit-logs.js';
export type { AuditLogData, AuditLogOptions, AuditLogRecord, AuditLogRow } from './audit-data.js';
export { EDGE_USER_IDS, UNICODE_NAMES } from './member-generator.js';
export { OTHER_HOST_URL } from './fault-responses.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './endpoints/members.js';
export { EDGE_SESSION_IDS, generatedSessionId } from './session-generator.js';
export { LONG_CHAT_INDEXES } from './session-messages.js';
export { PR_URL_KINDS } from './pr-urls.js';
export { SERVICE_USERS_PER_ORG } from './session-owners.js';
export { MAX_LIFETIME_SECONDS } from './session-timeline.js';
export { DEFAULT_KNOWLEDGE_ITEMS, EDGE_ID_SUFFIX, type KnowledgeItem } from './knowledge-data.js';
export type { KnowledgeNoteRecord, KnowledgeTruth, PlaybookRecord, SecretRecord } from './ground-truth-knowledge.js';
export type {
  ActivePeriod,
  ActiveUsersPoint,
  ActiveUsersRecord,
  ExpectedPrParse,
  ExpectedPullRequest,
  NewSession,
  PrProvider,
  SessionChanges,
  SessionInsightsExtras,
  SessionInsightsRecord,
  SessionInsightsRow,
  SessionMessage,
  SessionMessageRecord,
  SessionPullRequest,
  SessionPullRequestRecord,
  SessionRecord,
  SessionRow,
  SessionSize,
  SimulatedServiceUser,
} from './session-types.js';
export type {
  AcusByProduct,
  ConsumptionRecord,
  ContentCoding,
  ConsumptionRow,
  ConsumptionValue,
  FaultKind,
  FaultRule,
  GroundTruth,
  GroundTruthQuery,
  IdpRoleAssignment,
  MemberListing,
  MemberRecord,
  NewMember,
  PermissionGroup,
  PrCounts,
  PrMetricsRecord,
  RateLimitOptions,
  RequestLogEntry,
  RetryAfterMode,
  Role,
  RoleAssignment,
  SimulatedMember,
  Simulator,
  SimulatorCompression,
  SimulatorData,
  SimulatorKey,
  SimulatorOptions,
  SimulatorTimers,
} from './types.js';
