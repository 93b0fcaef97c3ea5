/**
 * Daily ACU consumption: the whole scope, or one user. Rows are attributed to the user's home
 * org, so an org's per-user listing is empty for a member whose home is another org.
 */
import { dayStartSeconds, SECONDS_PER_DAY } from '../../devin/billing-day.js';
import { toCents } from '../day-range.js';
import { jsonResponse, problem, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { integerParam } from '../query-params.js';
import { daysInWindow } from './time-window.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import type { ConsumptionRow } from '../types.js';

/**
 * Window length in billing days; an open bound counts as reaching the edge of the history, so a
 * limited API also rejects an unbounded request over a long history.
 */
function windowDays(state: ApiState, timeAfter: number | undefined, timeBefore: number | undefined): number {
  const after = timeAfter ?? dayStartSeconds(state.data.firstDay());
  const before = timeBefore ?? dayStartSeconds(state.data.today() + 1);
  return (before - after) / SECONDS_PER_DAY;
}

/** Whose consumption a path asks for: the scope, a member, an organization or a service user. */
export type ConsumptionTarget = 'scope' | 'user' | 'organization' | 'service-user';

export function handleConsumption(request: EndpointRequest, state: ApiState, target: ConsumptionTarget): ApiResponse {
  const issues: ValidationIssue[] = [];
  const timeAfter = integerParam(request.query, 'time_after', {}, issues);
  const timeBefore = integerParam(request.query, 'time_before', {}, issues);
  if (issues.length > 0) return validationError(issues);

  const limit = state.maxConsumptionWindowDays;
  if (limit !== null && windowDays(state, timeAfter, timeBefore) > limit) {
    return validationError([
      {
        loc: ['query', 'time_before'],
        msg: `Value error, the time window must not exceed ${limit} days`,
        type: 'value_error',
        input: timeBefore === undefined ? null : String(timeBefore),
      },
    ]);
  }

  const { fromDay, toDay } = daysInWindow(timeAfter, timeBefore);
  let rows: ConsumptionRow[];
  if (target === 'organization' || target === 'service-user') {
    const id = request.match.userId ?? '';
    const known = target === 'organization' ? state.data.consumers.hasOrganization(id) : state.data.consumers.serviceUser(id) !== undefined;
    if (!known) return problem(404, `${target === 'organization' ? 'Organization' : 'Service user'} ${id} not found`, request.instance);
    rows = target === 'organization' ? state.data.scopeConsumptionRows(fromDay, toDay, id) : state.data.serviceUserConsumptionRows(id, fromDay, toDay);
  } else if (target === 'user') {
    const userId = request.match.userId ?? '';
    const member = state.data.member(userId);
    if (member === undefined || (request.scopeOrgId !== null && !member.org_ids.includes(request.scopeOrgId))) {
      return problem(404, `User ${userId} not found`, request.instance);
    }
    rows = state.data.consumptionRows(userId, fromDay, toDay, request.scopeOrgId);
  } else {
    rows = state.data.scopeConsumptionRows(fromDay, toDay, request.scopeOrgId);
  }
  const totalCents = rows.reduce((sum, row) => sum + toCents(row.acus), 0);
  return jsonResponse({ total_acus: totalCents / 100, consumption_by_date: rows }, 'consumption');
}
