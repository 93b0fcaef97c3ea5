/**
 * `…/metrics/{dau,wau,mau}`: an array with one `{active_users, start_time, end_time}` per UTC
 * day / ISO week / UTC month overlapping [time_after, time_before) (see active-users.ts).
 * Enterprise `org_ids` (repeatable) narrows the orgs. `min_searches` is accepted and ignored:
 * the simulator has no searches.
 */
import { jsonResponse, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { integerParam } from '../query-params.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import type { ActivePeriod } from '../session-types.js';

export function handleActiveUsers(request: EndpointRequest, state: ApiState, period: ActivePeriod): ApiResponse {
  const issues: ValidationIssue[] = [];
  const timeAfter = integerParam(request.query, 'time_after', { required: true }, issues);
  const timeBefore = integerParam(request.query, 'time_before', { required: true }, issues);
  const minSessions = integerParam(request.query, 'min_sessions', { min: 0 }, issues) ?? 1;
  integerParam(request.query, 'min_searches', { min: 0 }, issues);
  if (issues.length > 0 || timeAfter === undefined || timeBefore === undefined) return validationError(issues);
  const orgIds = request.scopeOrgId === null ? request.query['org_ids'] : undefined;
  const points = state.data.sessionData.activeUsers(period, timeAfter, timeBefore, { minSessions, orgId: request.scopeOrgId, orgIds });
  return jsonResponse(points, 'active_users');
}
