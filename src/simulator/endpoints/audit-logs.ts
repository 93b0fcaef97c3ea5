/**
 * `GET /v3/enterprise/audit-logs`: cursor-paginated, `order` asc or desc (default desc, as
 * documented), filtered by `time_after`/`time_before` (Unix seconds, half-open [after, before),
 * like the session lists; `time_before` needs `time_after`, and the span is at most 100 days)
 * unless the simulator runs in the filter-ignoring mode, where they are not even parsed.
 */
import { jsonResponse, problem, validationError, type ApiResponse, type ValidationIssue } from '../api-response.js';
import { compareAuditLogs, type StoredAuditLog } from '../audit-data.js';
import { hashInts, hashString } from '../hash.js';
import { integerParam, lastValue } from '../query-params.js';
import { pageSize } from './session-filters.js';
import type { ApiState, EndpointRequest } from '../api-state.js';

/** The documented longest span of one request. */
export const MAX_AUDIT_SPAN_SECONDS = 100 * 86_400;

interface AuditListParams {
  first: number;
  desc: boolean;
  after: number | undefined;
  before: number | undefined;
}

function listParams(request: EndpointRequest, ignoreTimeFilters: boolean): AuditListParams | ApiResponse {
  const issues: ValidationIssue[] = [];
  const first = pageSize(request, issues);
  const order = lastValue(request.query, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    issues.push({ loc: ['query', 'order'], msg: "Input should be 'asc' or 'desc'", type: 'enum', input: order, ctx: { expected: "'asc' or 'desc'" } });
  }
  const after = ignoreTimeFilters ? undefined : integerParam(request.query, 'time_after', {}, issues);
  const before = ignoreTimeFilters ? undefined : integerParam(request.query, 'time_before', {}, issues);
  if (issues.length > 0) return validationError(issues);
  if (before !== undefined && after === undefined) return problem(422, 'time_before requires time_after', request.instance);
  if (after !== undefined && before !== undefined && before - after > MAX_AUDIT_SPAN_SECONDS) {
    return problem(422, 'The time range between time_after and time_before must not exceed 100 days', request.instance);
  }
  return { first, desc: order === 'desc', after, before };
}

/** Keyset cursor: the (moment, id) of the last entry served, signed so a garbled one is refused. */
function encodeCursor(seed: number, entry: StoredAuditLog): string {
  const body = JSON.stringify([entry.ms, entry.row.audit_log_id]);
  return Buffer.from(JSON.stringify([body, hashInts(seed, hashString(body), 0xa0d1)])).toString('base64url');
}

function decodeCursor(seed: number, cursor: string): { ms: number; id: string } | undefined {
  try {
    const [body, signature] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number];
    if (typeof body !== 'string' || signature !== hashInts(seed, hashString(body), 0xa0d1)) return undefined;
    const [ms, id] = JSON.parse(body) as [number, string];
    return typeof ms === 'number' && typeof id === 'string' ? { ms, id } : undefined;
  } catch {
    return undefined;
  }
}

export function handleAuditLogs(request: EndpointRequest, state: ApiState): ApiResponse {
  const logs = state.data.auditLogs;
  const params = listParams(request, logs.ignoreTimeFilters);
  if ('status' in params) return params;
  const afterCursor = lastValue(request.query, 'after');
  const position = afterCursor === undefined ? undefined : decodeCursor(state.seed, afterCursor);
  if (afterCursor !== undefined && position === undefined) return problem(400, 'Invalid pagination cursor', request.instance);

  const matching = logs.entries().filter(
    (entry) => (params.after === undefined || entry.ms >= params.after * 1000) && (params.before === undefined || entry.ms < params.before * 1000),
  );
  if (params.desc) matching.reverse();
  const sign = params.desc ? -1 : 1;
  const rest = position === undefined ? matching : matching.filter((entry) => sign * compareAuditLogs(entry, { ms: position.ms, row: { audit_log_id: position.id } } as StoredAuditLog) > 0);
  const page = rest.slice(0, params.first);
  const hasNextPage = rest.length > page.length;
  const last = page.at(-1);
  return jsonResponse(
    {
      items: page.map((entry) => structuredClone(entry.row)),
      end_cursor: hasNextPage && last !== undefined ? encodeCursor(state.seed, last) : null,
      has_next_page: hasNextPage,
      total: matching.length,
    },
    'directory',
    { givenAfter: afterCursor, restartCursor: encodeCursor(state.seed, { ms: params.desc ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER, row: { audit_log_id: '' } } as StoredAuditLog) },
  );
}
