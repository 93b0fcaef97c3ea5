/**
 * The limiter's parameters and its public shapes: what the rule in limiter.ts is tuned with, kept
 * apart so that file holds the rule itself.
 */

export type RequestOutcome = 'success' | 'rate_limited' | 'failure';

/** What `acquire` hands out and `release` takes back: when and as which start a request began. */
export interface LimiterTicket {
  startedAt: number;
  seq: number;
  /** It waited for the pace: the pace, not concurrency, decided when it started. */
  paced?: boolean;
}

export interface LimiterOptions {
  maxConcurrency: number;
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
/** 429s among the last RECENT_ANSWERS answers that make a congestion event. */
export const CONGESTION_429S = 4;
/** How many recent answers (since the last cut) are looked at to tell congestion from a lone 429. */
export const RECENT_ANSWERS = 16;
/** Pace-bound seconds past K during which the cubic counts as still on the plateau around wMax. */
export const PLATEAU_SECONDS = 2.5;
/** Share of 429s among answers since the first paced 429 after a cut that says the pace is over the limit. */
export const OVERESTIMATE_SHARE = 0.05;
/** Longest that new starts wait, after a 429, for the next answer. */
export const MAX_HOLD_MS = 250;
/** Fewer successful starts than this in the measuring window: too little to estimate a rate. */
export const MIN_SAMPLE = 4;
/** Shortest time since a cut over which the accepted rate is measured (shorter is noise). */
export const MIN_SPAN_MS = 100;
/** Window over which the accepted request rate is measured. */
export const RATE_WINDOW_MS = 1_000;
/** Largest step of the cubic's clock per success (a pause in the work is not pace-bound time). */
export const MAX_GROWTH_STEP_MS = 250;
/**
 * A cut that does not raise the estimate (the limit is where it was) makes the growth past wMax
 * this many times slower, up to MAX_PROBE_STRETCH: a stable limit is probed less and less often.
 */
export const PROBE_STRETCH_STEP = 4;
export const MAX_PROBE_STRETCH = 8;
/** A cut whose estimate is more than this factor above the last one found a raised limit. */
export const RAISED_LIMIT = 1.05;
/** Slowest pace: one request every two seconds. */
export const MIN_RATE = 0.5;

export interface LimiterSnapshot {
  concurrency: number;
  inFlight: number;
  ratePerSecond: number | null;
  /** Every 429 seen. */
  rateLimitedCount: number;
  /** Congestion events (cuts). */
  cuts: number;
}

/** What `release` says about a 429: congestion (it cut, or was sent before a cut) or isolated. */
export type RateLimitVerdict = 'congestion' | 'isolated';

/** The pace `t` pace-bound seconds after a cut from `wMax`: BETA·wMax at t = 0, wMax at t = K. */
export function cubicRate(wMax: number, t: number): number {
  return Math.max(MIN_RATE, wMax * (1 + CUBIC_C * (t - CUBIC_K) ** 3));
}
