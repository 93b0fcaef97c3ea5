/**
 * A response before it is written: handlers build these, faults transform them, the server
 * writes them. Keeping the payload as a value (not bytes) lets schema-drift faults rewrite it.
 */
import { STATUS_CODES } from 'node:http';

export const JSON_TYPE = 'application/json';
export const PROBLEM_TYPE = 'application/problem+json';

/** Facts about a list page that the pagination faults need. */
export interface PageInfo {
  /** The `after` the client sent, if any. */
  givenAfter: string | undefined;
  /** A cursor that points back to the first page (used to loop when no cursor was given). */
  restartCursor: string;
  /** A valid cursor never given before in a walk: one member index past `givenAfter` ('empty-pages'). */
  advanceCursor?: string;
}

export type EndpointKind = 'self' | 'members' | 'consumption' | 'metrics' | 'sessions' | 'session_messages' | 'active_users' | 'directory';

export interface ApiResponse {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  /** Serialised as JSON when sent. */
  payload: unknown;
  /** Which endpoint answered successfully (undefined for errors / unknown paths). */
  endpoint?: EndpointKind;
  page?: PageInfo;
}

export function jsonResponse(payload: unknown, endpoint?: EndpointKind, page?: PageInfo): ApiResponse {
  return { status: 200, contentType: JSON_TYPE, headers: {}, payload, endpoint, page };
}

/** RFC 9457 ProblemDetail, as newer Devin builds return for 4xx/5xx. */
export function problem(
  status: number,
  detail: string,
  instance: string,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    contentType: PROBLEM_TYPE,
    headers,
    payload: { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, instance },
  };
}

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** FastAPI's HTTPValidationError, which Devin returns for bad or missing query parameters. */
export function validationError(issues: ValidationIssue[]): ApiResponse {
  return { status: 422, contentType: JSON_TYPE, headers: {}, payload: { detail: issues } };
}
