/**
 * The simulated endpoints and how a decoded path matches them.
 */
import type { ActivePeriod } from './session-types.js';
import type { ConsumptionTarget } from './endpoints/consumption.js';
import type { KnowledgeFamily } from './endpoints/knowledge.js';
import type { PermissionGroup } from './types.js';

export type Endpoint =
  | { kind: 'self' }
  | { kind: 'members'; listing: 'direct' | 'idp' }
  | { kind: 'consumption'; target: ConsumptionTarget }
  | { kind: 'organizations' }
  | { kind: 'service-users' }
  | { kind: 'cycles' }
  | { kind: 'metrics' }
  | { kind: 'sessions'; insights: boolean }
  | { kind: 'session-messages' }
  | { kind: 'active-users'; period: ActivePeriod }
  | { kind: 'audit-logs' }
  | { kind: 'knowledge'; family: KnowledgeFamily };

export interface Route {
  /** Literal segments, or ':org' / ':user' / ':session' placeholders. */
  pattern: readonly string[];
  /** Which kind of key the path belongs to (null: any key). */
  scope: 'enterprise' | 'organization' | null;
  permission: PermissionGroup | null;
  endpoint: Endpoint;
}

export interface RouteMatch {
  route: Route;
  /** Org named in the path, if any. */
  orgId?: string;
  /** User named in the path, if any (already percent-decoded). */
  userId?: string;
  /** Session named in the path, if any (already percent-decoded). */
  sessionId?: string;
}

const directMembers: Endpoint = { kind: 'members', listing: 'direct' };
const idpMembers: Endpoint = { kind: 'members', listing: 'idp' };
const scopeConsumption: Endpoint = { kind: 'consumption', target: 'scope' };
const userConsumption: Endpoint = { kind: 'consumption', target: 'user' };
const metrics: Endpoint = { kind: 'metrics' };
const sessions: Endpoint = { kind: 'sessions', insights: false };
const insights: Endpoint = { kind: 'sessions', insights: true };
const messages: Endpoint = { kind: 'session-messages' };

/** dau / wau / mau in both scopes (permission 'metrics', like PR metrics). */
function activeUserRoutes(): Route[] {
  const periods: Array<[string, ActivePeriod]> = [['dau', 'day'], ['wau', 'week'], ['mau', 'month']];
  return periods.flatMap(([name, period]): Route[] => [
    { pattern: ['v3', 'enterprise', 'metrics', name], scope: 'enterprise', permission: 'metrics', endpoint: { kind: 'active-users', period } },
    { pattern: ['v3', 'organizations', ':org', 'metrics', name], scope: 'organization', permission: 'metrics', endpoint: { kind: 'active-users', period } },
  ]);
}

/** Playbooks and knowledge notes in both scopes; secrets under organizations only (no enterprise list is documented). */
function knowledgeRoutes(): Route[] {
  const families: Array<[string[], PermissionGroup, KnowledgeFamily]> = [[['playbooks'], 'playbooks', 'playbooks'], [['knowledge', 'notes'], 'knowledge', 'notes']];
  return [
    ...families.flatMap(([path, permission, family]): Route[] => [
      { pattern: ['v3', 'enterprise', ...path], scope: 'enterprise', permission, endpoint: { kind: 'knowledge', family } },
      { pattern: ['v3', 'organizations', ':org', ...path], scope: 'organization', permission, endpoint: { kind: 'knowledge', family } },
    ]),
    { pattern: ['v3', 'organizations', ':org', 'secrets'], scope: 'organization', permission: 'secrets', endpoint: { kind: 'knowledge', family: 'secrets' } },
  ];
}

export const ROUTES: readonly Route[] = [
  { pattern: ['v3', 'self'], scope: null, permission: null, endpoint: { kind: 'self' } },

  { pattern: ['v3', 'enterprise', 'members', 'users'], scope: 'enterprise', permission: 'membership', endpoint: directMembers },
  { pattern: ['v3', 'enterprise', 'members', 'idp-users'], scope: 'enterprise', permission: 'membership', endpoint: idpMembers },
  // One org's members through an enterprise key (documented in the OpenAPI subset).
  { pattern: ['v3', 'enterprise', 'organizations', ':org', 'members', 'users'], scope: 'enterprise', permission: 'membership', endpoint: directMembers },
  { pattern: ['v3', 'enterprise', 'organizations', ':org', 'members', 'idp-users'], scope: 'enterprise', permission: 'membership', endpoint: idpMembers },
  // The org-scoped member listing is still only documented under /v3beta1.
  { pattern: ['v3beta1', 'organizations', ':org', 'members', 'users'], scope: 'organization', permission: 'membership', endpoint: directMembers },
  { pattern: ['v3beta1', 'organizations', ':org', 'members', 'idp-users'], scope: 'organization', permission: 'membership', endpoint: idpMembers },

  { pattern: ['v3', 'enterprise', 'consumption', 'daily'], scope: 'enterprise', permission: 'consumption', endpoint: scopeConsumption },
  { pattern: ['v3', 'enterprise', 'consumption', 'daily', 'users', ':user'], scope: 'enterprise', permission: 'consumption', endpoint: userConsumption },
  { pattern: ['v3', 'organizations', ':org', 'consumption', 'daily'], scope: 'organization', permission: 'consumption', endpoint: scopeConsumption },
  { pattern: ['v3', 'organizations', ':org', 'consumption', 'daily', 'users', ':user'], scope: 'organization', permission: 'consumption', endpoint: userConsumption },

  // Organizations, service users and their consumption (enterprise keys only). ':user' carries the id.
  { pattern: ['v3', 'enterprise', 'organizations'], scope: 'enterprise', permission: 'organizations', endpoint: { kind: 'organizations' } },
  { pattern: ['v3', 'enterprise', 'consumption', 'cycles'], scope: 'enterprise', permission: 'consumption', endpoint: { kind: 'cycles' } },
  { pattern: ['v3', 'enterprise', 'members', 'service-users'], scope: 'enterprise', permission: 'membership', endpoint: { kind: 'service-users' } },
  { pattern: ['v3', 'enterprise', 'consumption', 'daily', 'organizations', ':user'], scope: 'enterprise', permission: 'consumption', endpoint: { kind: 'consumption', target: 'organization' } },
  { pattern: ['v3', 'enterprise', 'consumption', 'daily', 'service-users', ':user'], scope: 'enterprise', permission: 'consumption', endpoint: { kind: 'consumption', target: 'service-user' } },

  { pattern: ['v3', 'enterprise', 'metrics', 'prs'], scope: 'enterprise', permission: 'metrics', endpoint: metrics },
  { pattern: ['v3', 'organizations', ':org', 'metrics', 'prs'], scope: 'organization', permission: 'metrics', endpoint: metrics },
  ...activeUserRoutes(),

  { pattern: ['v3', 'enterprise', 'audit-logs'], scope: 'enterprise', permission: 'audit', endpoint: { kind: 'audit-logs' } },

  { pattern: ['v3', 'enterprise', 'sessions'], scope: 'enterprise', permission: 'sessions', endpoint: sessions },
  { pattern: ['v3', 'enterprise', 'sessions', 'insights'], scope: 'enterprise', permission: 'sessions', endpoint: insights },
  { pattern: ['v3', 'enterprise', 'sessions', ':session', 'messages'], scope: 'enterprise', permission: 'sessions', endpoint: messages },
  { pattern: ['v3', 'organizations', ':org', 'sessions'], scope: 'organization', permission: 'sessions', endpoint: sessions },
  { pattern: ['v3', 'organizations', ':org', 'sessions', 'insights'], scope: 'organization', permission: 'sessions', endpoint: insights },
  { pattern: ['v3', 'organizations', ':org', 'sessions', ':session', 'messages'], scope: 'organization', permission: 'sessions', endpoint: messages },
  ...knowledgeRoutes(),
];

/** Same-host redirects land under this prefix, which is served like the path without it. */
export const REDIRECT_PREFIX = 'redirected';

export function matchRoute(segments: readonly string[], routes: readonly Route[] = ROUTES): RouteMatch | undefined {
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const match: RouteMatch = { route };
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const expected = route.pattern[i]!;
      const actual = segments[i]!;
      if (expected === ':org') {
        match.orgId = actual;
        ok = actual !== '';
      } else if (expected === ':user') {
        match.userId = actual;
        ok = actual !== '';
      } else if (expected === ':session') {
        match.sessionId = actual;
        ok = actual !== '';
      } else {
        ok = expected === actual;
      }
    }
    if (ok) return match;
  }
  return undefined;
}
