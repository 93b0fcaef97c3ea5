/**
 * PR metrics: counts summed over the users (all of the scope, or the repeated `user_ids`) and the
 * billing days whose 08:00Z start lies in `[time_after, time_before)`.
 */
import { jsonResponse, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { integerParam } from '../query-params.js';
import { daysInWindow } from './time-window.js';
import type { ApiState, EndpointRequest } from '../api-state.js';

export function handleMetrics(request: EndpointRequest, state: ApiState): ApiResponse {
  const issues: ValidationIssue[] = [];
  const timeAfter = integerParam(request.query, 'time_after', { required: true }, issues);
  const timeBefore = integerParam(request.query, 'time_before', { required: true }, issues);
  if (issues.length > 0) return validationError(issues);

  const { fromDay, toDay } = daysInWindow(timeAfter, timeBefore);
  const userIds = request.query['user_ids'];
  const counts = state.data.prCounts(userIds ?? null, fromDay, toDay, request.scopeOrgId);
  if (state.prTakenOverFields) return jsonResponse(counts, 'metrics');
  return jsonResponse(
    {
      prs_created_count: counts.prs_created_count,
      prs_opened_count: counts.prs_opened_count,
      prs_merged_count: counts.prs_merged_count,
      prs_closed_count: counts.prs_closed_count,
    },
    'metrics',
  );
}
