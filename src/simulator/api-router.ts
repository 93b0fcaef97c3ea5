/**
 * Turns one request into a response (before faults): route, authenticate, authorise, dispatch.
 * Order follows FastAPI: unknown path 404 / wrong method 405, then 401, then 403, then the
 * handler's own 404/422.
 */
import { PERMISSION_NAMES, hasPermission } from './keys.js';
import { problem, type ApiResponse } from './api-response.js';
import { handleAuditLogs } from './endpoints/audit-logs.js';
import { handleConsumption } from './endpoints/consumption.js';
import { handleMembers } from './endpoints/members.js';
import { handleKnowledge } from './endpoints/knowledge.js';
import { handleCycles } from './endpoints/cycles.js';
import { handleOrganizations, handleServiceUsers } from './endpoints/directory-listings.js';
import { handleMetrics } from './endpoints/metrics.js';
import { handleSelf } from './endpoints/self.js';
import { handleActiveUsers } from './endpoints/active-users.js';
import { handleSessionMessages } from './endpoints/session-messages.js';
import { handleSessions } from './endpoints/sessions.js';
import { matchRoute, REDIRECT_PREFIX, type RouteMatch } from './routes.js';
import type { ApiState, EndpointRequest } from './api-state.js';
import type { Query } from './query-params.js';
import type { SimulatorKey } from './types.js';

export interface IncomingRequest {
  method: string;
  pathSegments: string[];
  query: Query;
  /** The raw path (no query), for ProblemDetail `instance`. */
  instance: string;
  token: string | undefined;
}

/** `Authorization: Bearer <token>` → token; anything else → undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}

function routingSegments(segments: string[]): string[] {
  return segments[0] === REDIRECT_PREFIX ? segments.slice(1) : segments;
}

/** A 403 whose detail names the Devin permission, as the connector's check must report it. */
function forbidden(match: RouteMatch, instance: string, orgId?: string): ApiResponse {
  const group = match.route.permission ?? 'membership';
  const scope = match.route.scope === 'organization' ? 'organization' : 'enterprise';
  const name = PERMISSION_NAMES[scope][group];
  const where = orgId === undefined ? '' : ` on organization ${orgId}`;
  return problem(403, `Service user lacks required permission: ${name}${where}`, instance);
}

/** 403 reason for this key on this route, or undefined when allowed. */
function authorise(match: RouteMatch, key: SimulatorKey, instance: string): ApiResponse | undefined {
  const { route } = match;
  if (route.scope === null || route.permission === null) return undefined;
  if (route.scope === 'enterprise') {
    if (key.scope !== 'enterprise' || !hasPermission(key, route.permission)) return forbidden(match, instance);
    return undefined;
  }
  // Organization path: enterprise keys inherit the org permission in every org.
  if (key.scope === 'organization' && key.orgId !== match.orgId) return forbidden(match, instance, match.orgId);
  if (!hasPermission(key, route.permission)) return forbidden(match, instance);
  return undefined;
}

export function answerRequest(request: IncomingRequest, state: ApiState): ApiResponse {
  const match = matchRoute(routingSegments(request.pathSegments));
  if (match === undefined) return problem(404, 'Not Found', request.instance);
  if (request.method !== 'GET') {
    return problem(405, 'Method Not Allowed', request.instance, { allow: 'GET' });
  }

  // hasOwn: a token such as `constructor` must not find Object.prototype members.
  const key =
    request.token !== undefined && Object.hasOwn(state.keys, request.token) ? state.keys[request.token] : undefined;
  if (key === undefined || request.token === undefined) {
    return problem(401, 'Invalid or missing service user credential', request.instance, {
      'www-authenticate': 'Bearer',
    });
  }
  const refusal = authorise(match, key, request.instance);
  if (refusal !== undefined) return refusal;
  if (match.orgId !== undefined && !state.knownOrgs.has(match.orgId)) {
    return problem(404, `Organization ${match.orgId} not found`, request.instance);
  }

  const endpointRequest: EndpointRequest = {
    match,
    query: request.query,
    instance: request.instance,
    token: request.token,
    key,
    scopeOrgId: match.orgId ?? null,
  };
  const { endpoint } = match.route;
  switch (endpoint.kind) {
    case 'self':
      return handleSelf(endpointRequest);
    case 'members':
      return handleMembers(endpointRequest, state, endpoint.listing);
    case 'consumption':
      return handleConsumption(endpointRequest, state, endpoint.target);
    case 'organizations':
      return handleOrganizations(endpointRequest, state);
    case 'service-users':
      return handleServiceUsers(endpointRequest, state);
    case 'cycles':
      return handleCycles(endpointRequest, state);
    case 'metrics':
      return handleMetrics(endpointRequest, state);
    case 'sessions':
      return handleSessions(endpointRequest, state, endpoint.insights);
    case 'session-messages':
      return handleSessionMessages(endpointRequest, state);
    case 'active-users':
      return handleActiveUsers(endpointRequest, state, endpoint.period);
    case 'audit-logs':
      return handleAuditLogs(endpointRequest, state);
    case 'knowledge':
      return handleKnowledge(endpointRequest, state, endpoint.family);
  }
}
