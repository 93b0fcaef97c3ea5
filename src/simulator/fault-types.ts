/**
 * The simulator's fault, rate-limit and compression options (part of its public types, re-exported
 * by types.ts).
 */

export type RetryAfterMode = 'seconds' | 'http-date' | 'none';

export interface RateLimitOptions {
  ratePerSecond: number;
  /** Bucket size; default max(1, ratePerSecond). */
  burst?: number;
  /** How 429s announce the wait; default 'seconds'. */
  retryAfter?: RetryAfterMode;
}

export type FaultKind =
  | '429'
  | '500'
  | '502'
  | '503'
  | 'reset'
  | 'slow'
  | 'malformed'
  | 'truncated'
  | 'html'
  | 'no-items'
  | 'null-cursor-has-next'
  | 'repeat-cursor'
  | 'wrong-types'
  | 'echo-key'
  | 'redirect-other-host'
  | 'redirect-same-host'
  // member-list pagination shapes: a usable cursor with has_next_page missing / "true" / 1 (and
  // "false" / 0 on the last page), empty pages with fresh cursors forever, a list that stops early
  | 'has-next-missing'
  | 'has-next-string'
  | 'has-next-number'
  | 'empty-pages'
  | 'ends-early'
  // a 200 whose body nests `depth` arrays deep (default 5000)
  | 'deep-body';

/** A content coding the simulator can apply. */
export type ContentCoding = 'gzip' | 'deflate' | 'br';
/** Off (null), the best the client accepts ('auto'), or one coding when the client accepts it. */
export type SimulatorCompression = ContentCoding | 'auto' | null;

export interface FaultRule {
  kind: FaultKind;
  /** Matched against the decoded `path` (string: exact match; RegExp: test). Default: all paths. */
  path?: string | RegExp;
  /** How many requests it hits; default Infinity. */
  times?: number;
  /** Skip this many matching requests first; default 0. */
  after?: number;
  /** Chance to hit a matching request, decided by a PRNG seeded from the simulator seed; default 1. */
  probability?: number;
  /** Retry-After header on 429/503; null or absent = none. */
  retryAfter?: { seconds: number } | { httpDate: number } | null;
  /** Delay for 'slow'; default 2000 ms. */
  delayMs?: number;
  /** Status of an 'echo-key' response (401 or 500); default 401. */
  status?: 401 | 500;
  /**
   * How an 'echo-key' body carries the token: `plain` (default) right after `invalid token `; `long`
   * across character 2,000 of a longer detail, two thirds before it (where a client might cut a
   * message short);
   * `split-newline` / `split-space` cut in two by a line break or a space, as an echo wrapped over lines.
   */
  echo?: 'plain' | 'long' | 'split-newline' | 'split-space';
  /**
   * Where a redirect's Location carries the token. 'redirect-same-host': `path-upper` / `path-lower`
   * puts it fully percent-encoded (upper- or lower-case hex) as a path segment after /redirected,
   * which is no API path (the target answers 404). 'redirect-other-host': `host` makes it the first
   * label of the other host's name (a URL parser lower-cases it).
   */
  keyIn?: 'path-upper' | 'path-lower' | 'host';
  /** Nesting of a 'deep-body' answer; default 5000. */
  depth?: number;
}
