/**
 * When and how long to wait before retrying a request: exponential backoff with full jitter, or the
 * server's Retry-After (seconds or an HTTP date), capped so a hostile header cannot park the sync.
 */

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** First backoff ceiling; doubles on each attempt. */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** Largest wait we accept from Retry-After. */
  maxRetryAfterMs: number;
  /** Per-request budget for receiving headers and, separately, for gaps in the body. */
  requestTimeoutMs: number;
  /** Budget for one connect (DNS, TCP, TLS); default DEFAULT_CONNECT_TIMEOUT_MS, never above requestTimeoutMs. */
  connectTimeoutMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
  requestTimeoutMs: 60_000,
};

/**
 * Retries before the host has ever answered, when no connection could be made (refused, unknown
 * name, unreachable, connect timeout): a short bounded retry, in case of a blip, and then a clear
 * "check api_url". Worst case with the default connect timeout: 3 × 3 s + 250 ms + 500 ms of waits
 * (firstContactWorstCaseMs), inside SPEC §7's 15 seconds.
 */
export const FIRST_CONTACT = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 1_000 } as const;

/** The longest a dead host can hold a command: every first-contact attempt timing out, every wait at its ceiling. */
export function firstContactWorstCaseMs(connectTimeoutMs: number): number {
  let total = FIRST_CONTACT.maxAttempts * connectTimeoutMs;
  for (let attempt = 1; attempt < FIRST_CONTACT.maxAttempts; attempt += 1) {
    total += Math.min(FIRST_CONTACT.maxDelayMs, FIRST_CONTACT.baseDelayMs * 2 ** (attempt - 1));
  }
  return total;
}

/** HTTP statuses that mean "try again later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599);
}

/**
 * Retry-After in milliseconds, or undefined when absent or unreadable. RFC 9110: either a number of
 * seconds or an HTTP date. A date in the past means "now".
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names a month (and usually a weekday); without letters it is garbage such as "-1",
  // which Date.parse would happily read as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  // HTTP dates are GMT; the asctime form says no zone, and Date.parse would read it as local time.
  const date = Date.parse(/\b(GMT|UTC|UT)\b|[+-]\d{4}$/i.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * First backoff ceiling for an isolated 429 (the limiter saw no congestion) that names no wait: the
 * API is not overloaded, and a long wait would only idle one of the read's workers.
 */
export const ISOLATED_429_BASE_MS = 50;

/**
 * How long to wait before attempt number `attempt + 1` (attempt counts from 1). Full jitter spreads
 * retries of many concurrent requests; a Retry-After is honoured (capped) with a little jitter added
 * so that a burst of 429s does not come back as one burst. `isolated429`: the answer was a 429 the
 * limiter judged isolated, so the backoff starts from ISOLATED_429_BASE_MS.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number,
  isolated429 = false,
): number {
  if (retryAfterMs !== undefined) {
    const capped = Math.min(retryAfterMs, policy.maxRetryAfterMs);
    return capped + Math.floor(random() * Math.min(1_000, policy.baseDelayMs));
  }
  const base = isolated429 ? Math.min(policy.baseDelayMs, ISOLATED_429_BASE_MS) : policy.baseDelayMs;
  const ceiling = Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
