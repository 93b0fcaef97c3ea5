/**
 * One limiter for every request of a read, shared by all streams.
 *
 * Two controls, both adaptive:
 * - concurrency (AIMD): the number of requests in flight grows by about one per "round" of good
 *   answers and halves on each congestion event (a 429), never above `maxConcurrency`;
 * - pacing: after the first 429 the limiter knows the API is rate-limited, so it spaces request
 *   starts at a learned rate. On a congestion event the rate drops to BETA × the rate the API was
 *   accepting (`wMax`); while answers are good and the pace is what holds requests back, it grows
 *   back along a cubic (as TCP CUBIC does): quickly at first, flat around `wMax` — where the last
 *   429 came from — and quickly again beyond it. A stable limit is probed gently; a limit that was
 *   underestimated or raised is found again within seconds.
 *
 * What counts as one congestion event: 429s of requests that started before the last cut, or among
 * the first MIN_STARTS_BETWEEN_CUTS starts after it, say nothing new (they were sent at the old
 * pace, or the new pace has not been tried yet). So a burst of 429s from the requests in flight is one
 * event, and a pace that is still too high is cut again as soon as it has been tried.
 *
 * "The rate the API was accepting" is measured on request *starts*: successful starts per second
 * over the last second or since the last cut, whichever is shorter. Measured since the last cut, a
 * burst allowance the API granted earlier cannot inflate it.
 *
 * Time is a monotonic clock (never the data clock, which tests freeze to fix "today").
 */
import { performance } from 'node:perf_hooks';

export type RequestOutcome = 'success' | 'rate_limited' | 'failure';

/** What `acquire` hands out and `release` takes back: when and as which start a request began. */
export interface LimiterTicket {
  startedAt: number;
  seq: number;
}

export interface LimiterOptions {
  maxConcurrency: number;
  initialConcurrency?: number;
  /** Monotonic milliseconds; default performance.now. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Rate multiplier applied on a congestion event (to the rate that was being accepted). */
export const BETA = 0.85;
/** Shape of the growth: rate(t) = wMax · (1 + CUBIC_C · (t − K)³), t in pace-bound seconds. */
export const CUBIC_C = 0.04;
/** Pace-bound seconds after a cut at which the rate is back at wMax (≈ 1.55 s). */
export const CUBIC_K = Math.cbrt((1 - BETA) / CUBIC_C);
/** Starts after a cut whose 429s do not cut again (the new pace must have been tried first). */
export const MIN_STARTS_BETWEEN_CUTS = 8;
/** Fewer successful starts than this in the measuring window: too little to estimate a rate. */
const MIN_SAMPLE = 4;
/** Shortest time since a cut over which the accepted rate is measured (shorter is noise). */
const MIN_SPAN_MS = 100;
/** Window over which the accepted request rate is measured. */
const RATE_WINDOW_MS = 1_000;
/** Largest step of the cubic's clock per success (a pause in the work is not pace-bound time). */
const MAX_GROWTH_STEP_MS = 250;
/** Slowest pace: one request every two seconds. */
export const MIN_RATE = 0.5;

export interface LimiterSnapshot {
  concurrency: number;
  inFlight: number;
  ratePerSecond: number | null;
  /** Every 429 seen. */
  rateLimitedCount: number;
  /** 429s that counted as congestion events (cuts). */
  cuts: number;
}

export class AdaptiveLimiter {
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private concurrency: number;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  /** Request starts per second; Infinity until the first measurable congestion event. */
  private rate = Number.POSITIVE_INFINITY;
  /** The accepted rate measured at the last cut. */
  private wMax = Number.POSITIVE_INFINITY;
  /** Pace-bound seconds since the last cut: the cubic's clock. */
  private pacedSeconds = 0;
  private lastGrowthAt = 0;
  private nextStartAt = 0;
  private paceWasBinding = false;
  private started = 0;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private cutSeq = Number.NEGATIVE_INFINITY;
  /** Start times of recent successful requests. */
  private readonly successStarts: number[] = [];
  private rateLimitedCount = 0;
  private cuts = 0;

  constructor(options: LimiterOptions) {
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency));
    this.concurrency = Math.min(this.maxConcurrency, Math.max(1, options.initialConcurrency ?? this.maxConcurrency));
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Waits for a slot (and for the pace). The caller passes the ticket back to `release` exactly
   * once, when the request is over.
   */
  async acquire(): Promise<LimiterTicket> {
    while (this.inFlight >= Math.floor(this.concurrency)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.inFlight += 1;
    // Reserve a start time on the pace's schedule. A cut while waiting voids the reservations made
    // at the old pace (they would arrive as one more burst of 429s): reserve again on the new one.
    while (Number.isFinite(this.rate)) {
      const now = this.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.nextStartAt = startAt + 1_000 / this.rate;
      if (startAt <= now) break;
      this.paceWasBinding = true;
      const cuts = this.cuts;
      await this.sleep(startAt - now);
      if (cuts === this.cuts) break;
    }
    return { startedAt: this.now(), seq: this.started++ };
  }

  /** Ends a request; without a ticket it counts as one that started just now. */
  release(outcome: RequestOutcome, ticket?: LimiterTicket): void {
    this.inFlight -= 1;
    const now = this.now();
    const started = ticket ?? { startedAt: now, seq: this.started };
    if (outcome === 'success') this.onSuccess(now, started);
    else if (outcome === 'rate_limited') this.onRateLimited(now, started);
    this.wake();
  }

  snapshot(): LimiterSnapshot {
    return {
      concurrency: Math.floor(this.concurrency),
      inFlight: this.inFlight,
      ratePerSecond: Number.isFinite(this.rate) ? this.rate : null,
      rateLimitedCount: this.rateLimitedCount,
      cuts: this.cuts,
    };
  }

  private onSuccess(now: number, ticket: LimiterTicket): void {
    this.successStarts.push(ticket.startedAt);
    while (this.successStarts.length > 0 && (this.successStarts[0] as number) < now - 2 * RATE_WINDOW_MS) {
      this.successStarts.shift();
    }
    this.concurrency = Math.min(this.maxConcurrency, this.concurrency + 1 / this.concurrency);
    // Grow the pace only while it is what holds requests back; otherwise it would drift far above
    // the real limit unnoticed and the next burst would be a storm.
    if (Number.isFinite(this.rate)) {
      if (this.paceWasBinding) {
        this.pacedSeconds += Math.min(now - this.lastGrowthAt, MAX_GROWTH_STEP_MS) / 1_000;
        this.rate = Math.max(this.rate, cubicRate(this.wMax, this.pacedSeconds));
        this.paceWasBinding = false;
      }
      this.lastGrowthAt = now;
    }
  }

  private onRateLimited(now: number, ticket: LimiterTicket): void {
    this.rateLimitedCount += 1;
    if (ticket.seq < this.cutSeq + MIN_STARTS_BETWEEN_CUTS) return;
    this.cuts += 1;
    this.concurrency = Math.max(1, this.concurrency / 2);
    const accepted = this.acceptedRate(ticket.startedAt);
    if (Number.isFinite(this.rate)) {
      // Paced and still refused: never speed up on a cut; with nothing to measure, the API accepts
      // (almost) nothing, so crawl (the cubic climbs back once answers are good again).
      this.wMax = Math.min(this.rate, accepted ?? 1);
    } else if (accepted !== undefined) {
      this.wMax = accepted;
    }
    if (Number.isFinite(this.wMax)) {
      this.rate = Math.max(MIN_RATE, BETA * this.wMax);
      this.pacedSeconds = 0;
      this.lastGrowthAt = now;
      // Give the API a moment to refill before the paced requests resume, and drop the schedule
      // made at the old pace (waiters reserve again).
      this.nextStartAt = now + 1_000 / this.rate;
    }
    this.lastCutAt = now;
    this.cutSeq = this.started;
  }

  /**
   * The rate the API was accepting before `until`, in successful starts per second:
   * - since the last cut, when that is under a second ago and long and rich enough to measure (a
   *   burst granted before the cut must not count: it would hide that the pace is still too high);
   * - else over the last whole second, even when the read is younger: right when the API's burst
   *   allowance is about one second's worth, which is common, and too low otherwise, which the
   *   cubic growth corrects within seconds;
   * - undefined when fewer than MIN_SAMPLE starts succeeded in that second.
   */
  private acceptedRate(until: number): number | undefined {
    const windowStart = until - RATE_WINDOW_MS;
    const count = (from: number): number => this.successStarts.filter((t) => t > from && t <= until).length;
    if (this.lastCutAt > windowStart && until - this.lastCutAt >= MIN_SPAN_MS) {
      const sinceCut = count(this.lastCutAt);
      if (sinceCut >= MIN_SAMPLE) return (sinceCut * 1_000) / (until - this.lastCutAt);
    }
    const lastSecond = count(windowStart);
    return lastSecond >= MIN_SAMPLE ? (lastSecond * 1_000) / RATE_WINDOW_MS : undefined;
  }

  private wake(): void {
    let free = Math.floor(this.concurrency) - this.inFlight;
    while (free > 0 && this.waiters.length > 0) {
      (this.waiters.shift() as () => void)();
      free -= 1;
    }
  }
}

/** The pace `t` pace-bound seconds after a cut from `wMax`: BETA·wMax at t = 0, wMax at t = K. */
export function cubicRate(wMax: number, t: number): number {
  return Math.max(MIN_RATE, wMax * (1 + CUBIC_C * (t - CUBIC_K) ** 3));
}
