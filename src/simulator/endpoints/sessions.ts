/**
 * `…/sessions` and `…/sessions/insights`: cursor-paginated, newest first by created_at (the real
 * order is undocumented; the connector must not rely on it), filtered by the time filters unless
 * the simulator runs in the filter-ignoring mode.
 */
import { problem, jsonResponse, type ApiResponse } from '../api-response.js';
import { lastValue } from '../query-params.js';
import { decodeSessionCursor, encodeSessionCursor } from '../session-cursor.js';
import { withInsights } from '../session-generator.js';
import { sessionListParams } from './session-filters.js';
import type { ApiState, EndpointRequest } from '../api-state.js';
import type { SessionKey } from '../session-scan.js';

export function handleSessions(request: EndpointRequest, state: ApiState, insights: boolean): ApiResponse {
  const params = sessionListParams(request, state.sessionsIgnoreTimeFilters);
  if ('status' in params) return params;
  const listing = `${request.scopeOrgId ?? '*enterprise*'}/${insights ? 'sessions-insights' : 'sessions'}`;
  const after = lastValue(request.query, 'after');
  let afterKey: SessionKey | undefined;
  if (after !== undefined) {
    afterKey = decodeSessionCursor(state.seed, listing, after);
    if (afterKey === undefined) return problem(400, 'Invalid pagination cursor', request.instance);
  }

  const store = state.data.sessionData.store;
  const now = state.data.sessionData.nowSeconds();
  const items: unknown[] = [];
  let lastKey: SessionKey | undefined;
  let hasNextPage = false;
  for (const candidate of store.scan(params.filter, now, afterKey)) {
    if (items.length === params.first) {
      hasNextPage = true;
      break;
    }
    const { stored } = store.materialise(candidate);
    // Stored rows may carry fields a test added (a newer API's), so only generated ones are copied field by field.
    items.push(insights ? (candidate.kind === 'generated' ? withInsights(stored.row, stored.extras) : { ...stored.row, ...stored.extras }) : stored.row);
    lastKey = candidate.key;
  }
  return jsonResponse(
    {
      items,
      end_cursor: hasNextPage && lastKey !== undefined ? encodeSessionCursor(state.seed, listing, lastKey) : null,
      has_next_page: hasNextPage,
      total: store.count(params.filter, now),
    },
    'sessions',
    { givenAfter: after, restartCursor: encodeSessionCursor(state.seed, listing, { created: 0xffff_ffff, tie: 0xffff_ffff }) },
  );
}
