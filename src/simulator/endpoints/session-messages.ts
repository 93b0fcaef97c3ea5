/**
 * `…/sessions/{session_id}/messages`: the session's messages oldest first, cursor-paginated,
 * `total` null (as observed on the real API). The id is the API's session_id exactly (the router
 * has percent-decoded the segment); another org's session is 404 like an unknown one.
 */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { jsonResponse, problem, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { lastValue } from '../query-params.js';
import { pageSize } from './session-filters.js';
import type { ApiState, EndpointRequest } from '../api-state.js';

export function handleSessionMessages(request: EndpointRequest, state: ApiState): ApiResponse {
  const issues: ValidationIssue[] = [];
  const first = pageSize(request, issues);
  if (issues.length > 0) return validationError(issues);

  const sessionId = request.match.sessionId ?? '';
  const sessionData = state.data.sessionData;
  const session = sessionData.store.resolve(sessionId, sessionData.nowSeconds());
  // Org scope: the org in the path; enterprise scope: the optional ?org_id= must match too.
  const orgId = request.scopeOrgId ?? lastValue(request.query, 'org_id');
  if (session === undefined || (orgId !== undefined && session.stored.row.org_id !== orgId)) {
    return problem(404, `Session ${sessionId} not found`, request.instance);
  }

  const listing = `messages/${sessionId}`;
  const after = lastValue(request.query, 'after');
  let afterOrdinal = -1;
  if (after !== undefined) {
    const decoded = decodeCursor(state.seed, listing, after);
    if (decoded === undefined) return problem(400, 'Invalid pagination cursor', request.instance);
    afterOrdinal = decoded;
  }
  const total = sessionData.store.messageCount(session);
  const items = sessionData.store.messages(session, afterOrdinal + 1, first);
  const lastOrdinal = afterOrdinal + items.length;
  const hasNextPage = lastOrdinal + 1 < total;
  return jsonResponse(
    {
      items,
      end_cursor: hasNextPage ? encodeCursor(state.seed, listing, lastOrdinal) : null,
      has_next_page: hasNextPage,
      total: null,
    },
    'session_messages',
    { givenAfter: after, restartCursor: encodeCursor(state.seed, listing, -1) },
  );
}
