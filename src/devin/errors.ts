/**
 * The error taxonomy. Every error that can end a stream or a command is a ConnectorError carrying the
 * Airbyte failure type, so the front doors map it to a TRACE / CONNECTION_STATUS / stderr line without
 * guessing. Messages are one line, for a person; details go in `internal`.
 */

export type FailureType = 'config_error' | 'transient_error' | 'system_error';

export class ConnectorError extends Error {
  override name = 'ConnectorError';
  readonly failureType: FailureType;
  /** Extra detail for `internal_message` (never shown as the main message). */
  readonly internal: string | undefined;
  constructor(message: string, failureType: FailureType, internal?: string) {
    super(message);
    this.failureType = failureType;
    this.internal = internal;
  }
}

/** The API answered with a status we do not retry (401, 403, 404, 400, 422, …). */
export class ApiStatusError extends ConnectorError {
  override name = 'ApiStatusError';
  readonly status: number;
  /** The request path (no query, no host): useful in messages, never contains the key. */
  readonly path: string;
  /** `detail` (or `title`) of the error body, when the API sent one. */
  readonly detail: string | undefined;
  constructor(message: string, status: number, path: string, detail: string | undefined) {
    super(message, status === 401 || status === 403 ? 'config_error' : 'system_error', detail);
    this.status = status;
    this.path = path;
    this.detail = detail;
  }
}

/** 429, 5xx, resets, timeouts or unreadable bodies that did not clear within the retry budget. */
export class RetriesExhaustedError extends ConnectorError {
  override name = 'RetriesExhaustedError';
  readonly lastStatus: number | undefined;
  constructor(message: string, lastStatus: number | undefined, internal?: string) {
    super(message, 'transient_error', internal);
    this.lastStatus = lastStatus;
  }
}

/** No connection could be made to the host (or its proxy): refused, unknown name, unreachable, timed out. */
export class UnreachableError extends RetriesExhaustedError {
  override name = 'UnreachableError';
  /** host:port of api_url (the proxy, if any, is named in the message). */
  readonly host: string;
  constructor(message: string, host: string) {
    super(message, undefined, `host ${host}`);
    this.host = host;
  }
}

/** The API answered 200 with a body we cannot use (wrong shape, pagination loop). */
export class ResponseShapeError extends ConnectorError {
  override name = 'ResponseShapeError';
  constructor(message: string, internal?: string) {
    super(message, 'system_error', internal);
  }
}

/** The read was stopped from outside (downstream closed, a kill in tests). */
export class AbortedError extends ConnectorError {
  override name = 'AbortedError';
  constructor(message = 'the read was aborted') {
    super(message, 'system_error');
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
