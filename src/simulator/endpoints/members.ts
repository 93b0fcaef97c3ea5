/**
 * Member listings (direct `users` and `idp-users`), cursor-paginated in creation order.
 */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { isDirect, isIdp, directUserView, idpUserView } from '../member-views.js';
import { jsonResponse, problem, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { integerParam, lastValue } from '../query-params.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import type { SimulatedMember } from '../types.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;

/** Index of the first member whose creation index is greater than `afterIndex` (list is sorted). */
function firstAfter(members: readonly SimulatedMember[], afterIndex: number): number {
  let low = 0;
  let high = members.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (members[mid]!.index <= afterIndex) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function handleMembers(request: EndpointRequest, state: ApiState, listing: 'direct' | 'idp'): ApiResponse {
  const issues: ValidationIssue[] = [];
  const first = integerParam(request.query, 'first', { min: 1, max: MAX_PAGE_SIZE }, issues) ?? DEFAULT_PAGE_SIZE;
  if (issues.length > 0) return validationError(issues);

  const cursorListing = `${request.scopeOrgId ?? '*enterprise*'}/${listing}`;
  const after = lastValue(request.query, 'after');
  let afterIndex = -1;
  if (after !== undefined) {
    const decoded = decodeCursor(state.seed, cursorListing, after);
    if (decoded === undefined) return problem(400, 'Invalid pagination cursor', request.instance);
    afterIndex = decoded;
  }

  const email = lastValue(request.query, 'email');
  const inListing = listing === 'direct' ? isDirect : isIdp;
  const members = state.data
    .members(request.scopeOrgId)
    .filter((member) => inListing(member) && (email === undefined || member.email === email));

  const start = firstAfter(members, afterIndex);
  const page = members.slice(start, start + first);
  const hasNextPage = start + page.length < members.length;
  const view = listing === 'direct' ? directUserView : idpUserView;
  return jsonResponse(
    {
      items: page.map((member) => view(member, request.scopeOrgId)),
      end_cursor: hasNextPage ? encodeCursor(state.seed, cursorListing, page[page.length - 1]!.index) : null,
      has_next_page: hasNextPage,
      total: members.length,
    },
    'members',
    {
      givenAfter: after,
      restartCursor: encodeCursor(state.seed, cursorListing, -1),
      advanceCursor: encodeCursor(state.seed, cursorListing, afterIndex + 1),
    },
  );
}
