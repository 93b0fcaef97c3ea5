/**
 * One limiter for every request of a read, shared by all streams.
 *
 * The rule: slow down for congestion, not for a 429. A 429 is a congestion event when
 * - 429s cluster: CONGESTION_429S of the last RECENT_ANSWERS answers (since the last cut) said 429 —
 *   a token bucket whose burst is spent refuses one request after another; or
 * - a request that waited for the pace is refused while the pace is back at (or past) the rate the
 *   API accepted at the last cut, or twice at a share that random refusals would not reach: the
 *   pace is over a known limit (a token bucket refuses every few requests of a pace a little above it).
 * Any other 429 is isolated (a busy API or proxy refusing now and then): it changes neither
 * concurrency nor pace. The client retries that request after its Retry-After (or a short backoff),
 * and new starts wait only for the next answer (a good one ends the hold). At 1.5 % random 429s a
 * false cluster is ~1 in 800 of them; under a real limit the cluster forms within a few answers.
 *
 * On a congestion event, both controls adapt:
 * - concurrency (AIMD): halves; grows back by about one per "round" of good answers, never above
 *   `maxConcurrency`;
 * - pacing: request starts are spaced at BETA × the rate the API was accepting (`wMax`); while
 *   answers are good and the pace is what holds requests back, it grows back along a cubic (as TCP
 *   CUBIC does): quickly at first, flat around `wMax`, quickly again beyond it. A stable limit is
 *   probed gently; a limit that was underestimated or raised is found again within seconds.
 * - a cut that does not raise the estimate says the limit is where it was: past wMax the pace then
 *   grows PROBE_STRETCH_STEP times slower (up to MAX_PROBE_STRETCH), so a stable limit is probed
 *   (one refused request each time) less and less often; a cut that raises it resets that. On the
 *   plateau the estimate is the rate accepted over the whole time since the last cut (the pace was
 *   under the limit, then over it until the API's savings were spent: that average is the limit).
 * - the first estimate includes the API's burst allowance: one refusal of a pace below it cuts
 *   again (after later cuts, two: a random 429 must not cut a pace that holds).
 * 429s of requests started before the last cut say nothing new (they were sent at the old pace): a
 * burst of 429s from the requests in flight is one event.
 *
 * "The rate the API was accepting" is measured on request *starts* (see `acceptedRate`).
 * Time is a monotonic clock (never the data clock, which tests freeze to fix "today").
 */
import { performance } from 'node:perf_hooks';
import {
  BETA, CUBIC_K, CONGESTION_429S, RECENT_ANSWERS, PLATEAU_SECONDS, OVERESTIMATE_SHARE, MAX_HOLD_MS,
  MIN_SAMPLE, MIN_SPAN_MS, RATE_WINDOW_MS, MAX_GROWTH_STEP_MS, PROBE_STRETCH_STEP, MAX_PROBE_STRETCH,
  RAISED_LIMIT, MIN_RATE, cubicRate, type RequestOutcome, type LimiterTicket, type LimiterOptions,
  type LimiterSnapshot, type RateLimitVerdict,
} from './limiter-params.js';

// The parameters and shapes other modules use, where they always were.
export { BETA, CONGESTION_429S, CUBIC_K, RECENT_ANSWERS, cubicRate } from './limiter-params.js';
export type { LimiterOptions, LimiterSnapshot, LimiterTicket, RateLimitVerdict, RequestOutcome } from './limiter-params.js';

export class AdaptiveLimiter {
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly holdSleep: (ms: number) => Promise<void>;
  private concurrency: number;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  /** Request starts per second; Infinity until the first measurable congestion event. */
  private rate = Number.POSITIVE_INFINITY;
  /** The accepted rate measured at the last cut. */
  private wMax = Number.POSITIVE_INFINITY;
  /** Pace-bound seconds since the last cut: the cubic's clock. */
  private pacedSeconds = 0;
  /** How many times slower than the cubic the pace grows past wMax (see PROBE_STRETCH_STEP). */
  private probeStretch = 1;
  private lastGrowthAt = 0;
  private nextStartAt = 0;
  private paceWasBinding = false;
  private started = 0;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private cutSeq = Number.NEGATIVE_INFINITY;
  /** The last RECENT_ANSWERS answers to requests started since the last cut: true = 429. */
  private readonly recent: boolean[] = [];
  private recent429s = 0;
  /** 429s of requests that waited for the pace since the last cut, and answers since the first. */
  private paced429s = 0;
  private answersSincePaced429 = 0;
  /** When the first 429 since the last cut started (the API's allowance was spent by then). */
  private first429At: number | undefined;
  /**
   * After a 429, new starts wait for the next answer of a request in flight: a good one ends the
   * hold (an isolated 429 costs other requests a fraction of a round trip), more 429s make the
   * cluster that cuts — without sending more into a limit that is refusing. At most MAX_HOLD_MS:
   * the requests in flight may all be slow ones.
   */
  private holding = false;
  private holds = 0;
  /** Start times of recent successful requests. */
  private readonly successStarts: number[] = [];
  /** Successful requests started since the last cut. */
  private successesSinceCut = 0;
  private rateLimitedCount = 0;
  private cuts = 0;

  constructor(options: LimiterOptions) {
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency));
    this.concurrency = this.maxConcurrency;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // Nothing awaits the end of a hold: its timer must not keep the process alive after the read.
    this.holdSleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  /**
   * Waits for a slot (and for the pace). The caller passes the ticket back to `release` exactly
   * once, when the request is over.
   */
  async acquire(): Promise<LimiterTicket> {
    while (this.inFlight >= Math.floor(this.concurrency) || this.holding) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.inFlight += 1;
    let paced = false;
    // Reserve a start time on the pace's schedule. A cut while waiting voids the reservations made
    // at the old pace (they would arrive as one more burst of 429s): reserve again on the new one.
    while (Number.isFinite(this.rate)) {
      const now = this.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.nextStartAt = startAt + 1_000 / this.rate;
      if (startAt <= now) break;
      this.paceWasBinding = true;
      paced = true;
      const cuts = this.cuts;
      await this.sleep(startAt - now);
      if (cuts === this.cuts) break;
    }
    return { startedAt: this.now(), seq: this.started++, paced };
  }

  /**
   * Ends a request; without a ticket it counts as one that started just now. For a 429, says whether
   * it was part of congestion or an isolated one (the client retries an isolated one sooner).
   */
  release(outcome: RequestOutcome, ticket?: LimiterTicket): RateLimitVerdict | undefined {
    this.inFlight -= 1;
    const now = this.now();
    const started = ticket ?? { startedAt: now, seq: this.started };
    let verdict: RateLimitVerdict | undefined;
    if (outcome === 'success') this.onSuccess(now, started);
    else if (outcome === 'rate_limited') verdict = this.onRateLimited(now, started);
    else this.holding = false;
    if (this.inFlight === 0) this.holding = false; // no answer is coming to end the hold
    this.wake();
    return verdict;
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
    this.holding = false;
    if (ticket.seq >= this.cutSeq) {
      this.remember(false);
      this.successesSinceCut += 1;
    }
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
        this.rate = Math.max(this.rate, cubicRate(this.wMax, this.cubicSeconds()));
        this.paceWasBinding = false;
      }
      this.lastGrowthAt = now;
    }
  }

  /** Keeps the last RECENT_ANSWERS answers (true = 429) and how many of them were 429s. */
  private remember(rateLimited: boolean): void {
    if (this.paced429s > 0) this.answersSincePaced429 += 1;
    this.recent.push(rateLimited);
    if (rateLimited) this.recent429s += 1;
    if (this.recent.length > RECENT_ANSWERS && this.recent.shift()) this.recent429s -= 1;
  }

  private onRateLimited(now: number, ticket: LimiterTicket): RateLimitVerdict {
    this.rateLimitedCount += 1;
    // Sent at the old pace, before the last cut: part of the congestion already acted on.
    if (ticket.seq < this.cutSeq) return 'congestion';
    if (ticket.paced === true) this.paced429s += 1;
    this.remember(true);
    this.first429At ??= ticket.startedAt;
    this.hold();
    const overPace = ticket.paced === true && (this.pacedSeconds >= CUBIC_K || this.overEstimated());
    if (this.recent429s < CONGESTION_429S && !overPace) return 'isolated';
    this.cut(now, ticket);
    return 'congestion';
  }

  private cut(now: number, ticket: LimiterTicket): void {
    this.cuts += 1;
    this.recent.length = 0;
    this.recent429s = 0;
    this.paced429s = 0;
    this.answersSincePaced429 = 0;
    this.holding = false;
    this.concurrency = Math.max(1, this.concurrency / 2);
    const accepted = this.acceptedRate(ticket.startedAt, this.first429At);
    this.first429At = undefined;
    if (Number.isFinite(this.rate)) {
      // Paced and still refused: never speed up on a cut; with nothing to measure, the API accepts
      // (almost) nothing, so crawl. Refused on the plateau around the last wMax: that estimate
      // stands (the rate measured now includes what the API saved up while the pace was below it).
      const onPlateau = this.cubicSeconds() < CUBIC_K + PLATEAU_SECONDS;
      const plateau = onPlateau ? this.wMax : Number.POSITIVE_INFINITY;
      // On the plateau, the rate accepted over the whole time since the last cut is the limit's
      // own: the pace was under it, then over it until what the API had saved up was spent.
      const sinceCut = now - this.lastCutAt;
      const cycle = onPlateau && sinceCut >= RATE_WINDOW_MS ? (this.successesSinceCut * 1_000) / sinceCut : Number.POSITIVE_INFINITY;
      const previous = this.wMax;
      this.wMax = Math.min(this.rate, accepted ?? 1, plateau, cycle);
      this.probeStretch = this.wMax > previous * RAISED_LIMIT ? 1 : Math.min(MAX_PROBE_STRETCH, this.probeStretch * PROBE_STRETCH_STEP);
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
    this.successesSinceCut = 0;
  }

  /** The cubic's clock: pace-bound seconds, past K slowed down by the probe stretch. */
  private cubicSeconds(): number {
    return this.pacedSeconds <= CUBIC_K ? this.pacedSeconds : CUBIC_K + (this.pacedSeconds - CUBIC_K) / this.probeStretch;
  }

  /**
   * The pace is below the rate accepted at the last cut, yet its own requests are refused more than
   * now and then: that rate was an overestimate (a burst allowance inflated it), so cut again.
   */
  private overEstimated(): boolean {
    // The first estimate is the least sure: measured while the API's burst allowance was being
    // spent, it includes that allowance. One refusal of the pace below it already says so.
    const refusals = this.cuts === 1 ? 1 : 2;
    return this.paced429s >= refusals && this.paced429s >= OVERESTIMATE_SHARE * this.answersSincePaced429;
  }

  /**
   * The rate the API was accepting before `until`, in successful starts per second:
   * - since the first 429 after the last cut, when that is long and rich enough to measure: the
   *   allowance was spent by then, so this is the limit's own rate;
   * - else since the last cut, when that is under a second ago and long and rich enough to measure
   *   (a burst granted before the cut must not count: it would hide that the pace is still too high);
   * - else over the last whole second, even when the read is younger: right when the API's burst
   *   allowance is about one second's worth, which is common, and too low otherwise, which the
   *   cubic growth corrects within seconds;
   * - undefined when fewer than MIN_SAMPLE starts succeeded in that second.
   */
  private acceptedRate(until: number, first429At: number | undefined): number | undefined {
    const windowStart = until - RATE_WINDOW_MS;
    const count = (from: number): number => this.successStarts.filter((t) => t > from && t <= until).length;
    for (const from of [first429At, this.lastCutAt]) {
      if (from === undefined || from <= windowStart || until - from < MIN_SPAN_MS) continue;
      const since = count(from);
      if (since >= MIN_SAMPLE) return (since * 1_000) / (until - from);
    }
    const lastSecond = count(windowStart);
    return lastSecond >= MIN_SAMPLE ? (lastSecond * 1_000) / RATE_WINDOW_MS : undefined;
  }

  private hold(): void {
    this.holding = true;
    const hold = ++this.holds;
    void this.holdSleep(MAX_HOLD_MS).then(() => {
      if (hold !== this.holds || !this.holding) return;
      this.holding = false;
      this.wake();
    });
  }

  private wake(): void {
    if (this.holding) return;
    let free = Math.floor(this.concurrency) - this.inFlight;
    while (free > 0 && this.waiters.length > 0) {
      (this.waiters.shift() as () => void)();
      free -= 1;
    }
  }
}
