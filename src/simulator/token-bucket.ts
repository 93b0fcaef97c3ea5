/**
 * A token bucket over all requests: `ratePerSecond` tokens refill continuously up to `burst`.
 * Runs on a monotonic clock (not the data clock, which tests often freeze).
 */
import type { RateLimitOptions, RetryAfterMode } from './types.js';

export type TakeResult = { allowed: true } | { allowed: false; waitMs: number };

export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #clock: () => number;
  #tokens: number;
  #updatedAt: number;
  readonly retryAfter: RetryAfterMode;

  constructor(limit: RateLimitOptions, clock: () => number) {
    if (!(limit.ratePerSecond > 0)) throw new Error('simulator: rateLimit.ratePerSecond must be > 0');
    this.#ratePerMs = limit.ratePerSecond / 1000;
    this.#burst = limit.burst ?? Math.max(1, limit.ratePerSecond);
    this.#clock = clock;
    this.#tokens = this.#burst;
    this.#updatedAt = clock();
    this.retryAfter = limit.retryAfter ?? 'seconds';
  }

  take(): TakeResult {
    const now = this.#clock();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, waitMs: (1 - this.#tokens) / this.#ratePerMs };
  }
}

/** Retry-After for a token-bucket 429: whole seconds (at least 1), an HTTP date, or nothing. */
export function rateLimitRetryAfter(mode: RetryAfterMode, waitMs: number, wallClockMs: number): Record<string, string> {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  if (mode === 'seconds') return { 'retry-after': String(seconds) };
  // HTTP dates have whole seconds: round the instant up so the announced wait is never too short.
  const at = Math.ceil((wallClockMs + seconds * 1000) / 1000) * 1000;
  if (mode === 'http-date') return { 'retry-after': new Date(at).toUTCString() };
  return {};
}
