/**
 * The generated session row at index `i` as of a given progress: a pure function of
 * (seed, i, elapsed), so it can be rebuilt on demand for any clock and never needs storing.
 * Fields that move while a session runs: status, status_detail, acus_consumed, pull_requests
 * (appear, then change state at the end), child_session_ids, category and the insights.
 */
import { hashInts, hex8, unitOf } from './hash.js';
import { buildPrUrl, PR_URL_KINDS, prUrlParts } from './pr-urls.js';
import { countBySource, visibleMessageCount } from './session-messages.js';
import type { SessionOwners } from './session-owners.js';
import type { SessionProgress } from './session-timeline.js';
import type { ExpectedPullRequest, SessionInsightsExtras, SessionInsightsRow, SessionRow, SessionSize } from './session-types.js';

/** Session ids that need percent-encoding in a path; present whenever sessions >= 8. */
export const EDGE_SESSION_IDS: ReadonlyMap<number, string> = new Map([
  [1, 'devin-edge/slash?and#hash'],
  [3, 'devin-space and%20percent'],
  [5, 'devin-ünïcødé-🚀'],
  [7, 'devin-a+b&c=d;e'],
]);
const EDGE_INDEX_BY_ID = new Map([...EDGE_SESSION_IDS].map(([index, id]) => [id, index]));

const SALT = {
  id: 401, title: 402, tags: 403, playbook: 404, origin: 405, category: 406, acus: 407, finalStatus: 408,
  detail: 409, prCount: 410, prKind: 411, prOwner: 412, prRepo: 413, prNumber: 414, prState: 415, prAppear: 416,
  archived: 417, mode: 418, automation: 419, structured: 420, analysis: 421, nullTitle: 422,
} as const;

const TITLES = ['Fix flaky payments test', 'Add pagination to /users', 'Upgrade React to 19', 'Investigate prod 500s',
  'Écrire la documentation de l’API', '重构登录模块', 'Refactor "billing" service', 'Bump lodash 🚀'];
const TAGS = ['backend', 'frontend', 'urgent', 'customer:acme', 'q4', 'needs review'];
const USER_ORIGINS = ['webapp', 'slack', 'teams', 'api', 'linear', 'jira', 'cli', 'desktop', 'code_scan', 'other'];
const CATEGORIES: ReadonlyArray<readonly [string, string]> = [
  ['bug_fixing', 'Flaky tests'], ['feature_development', 'API endpoints'], ['refactoring_and_optimization', 'Other'],
  ['documentation_and_content', 'READMEs'], ['migrations_and_upgrades', 'Dependency upgrades'],
  ['production_investigation', 'Incident triage'], ['unit_test_generation', 'Other'], ['code_review', 'PR review'],
];
const MODES = ['normal', 'fast', 'lite', 'ultra', 'fusion', null];
const SUSPENDED = ['inactivity', 'user_request', 'usage_limit_exceeded'];
const RUNNING_DETAILS = ['working', 'waiting_for_user', 'working', 'waiting_for_approval'];

function pick<T>(list: readonly T[], roll: number): T {
  return list[roll % list.length]!;
}

export function generatedSessionId(seed: number, index: number): string {
  const edge = EDGE_SESSION_IDS.get(index);
  if (edge !== undefined) return edge;
  const h = hashInts(seed, index, SALT.id);
  // The index is the last 8 hex digits, so ids are unique by construction and cheap to look up.
  return `devin-${hex8(h)}${hex8(hashInts(h, 1))}${hex8(hashInts(h, 2))}${(index >>> 0).toString(16).padStart(8, '0')}`;
}

/** The generated index a session id names, if it is a generated id at all. */
export function indexOfSessionId(seed: number, sessionId: string): number | undefined {
  const edge = EDGE_INDEX_BY_ID.get(sessionId);
  if (edge !== undefined) return edge;
  const match = /^devin-[0-9a-f]{24}([0-9a-f]{8})$/.exec(sessionId);
  if (match === null) return undefined;
  const index = Number.parseInt(match[1]!, 16);
  return generatedSessionId(seed, index) === sessionId ? index : undefined;
}

function finalStatus(seed: number, index: number): [string, string] {
  const roll = hashInts(seed, index, SALT.finalStatus);
  const u = unitOf(roll);
  if (u < 0.75) return ['exit', 'finished'];
  if (u < 0.9) return ['suspended', pick(SUSPENDED, roll >>> 4)];
  return ['error', 'error'];
}

/** PRs as of `progress`: each appears part-way through the run, is open while it runs, then settles. */
export function generatedPullRequests(seed: number, index: number, progress: SessionProgress): ExpectedPullRequest[] {
  const countRoll = hashInts(seed, index, SALT.prCount);
  const count = unitOf(countRoll) < 0.55 ? 0 : 1 + ((countRoll >>> 8) % 3);
  const prs: ExpectedPullRequest[] = [];
  for (let p = 0; p < count; p++) {
    const appearsAt = (0.2 + 0.7 * unitOf(hashInts(seed, index, p, SALT.prAppear))) * progress.lifetime;
    if (!progress.finished && progress.elapsed < appearsAt) continue;
    const kindRoll = hashInts(seed, index, p, SALT.prKind);
    // Half are plain GitHub; the rest cycle through every shape so a small data set has them all.
    const kind = unitOf(kindRoll) < 0.5 ? 0 : (index + p) % PR_URL_KINDS.length;
    const stateRoll = unitOf(hashInts(seed, index, p, SALT.prState));
    const settled = stateRoll < 0.55 ? 'merged' : stateRoll < 0.75 ? 'open' : stateRoll < 0.95 ? 'closed' : null;
    const state = settled === null ? null : progress.finished ? settled : 'open';
    const number = 1 + (hashInts(seed, index, p, SALT.prNumber) % 2_000) * 4 + p;
    const parts = prUrlParts(hashInts(seed, index, p, SALT.prOwner), hashInts(seed, index, p, SALT.prRepo), number);
    prs.push(buildPrUrl(kind, parts, state));
  }
  return prs;
}

function statusOf(seed: number, index: number, progress: SessionProgress): [string, string | null] {
  if (progress.finished) return finalStatus(seed, index);
  if (progress.elapsed === 0) return ['new', null];
  return ['running', pick(RUNNING_DETAILS, progress.elapsed / progress.tick + index)];
}

export function finalAcusCents(seed: number, index: number): number {
  return 10 + (hashInts(seed, index, SALT.acus) % 2_000);
}

/** `prs` is `generatedPullRequests(seed, index, progress)`, passed in because callers need it too. */
export function generatedRow(seed: number, index: number, progress: SessionProgress, owners: SessionOwners, prs: readonly ExpectedPullRequest[]): SessionRow {
  const sessionId = generatedSessionId(seed, index);
  const owner = owners.owner(index);
  const [status, statusDetail] = statusOf(seed, index, progress);
  const origin = owner.service_user_id !== null
    ? pick(['api', 'automation'], hashInts(seed, index, SALT.origin))
    : pick(USER_ORIGINS, hashInts(seed, index, SALT.origin));
  const categoryRoll = hashInts(seed, index, SALT.category);
  const categorised = progress.finished && unitOf(categoryRoll) < 0.85;
  const [category, subcategory] = pick(CATEGORIES, categoryRoll >>> 4);
  const tagRoll = hashInts(seed, index, SALT.tags);
  const parentIndex = owners.parentOf(index);
  const updatedAt = progress.created + progress.elapsed;
  const structured = progress.finished && unitOf(hashInts(seed, index, SALT.structured)) < 0.15;
  const acusCents = Math.round((finalAcusCents(seed, index) * progress.elapsed) / progress.lifetime);
  return {
    session_id: sessionId,
    url: `https://app.devin.ai/sessions/${encodeURIComponent(sessionId.replace(/^devin-/, ''))}`,
    status,
    status_detail: statusDetail,
    title: unitOf(hashInts(seed, index, SALT.nullTitle)) < 0.03 ? null : pick(TITLES, hashInts(seed, index, SALT.title)),
    tags: unitOf(tagRoll) < 0.5 ? [] : [pick(TAGS, tagRoll >>> 3), pick(TAGS, tagRoll >>> 9)].filter((t, i, all) => all.indexOf(t) === i),
    org_id: owner.org_id,
    user_id: owner.user_id,
    service_user_id: owner.service_user_id,
    playbook_id: unitOf(hashInts(seed, index, SALT.playbook)) < 0.2 ? `playbook-${hex8(hashInts(seed, index, SALT.playbook, 1))}` : null,
    origin,
    category: categorised ? category : null,
    subcategory: categorised ? subcategory : null,
    acus_consumed: acusCents / 100,
    pull_requests: prs.map(({ pr_url, pr_state }) => ({ pr_url, pr_state })),
    created_at: progress.created,
    updated_at: updatedAt,
    is_archived: progress.finished && unitOf(hashInts(seed, index, SALT.archived)) < 0.08,
    parent_session_id: parentIndex === undefined ? null : generatedSessionId(seed, parentIndex),
    child_session_ids: owners.childrenOf(index, updatedAt).map((child) => generatedSessionId(seed, child)),
    devin_mode: pick(MODES, hashInts(seed, index, SALT.mode)),
    automation_id: origin === 'automation' ? `automation-${hex8(hashInts(seed, index, SALT.automation))}` : null,
    structured_output: structured ? { summary: 'Work completed', tests_passed: (index & 1) === 0, files_changed: index % 13 } : null,
  };
}

/**
 * A generated row with its insights, written out field by field: a spread of 27 properties makes
 * a slow dictionary-mode object, and insights pages build 200 of them per request.
 */
export function withInsights(row: SessionRow, extras: SessionInsightsExtras): SessionInsightsRow {
  return {
    session_id: row.session_id, url: row.url, status: row.status, status_detail: row.status_detail, title: row.title,
    tags: row.tags, org_id: row.org_id, user_id: row.user_id, service_user_id: row.service_user_id,
    playbook_id: row.playbook_id, origin: row.origin, category: row.category, subcategory: row.subcategory,
    acus_consumed: row.acus_consumed, pull_requests: row.pull_requests, created_at: row.created_at,
    updated_at: row.updated_at, is_archived: row.is_archived, parent_session_id: row.parent_session_id,
    child_session_ids: row.child_session_ids, devin_mode: row.devin_mode, automation_id: row.automation_id,
    structured_output: row.structured_output, num_devin_messages: extras.num_devin_messages,
    num_user_messages: extras.num_user_messages, session_size: extras.session_size, analysis: extras.analysis,
  };
}

export function sizeOf(acus: number, messages: number): SessionSize {
  const score = acus + messages / 10;
  return score < 1 ? 'xs' : score < 4 ? 's' : score < 10 ? 'm' : score < 18 ? 'l' : 'xl';
}

export function generatedInsights(seed: number, index: number, progress: SessionProgress, row: SessionRow): SessionInsightsExtras {
  const visible = visibleMessageCount(seed, index, progress.elapsed, progress.lifetime);
  const counts = countBySource(seed, index, visible);
  const analysed = progress.finished && unitOf(hashInts(seed, index, SALT.analysis)) >= 0.3;
  return {
    num_devin_messages: counts.devin,
    num_user_messages: counts.user,
    session_size: sizeOf(row.acus_consumed, visible),
    analysis: analysed
      ? {
          classification: { category: row.category ?? 'other', confidence: 0.8, programming_languages: ['TypeScript'] },
          issues: index % 3 === 0 ? [{ issue: 'Missing test credentials', label: 'setup', impact: 'medium' }] : [],
          action_items: [{ action_item: 'Add the repo setup to knowledge', type: 'knowledge' }],
          timeline: [{ title: 'Started', description: 'Read the repository' }],
        }
      : null,
  };
}
