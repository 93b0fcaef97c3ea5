/**
 * Query parameters of the session lists: page size, cursor, the four time filters (Unix seconds,
 * half-open [after, before)) and, in enterprise scope, repeated `org_ids`. In the
 * filter-ignoring mode the time filters are not even parsed, as on an API that does not know them.
 */
import { validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { integerParam } from '../query-params.js';
import type { SessionFilter } from '../session-scan.js';
import type { EndpointRequest } from '../api-state.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './members.js';

const TIME_FILTERS = ['created_after', 'created_before', 'updated_after', 'updated_before'] as const;

export interface SessionListParams {
  first: number;
  filter: SessionFilter;
}

export function pageSize(request: EndpointRequest, issues: ValidationIssue[]): number {
  return integerParam(request.query, 'first', { min: 1, max: MAX_PAGE_SIZE }, issues) ?? DEFAULT_PAGE_SIZE;
}

export function sessionListParams(request: EndpointRequest, ignoreTimeFilters: boolean): SessionListParams | ApiResponse {
  const issues: ValidationIssue[] = [];
  const first = pageSize(request, issues);
  const times: Partial<Record<(typeof TIME_FILTERS)[number], number>> = {};
  if (!ignoreTimeFilters) {
    for (const name of TIME_FILTERS) {
      const value = integerParam(request.query, name, {}, issues);
      if (value !== undefined) times[name] = value;
    }
  }
  if (issues.length > 0) return validationError(issues);
  let orgIds: ReadonlySet<string> | null = null;
  if (request.scopeOrgId !== null) orgIds = new Set([request.scopeOrgId]);
  else if (request.query['org_ids'] !== undefined) orgIds = new Set(request.query['org_ids']);
  return {
    first,
    filter: {
      orgIds,
      createdAfter: times.created_after,
      createdBefore: times.created_before,
      updatedAfter: times.updated_after,
      updatedBefore: times.updated_before,
    },
  };
}
