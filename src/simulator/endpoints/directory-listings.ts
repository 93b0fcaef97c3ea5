/**
 * The organization and service-user listings (enterprise), cursor-paginated in listing order.
 * Service users who expired or were removed are listed only with include_inactive=true.
 */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { isActive } from '../consumer-directory.js';
import { jsonResponse, problem, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { integerParam, lastValue } from '../query-params.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './members.js';

export function handleOrganizations(request: EndpointRequest, state: ApiState): ApiResponse {
  return pagedList(request, state, 'organizations', state.data.consumers.organizations());
}

export function handleServiceUsers(request: EndpointRequest, state: ApiState): ApiResponse {
  const inactive = lastValue(request.query, 'include_inactive');
  if (inactive !== undefined && inactive !== 'true' && inactive !== 'false') {
    return validationError([{ loc: ['query', 'include_inactive'], msg: 'Input should be a valid boolean', type: 'bool_parsing', input: inactive }]);
  }
  const users = state.data.consumers
    .serviceUsers(request.scopeOrgId)
    .filter((user) => inactive === 'true' || isActive(user))
    .map(({ stoppedDay: _stopped, org_id: _org, ...item }) => item);
  return pagedList(request, state, 'service-users', users);
}

/** A small list, cursor-paginated by position. */
export function pagedList(request: EndpointRequest, state: ApiState, name: string, items: readonly unknown[]): ApiResponse {
  const issues: ValidationIssue[] = [];
  const first = integerParam(request.query, 'first', { min: 1, max: MAX_PAGE_SIZE }, issues) ?? DEFAULT_PAGE_SIZE;
  if (issues.length > 0) return validationError(issues);
  const listing = `${request.scopeOrgId ?? '*enterprise*'}/${name}`;
  const after = lastValue(request.query, 'after');
  let afterIndex = -1;
  if (after !== undefined) {
    const decoded = decodeCursor(state.seed, listing, after);
    if (decoded === undefined) return problem(400, 'Invalid pagination cursor', request.instance);
    afterIndex = decoded;
  }
  const start = afterIndex + 1;
  const page = items.slice(start, start + first);
  const hasNextPage = start + page.length < items.length;
  return jsonResponse(
    {
      items: page,
      end_cursor: hasNextPage ? encodeCursor(state.seed, listing, start + page.length - 1) : null,
      has_next_page: hasNextPage,
      total: items.length,
    },
    'directory',
    { givenAfter: after, restartCursor: encodeCursor(state.seed, listing, -1), advanceCursor: encodeCursor(state.seed, listing, afterIndex + 1) },
  );
}
