/**
 * The adaptive limiter (SPEC §9 "Concurrency") on a fake clock: never more than max_concurrency in
 * flight; halves on a 429 and grows back on good answers; paces request starts once the API has
 * said 429, at the rate it was accepting, and grows that pace back along a cubic; a burst of 429s
 * from requests already in flight is one congestion event; and, against a simulated token bucket in
 * fake time, it uses the limit closely with few 429s.
 */
import { describe, expect, it } from 'vitest';
import {
  AdaptiveLimiter,
  BETA,
  CUBIC_K,
  MIN_STARTS_BETWEEN_CUTS,
  cubicRate,
  type LimiterTicket,
  type RequestOutcome,
} from '../../src/devin/limiter.js';

/** Fake time: `sleep` parks until `advance` moves the clock past its due time. */
class FakeClock {
  t = 0;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve }));

  /** Lets every pending promise continuation run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.settle();
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.t = due.at;
      due.resolve();
      await this.settle();
    }
    this.t = end;
    await this.settle();
  }

  /** Moves the clock to the next timer (false when none is waiting). */
  async advanceToNext(): Promise<boolean> {
    await this.settle();
    const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
    if (!next) return false;
    await this.advance(next.at - this.t);
    return true;
  }
}

function limiterWith(clock: FakeClock, maxConcurrency: number): AdaptiveLimiter {
  return new AdaptiveLimiter({ maxConcurrency, now: clock.now, sleep: clock.sleep });
}

/** Starts `count` acquires; `started` fills as they get through. */
function acquireMany(limiter: AdaptiveLimiter, count: number): { started: LimiterTicket[]; startTimes: number[]; clock?: FakeClock } {
  const started: LimiterTicket[] = [];
  const startTimes: number[] = [];
  for (let i = 0; i < count; i += 1) {
    void limiter.acquire().then((ticket) => {
      started.push(ticket);
      startTimes.push(ticket.startedAt);
    });
  }
  return { started, startTimes };
}

/** One acquire, moving fake time on as far as the pace makes it wait. */
async function startOne(limiter: AdaptiveLimiter, clock: FakeClock): Promise<LimiterTicket> {
  let ticket: LimiterTicket | undefined;
  void limiter.acquire().then((t) => (ticket = t));
  await clock.settle();
  while (!ticket) {
    if (!(await clock.advanceToNext())) throw new Error('the limiter never let the request start');
  }
  return ticket;
}

/** Runs `n` requests one after another (each `ms` long) with the given outcome. */
async function runSequential(limiter: AdaptiveLimiter, clock: FakeClock, n: number, ms: number, outcome: RequestOutcome): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const ticket = await startOne(limiter, clock);
    await clock.advance(ms);
    limiter.release(outcome, ticket);
  }
}

describe('concurrency', () => {
  it('never lets more than max_concurrency requests in flight', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 5);
    const { started } = acquireMany(limiter, 40);
    await clock.settle();
    expect(started).toHaveLength(5);
    let released = 0;
    while (released < 40) {
      expect(limiter.snapshot().inFlight).toBeLessThanOrEqual(5);
      const ticket = started[released] as LimiterTicket;
      limiter.release('success', ticket);
      released += 1;
      await clock.settle();
      expect(started.length - released).toBeLessThanOrEqual(5);
    }
    expect(started).toHaveLength(40);
    expect(limiter.snapshot().inFlight).toBe(0);
  });

  it('halves on a 429 and grows back by about one per round of good answers, up to the maximum', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 8);
    expect(limiter.snapshot().concurrency).toBe(8);
    const ticket = await limiter.acquire();
    limiter.release('rate_limited', ticket);
    expect(limiter.snapshot().concurrency).toBe(4);
    // +1/c per good answer: about c answers per step (additive increase), 4 → 8 in about 4+5+6+7.
    let answers = 0;
    const history: number[] = [];
    while (limiter.snapshot().concurrency < 8) {
      await runSequential(limiter, clock, 1, 10, 'success');
      answers += 1;
      history.push(limiter.snapshot().concurrency);
    }
    expect(history.slice(0, 3)).toEqual([4, 4, 4]);
    expect(history.indexOf(5) + 1).toBeGreaterThanOrEqual(4);
    expect(history.indexOf(5) + 1).toBeLessThanOrEqual(5);
    // Σ 1/c from 4 to 8 ≈ (8² − 4²) / 2 = 24 answers.
    expect(answers).toBeGreaterThanOrEqual(20);
    expect(answers).toBeLessThanOrEqual(26);
    await runSequential(limiter, clock, 50, 10, 'success');
    expect(limiter.snapshot().concurrency).toBe(8);
  });

  it('a 5xx or a network failure neither shrinks nor grows it', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 6);
    await runSequential(limiter, clock, 10, 5, 'failure');
    expect(limiter.snapshot()).toMatchObject({ concurrency: 6, ratePerSecond: null, rateLimitedCount: 0 });
  });

  it('never drops below one', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 4);
    for (let i = 0; i < 10; i += 1) await runSequential(limiter, clock, MIN_STARTS_BETWEEN_CUTS, 5, 'rate_limited');
    expect(limiter.snapshot().concurrency).toBe(1);
  });
});

describe('pacing', () => {
  it('does not pace before the first 429', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 50);
    const { startTimes } = acquireMany(limiter, 50);
    await clock.settle();
    expect(startTimes).toEqual(Array.from({ length: 50 }, () => 0));
    expect(limiter.snapshot().ratePerSecond).toBeNull();
  });

  it('after a 429, spaces starts at BETA × the rate that was being accepted', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 4);
    // Good answers at 40/s for two seconds, then a 429: the last second held 39-40 successful starts.
    await runSequential(limiter, clock, 80, 25, 'success');
    const refused = await startOne(limiter, clock);
    limiter.release('rate_limited', refused);
    const rate = limiter.snapshot().ratePerSecond as number;
    expect(rate).toBeGreaterThanOrEqual(BETA * 39);
    expect(rate).toBeLessThanOrEqual(BETA * 40);
    // Two requests in flight (concurrency halved to 2), each a long one: the starts are paced.
    const { startTimes } = acquireMany(limiter, 2);
    await clock.advance(200);
    expect(startTimes).toHaveLength(2);
    const gap = (startTimes[1] as number) - (startTimes[0] as number);
    expect(gap).toBeCloseTo(1_000 / rate, 5);
    expect(startTimes[0]).toBeGreaterThan(refused.startedAt); // a pause before the first paced start
  });

  it('a burst of 429s from requests already in flight is one congestion event', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 16);
    await runSequential(limiter, clock, 20, 50, 'success');
    const { started } = acquireMany(limiter, 16);
    await clock.settle();
    expect(started).toHaveLength(16);
    for (const ticket of started) limiter.release('rate_limited', ticket);
    expect(limiter.snapshot()).toMatchObject({ concurrency: 8, rateLimitedCount: 16, cuts: 1 });
  });

  it('a pace still too high is cut again once it has been tried', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 4);
    await runSequential(limiter, clock, 40, 25, 'success');
    await runSequential(limiter, clock, 1, 5, 'rate_limited');
    const first = limiter.snapshot().ratePerSecond as number;
    // 429s of the first MIN_STARTS_BETWEEN_CUTS starts at the new pace do not cut.
    await runSequential(limiter, clock, MIN_STARTS_BETWEEN_CUTS, 5, 'rate_limited');
    expect(limiter.snapshot()).toMatchObject({ ratePerSecond: first, cuts: 1 });
    await runSequential(limiter, clock, 1, 5, 'rate_limited');
    expect(limiter.snapshot().cuts).toBe(2);
    expect(limiter.snapshot().ratePerSecond as number).toBeLessThan(first);
  });

  it('a cut voids the schedule made at the old pace: waiting requests start on the new one', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 20);
    await runSequential(limiter, clock, 200, 10, 'success'); // 100/s accepted
    await runSequential(limiter, clock, 1, 1, 'rate_limited'); // cut 1: pace ~85/s
    await runSequential(limiter, clock, MIN_STARTS_BETWEEN_CUTS, 1, 'success');
    const fresh = await startOne(limiter, clock);
    const { startTimes } = acquireMany(limiter, 6); // reservations on the ~85/s schedule
    await clock.settle();
    const oldGap = 1_000 / (limiter.snapshot().ratePerSecond as number);
    limiter.release('rate_limited', fresh); // cut 2, while they wait
    const cutAt = clock.t;
    const newGap = 1_000 / (limiter.snapshot().ratePerSecond as number);
    expect(limiter.snapshot().cuts).toBe(2);
    expect(newGap).toBeGreaterThan(oldGap * 1.1);
    await clock.advance(2_000);
    expect(startTimes).toHaveLength(6);
    const afterCut = startTimes.filter((t) => t > cutAt);
    expect(afterCut.length).toBeGreaterThanOrEqual(5);
    expect((afterCut[0] as number) - cutAt).toBeGreaterThanOrEqual(newGap - 1e-6);
    afterCut.slice(1).forEach((t, i) => expect(t - (afterCut[i] as number)).toBeGreaterThanOrEqual(newGap - 1e-6));
  });

  it('grows back along the cubic while the pace holds requests back, and not while idle', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 1);
    await runSequential(limiter, clock, 40, 50, 'success'); // 20/s accepted
    await runSequential(limiter, clock, 1, 1, 'rate_limited');
    const cut = limiter.snapshot().ratePerSecond as number;
    expect(cut).toBeGreaterThanOrEqual(BETA * 19);
    expect(cut).toBeLessThanOrEqual(BETA * 20);
    // Idle for a minute: nothing waits on the pace, so it does not grow.
    await clock.advance(60_000);
    await runSequential(limiter, clock, 1, 1, 'success');
    expect(limiter.snapshot().ratePerSecond).toBe(cut);
    // Pace-bound for K seconds: back at about wMax; a few seconds more: beyond it.
    const pacedFor = async (ms: number): Promise<void> => {
      const until = clock.t + ms;
      while (clock.t < until) await runSequential(limiter, clock, 1, 1, 'success');
    };
    await pacedFor(CUBIC_K * 1_000);
    expect(limiter.snapshot().ratePerSecond as number).toBeGreaterThan(cut / BETA - 1);
    expect(limiter.snapshot().ratePerSecond as number).toBeLessThan(cut / BETA + 1);
    await pacedFor(4_000);
    expect(limiter.snapshot().ratePerSecond as number).toBeGreaterThan(40);
  });

  it('the cubic: BETA·wMax right after a cut, wMax at K, flat around it, steep far from it', () => {
    expect(cubicRate(100, 0)).toBeCloseTo(BETA * 100, 6);
    expect(cubicRate(100, CUBIC_K)).toBeCloseTo(100, 6);
    expect(cubicRate(100, CUBIC_K + 0.5) - cubicRate(100, CUBIC_K - 0.5)).toBeLessThan(1);
    expect(cubicRate(100, CUBIC_K + 5)).toBeGreaterThan(500);
  });
});

describe('against a simulated token bucket, in fake time', () => {
  interface Outcome {
    seconds: number;
    rateLimited: number;
    requests: number;
  }

  /**
   * `total` requests through a token bucket (rate/s, burst) with a fixed latency, `workers` at a
   * time (the engine's task pool); a 429 says Retry-After: 1 and the request is tried again.
   */
  async function simulate(options: { rate: number; burst: number; latencyMs: number; max: number; total: number; workers: number }): Promise<Outcome> {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, options.max);
    let tokens = options.burst;
    let refilledAt = 0;
    const take = (): boolean => {
      tokens = Math.min(options.burst, tokens + ((clock.t - refilledAt) * options.rate) / 1_000);
      refilledAt = clock.t;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    };
    let next = 0;
    let done = 0;
    let requests = 0;
    let rateLimited = 0;
    const worker = async (): Promise<void> => {
      while (next < options.total) {
        next += 1;
        for (;;) {
          const ticket = await limiter.acquire();
          requests += 1;
          const accepted = take();
          await clock.sleep(options.latencyMs);
          limiter.release(accepted ? 'success' : 'rate_limited', ticket);
          if (accepted) break;
          rateLimited += 1;
          await clock.sleep(1_000 + (requests % 7) * 50); // Retry-After: 1, plus jitter
        }
        done += 1;
      }
    };
    const workers = Array.from({ length: options.workers }, worker);
    while (done < options.total) await clock.advance(50);
    await Promise.all(workers);
    return { seconds: clock.t / 1_000, rateLimited, requests };
  }

  it('40/s with a burst of 40: close to the limit, few 429s, nothing lost', async () => {
    const result = await simulate({ rate: 40, burst: 40, latencyMs: 20, max: 8, total: 1_200, workers: 32 });
    const ideal = (1_200 - 40) / 40;
    expect(result.requests - result.rateLimited).toBe(1_200);
    expect(result.seconds).toBeLessThan(ideal / 0.9);
    expect(result.rateLimited / result.requests).toBeLessThan(0.03);
  }, 30_000);

  it('a small burst (10) or a high limit (200/s, 32 in flight) is found within seconds', async () => {
    const small = await simulate({ rate: 40, burst: 10, latencyMs: 20, max: 8, total: 1_200, workers: 32 });
    // The first estimate (10/s, the burst) is 4× too low: the cubic finds 40/s again in seconds.
    expect(small.seconds).toBeLessThan(((1_200 - 10) / 40) / 0.8);
    expect(small.rateLimited / small.requests).toBeLessThan(0.03);
    const high = await simulate({ rate: 200, burst: 200, latencyMs: 20, max: 32, total: 4_000, workers: 64 });
    expect(high.seconds).toBeLessThan(((4_000 - 200) / 200) / 0.9);
    expect(high.rateLimited / high.requests).toBeLessThan(0.03);
  }, 30_000);
});
