/**
 * One limiter for every request of a read, shared by all streams.
 *
 * Two controls, both adaptive:
 * - concurrency (AIMD): the number of requests in flight grows by one per "round" of good answers
 *   and halves on a 429, never above `maxConcurrency`;
 * - pacing: after the first 429 the limiter knows the API is rate-limited, so it spaces request
 *   starts at a learned rate (the rate that was being accepted, minus a margin), lets it creep up
 *   while answers are good and the pace is what holds requests back, and cuts it again on the next
 *   429. A rate-limited API is then used close to its limit without a 429 storm.
 */

export type RequestOutcome = 'success' | 'rate_limited' | 'failure';

export interface LimiterOptions {
  maxConcurrency: number;
  initialConcurrency?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Rate multiplier applied on a 429. */
const DECREASE_FACTOR = 0.85;
/** Each good answer raises the pace by this many requests per second (≈ +2 %/s at any rate). */
const INCREASE_PER_SUCCESS = 0.02;
/** Decreases closer together than this count as one congestion event. */
const DECREASE_COOLDOWN_MS = 1_000;
/** Window over which the accepted request rate is measured. */
const RATE_WINDOW_MS = 1_000;

export interface LimiterSnapshot {
  concurrency: number;
  inFlight: number;
  ratePerSecond: number | null;
  rateLimitedCount: number;
}

export class AdaptiveLimiter {
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private concurrency: number;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  private rate = Number.POSITIVE_INFINITY;
  private nextStartAt = 0;
  private paceWasBinding = false;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly recentSuccesses: number[] = [];
  private rateLimitedCount = 0;

  constructor(options: LimiterOptions) {
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency));
    this.concurrency = Math.min(this.maxConcurrency, Math.max(1, options.initialConcurrency ?? this.maxConcurrency));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits for a slot (and for the pace); the caller must call `release` exactly once afterwards. */
  async acquire(): Promise<void> {
    while (this.inFlight >= Math.floor(this.concurrency)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.inFlight += 1;
    if (Number.isFinite(this.rate)) {
      const now = this.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.nextStartAt = startAt + 1_000 / this.rate;
      if (startAt > now) {
        this.paceWasBinding = true;
        await this.sleep(startAt - now);
      }
    }
  }

  release(outcome: RequestOutcome): void {
    this.inFlight -= 1;
    const now = this.now();
    if (outcome === 'success') this.onSuccess(now);
    else if (outcome === 'rate_limited') this.onRateLimited(now);
    this.wake();
  }

  snapshot(): LimiterSnapshot {
    return {
      concurrency: Math.floor(this.concurrency),
      inFlight: this.inFlight,
      ratePerSecond: Number.isFinite(this.rate) ? this.rate : null,
      rateLimitedCount: this.rateLimitedCount,
    };
  }

  private onSuccess(now: number): void {
    this.recentSuccesses.push(now);
    while (this.recentSuccesses.length > 0 && (this.recentSuccesses[0] as number) < now - RATE_WINDOW_MS) {
      this.recentSuccesses.shift();
    }
    this.concurrency = Math.min(this.maxConcurrency, this.concurrency + 1 / this.concurrency);
    // Grow the pace only while it is what holds requests back; otherwise it would drift far above
    // the real limit unnoticed and the next burst would be a storm.
    if (Number.isFinite(this.rate) && this.paceWasBinding) {
      this.rate += INCREASE_PER_SUCCESS;
      this.paceWasBinding = false;
    }
  }

  private onRateLimited(now: number): void {
    this.rateLimitedCount += 1;
    if (now - this.lastDecreaseAt < DECREASE_COOLDOWN_MS) return;
    this.lastDecreaseAt = now;
    this.concurrency = Math.max(1, this.concurrency / 2);
    const accepted = this.recentSuccesses.filter((t) => t >= now - RATE_WINDOW_MS).length * (1_000 / RATE_WINDOW_MS);
    const basis = Number.isFinite(this.rate) ? Math.min(this.rate, Math.max(accepted, 1)) : Math.max(accepted, 1);
    this.rate = Math.max(0.5, basis * DECREASE_FACTOR);
    // Give the API a moment to refill before the paced requests resume.
    this.nextStartAt = Math.max(this.nextStartAt, now + 1_000 / this.rate);
  }

  private wake(): void {
    let free = Math.floor(this.concurrency) - this.inFlight;
    while (free > 0 && this.waiters.length > 0) {
      (this.waiters.shift() as () => void)();
      free -= 1;
    }
  }
}
