/**
 * What each fault kind puts on the wire, given the response the request would have had.
 */
import { JSON_TYPE, problem, type ApiResponse } from './api-response.js';
import { serialise, type WireResponse } from './wire-response.js';
import { REDIRECT_PREFIX } from './routes.js';
import type { FaultRule } from './types.js';

export interface FaultContext {
  token: string | undefined;
  /** Path + query exactly as received. */
  rawUrl: string;
  /** e.g. http://127.0.0.1:43123 */
  baseUrl: string;
  instance: string;
}

/** The host of 'redirect-other-host': `.invalid` never resolves, so nothing can leave the machine. */
export const OTHER_HOST_URL = 'http://localhost.invalid';
export const DEFAULT_SLOW_MS = 2_000;

const HTML_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export function retryAfterHeader(retryAfter: FaultRule['retryAfter']): Record<string, string> {
  if (retryAfter == null) return {};
  if ('seconds' in retryAfter) return { 'retry-after': String(Math.max(0, Math.ceil(retryAfter.seconds))) };
  return { 'retry-after': new Date(retryAfter.httpDate).toUTCString() };
}

function rewritePayload(response: ApiResponse, payload: unknown): WireResponse {
  return serialise({ ...response, payload });
}

function asRecord(payload: unknown): Record<string, unknown> {
  return typeof payload === 'object' && payload !== null ? { ...(payload as Record<string, unknown>) } : {};
}

/** Schema drift: numbers as strings, dates as ISO strings, items not an array. */
function wrongTypes(response: ApiResponse): unknown {
  const payload = asRecord(response.payload);
  switch (response.endpoint) {
    case 'members':
    case 'sessions':
    case 'session_messages': {
      const items = Array.isArray(payload['items']) ? (payload['items'] as unknown[]) : [];
      return { ...payload, items: Object.fromEntries(items.map((item, i) => [String(i), item])), total: String(payload['total']) };
    }
    case 'consumption': {
      const rows = Array.isArray(payload['consumption_by_date']) ? (payload['consumption_by_date'] as unknown[]) : [];
      return {
        total_acus: String(payload['total_acus']),
        consumption_by_date: rows.map((row) => {
          const record = asRecord(row);
          return {
            ...record,
            date: new Date(Number(record['date']) * 1000).toISOString(),
            acus: String(record['acus']),
          };
        }),
      };
    }
    default:
      return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, String(value)]));
  }
}

export function faultResponse(rule: FaultRule, response: ApiResponse, context: FaultContext): WireResponse {
  switch (rule.kind) {
    case '429':
      return serialise(problem(429, 'Too many requests', context.instance, retryAfterHeader(rule.retryAfter)));
    case '500':
      return serialise(problem(500, 'Internal server error', context.instance));
    case '502':
      return serialise(problem(502, 'Bad gateway', context.instance));
    case '503':
      return serialise(problem(503, 'Service temporarily unavailable', context.instance, retryAfterHeader(rule.retryAfter)));
    case 'reset': {
      const wire = serialise(response);
      return { ...wire, resetAfterBytes: Math.floor(wire.body.length / 2) };
    }
    case 'slow':
      return { ...serialise(response), delayMs: rule.delayMs ?? DEFAULT_SLOW_MS };
    case 'malformed':
      return { status: 200, headers: { 'content-type': JSON_TYPE }, body: Buffer.from('{"items": [{"user_id": "', 'utf8') };
    case 'truncated': {
      const wire = serialise(response);
      return { ...wire, status: 200, body: wire.body.subarray(0, Math.floor(wire.body.length / 2)) };
    }
    case 'html':
      return { status: 502, headers: { 'content-type': 'text/html' }, body: Buffer.from(HTML_ERROR_PAGE, 'utf8') };
    case 'no-items': {
      const { items: _items, ...rest } = asRecord(response.payload);
      return rewritePayload(response, rest);
    }
    case 'null-cursor-has-next':
      return rewritePayload(response, { ...asRecord(response.payload), end_cursor: null, has_next_page: true });
    case 'repeat-cursor': {
      const cursor = response.page?.givenAfter ?? response.page?.restartCursor ?? null;
      return rewritePayload(response, { ...asRecord(response.payload), end_cursor: cursor, has_next_page: true });
    }
    case 'wrong-types':
      return rewritePayload(response, wrongTypes(response));
    case 'echo-key': {
      const status = rule.status ?? 401;
      const detail =
        status === 401
          ? `invalid token ${context.token ?? ''}`
          : `internal error while validating token ${context.token ?? ''}`;
      return serialise(problem(status, detail, context.instance));
    }
    case 'redirect-other-host':
      return redirect(`${OTHER_HOST_URL}${context.rawUrl}`);
    case 'redirect-same-host':
      return redirect(`${context.baseUrl}/${REDIRECT_PREFIX}${context.rawUrl}`);
  }
}

function redirect(location: string): WireResponse {
  return {
    status: 307,
    headers: { location, 'content-type': JSON_TYPE },
    body: Buffer.from(JSON.stringify({ detail: 'Temporary Redirect' }), 'utf8'),
  };
}
