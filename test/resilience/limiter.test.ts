/**
 * The adaptive limiter (SPEC §9 "Concurrency") on a fake clock: never more than max_concurrency in
 * flight; an isolated 429 changes nothing, congestion (429s that cluster, or refusals of the pace
 * once it is back at a known limit) halves concurrency and paces request starts at the rate the API
 * was accepting, which grows back along a cubic; a burst of 429s from requests already in flight is
 * one congestion event; and, in fake time, random 429s on a fast API cost nothing while a token
 * bucket is found and held with few 429s.
 */
import { describe, expect, it } from 'vitest';
import {
  AdaptiveLimiter,
  BETA,
  CONGESTION_429S,
  CUBIC_K,
  RECENT_ANSWERS,
  cubicRate,
  type LimiterTicket,
  type RateLimitVerdict,
  type RequestOutcome,
} from '../../src/devin/limiter.js';
import { createRandom } from '../../src/simulator/hash.js';
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

/** Runs one request (`ms` long) with the given outcome and returns the limiter's verdict. */
async function runOne(limiter: AdaptiveLimiter, clock: FakeClock, ms: number, outcome: RequestOutcome): Promise<RateLimitVerdict | undefined> {
  const ticket = await startOne(limiter, clock);
  await clock.advance(ms);
  return limiter.release(outcome, ticket);
}

/** A congestion event: CONGESTION_429S 429s in a row. */
async function congest(limiter: AdaptiveLimiter, clock: FakeClock, ms = 1): Promise<void> {
  const cuts = limiter.snapshot().cuts;
  await runSequential(limiter, clock, CONGESTION_429S, ms, 'rate_limited');
  expect(limiter.snapshot().cuts).toBe(cuts + 1);
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

  it('halves on congestion and grows back by about one per round of good answers, up to the maximum', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 8);
    expect(limiter.snapshot().concurrency).toBe(8);
    await congest(limiter, clock);
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
    for (let i = 0; i < 10; i += 1) await congest(limiter, clock, 5);
    expect(limiter.snapshot().concurrency).toBe(1);
  });
});

describe('an isolated 429 is not congestion', () => {
  it('one 429 among good answers changes neither concurrency nor pace', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 8);
    await runSequential(limiter, clock, 50, 2, 'success');
    for (let i = 0; i < 5; i += 1) {
      expect(await runOne(limiter, clock, 2, 'rate_limited')).toBe('isolated');
      await runSequential(limiter, clock, RECENT_ANSWERS, 2, 'success');
    }
    expect(limiter.snapshot()).toMatchObject({ concurrency: 8, ratePerSecond: null, rateLimitedCount: 5, cuts: 0 });
  });

  it(`${CONGESTION_429S} 429s among the last ${RECENT_ANSWERS} answers are congestion; spread wider, they are not`, async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 8);
    await runSequential(limiter, clock, 50, 2, 'success');
    // Spread: one 429 every RECENT_ANSWERS answers, so never CONGESTION_429S in the window.
    for (let i = 0; i < 2 * CONGESTION_429S; i += 1) {
      await runOne(limiter, clock, 2, 'rate_limited');
      await runSequential(limiter, clock, Math.ceil(RECENT_ANSWERS / (CONGESTION_429S - 1)), 2, 'success');
    }
    expect(limiter.snapshot().cuts).toBe(0);
    await runSequential(limiter, clock, RECENT_ANSWERS, 2, 'success');
    // Clustered: the last of CONGESTION_429S within the window cuts.
    const verdicts: Array<RateLimitVerdict | undefined> = [];
    for (let i = 0; i < CONGESTION_429S; i += 1) {
      verdicts.push(await runOne(limiter, clock, 2, 'rate_limited'));
      await runSequential(limiter, clock, 2, 2, 'success');
    }
    expect(verdicts).toEqual([...Array.from({ length: CONGESTION_429S - 1 }, () => 'isolated'), 'congestion']);
    expect(limiter.snapshot()).toMatchObject({ cuts: 1, concurrency: 4 });
    expect(limiter.snapshot().ratePerSecond).not.toBeNull();
  });

  it('after a 429, new starts wait for the next answer (at most 250 ms); a good one ends the wait', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 4);
    const { started } = acquireMany(limiter, 2);
    await clock.settle();
    limiter.release('rate_limited', started[0] as LimiterTicket);
    const next = acquireMany(limiter, 1);
    await clock.advance(200);
    expect(next.started).toHaveLength(0); // held: another answer is on its way
    limiter.release('success', started[1] as LimiterTicket);
    await clock.settle();
    expect(next.started).toHaveLength(1);
    // Bounded: with only a slow request in flight, new starts go after 250 ms anyway.
    const slow = acquireMany(limiter, 1);
    await clock.settle();
    limiter.release('rate_limited', next.started[0] as LimiterTicket);
    const later = acquireMany(limiter, 1);
    await clock.advance(249);
    expect(later.started).toHaveLength(0);
    await clock.advance(2);
    expect(later.started).toHaveLength(1);
    // With nothing in flight there is no answer to wait for: no hold.
    limiter.release('success', slow.started[0] as LimiterTicket);
    limiter.release('success', later.started[0] as LimiterTicket);
    const one = acquireMany(limiter, 1);
    await clock.settle();
    limiter.release('rate_limited', one.started[0] as LimiterTicket);
    const after = acquireMany(limiter, 1);
    await clock.settle();
    expect(after.started).toHaveLength(1);
    expect(limiter.snapshot().cuts).toBe(0);
  });

  it('1.5 % of answers 429 at random on a fast API: no slowdown, in fake time', async () => {
    const run = (p429: number): Promise<{ seconds: number; cuts: number; rateLimited: number }> =>
      simulateRandom({ p429, latencyMs: 2, max: 8, workers: 16, total: 4_000, seed: 7 });
    const clean = await run(0);
    const noisy = await run(0.015);
    expect(noisy.rateLimited).toBeGreaterThan(40);
    expect(noisy.cuts).toBe(0);
    // Each 429 is retried after ≤ 50 ms (an isolated one) by one of 16 workers: a few % at most.
    expect(noisy.seconds).toBeLessThan(clean.seconds * 1.3);
  }, 30_000);
});

describe('pacing', () => {
  it('does not pace before congestion', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 50);
    const { startTimes } = acquireMany(limiter, 50);
    await clock.settle();
    expect(startTimes).toEqual(Array.from({ length: 50 }, () => 0));
    expect(limiter.snapshot().ratePerSecond).toBeNull();
  });

  it('after congestion, spaces starts at BETA × the rate that was being accepted', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 4);
    // Good answers at 40/s for two seconds, then 429s: the last second held 36-40 successful starts.
    await runSequential(limiter, clock, 80, 25, 'success');
    await congest(limiter, clock, 25);
    const cutAt = clock.t;
    const rate = limiter.snapshot().ratePerSecond as number;
    expect(rate).toBeGreaterThanOrEqual(BETA * 36);
    expect(rate).toBeLessThanOrEqual(BETA * 40);
    // Two requests in flight (concurrency halved to 2), each a long one: the starts are paced.
    const { startTimes } = acquireMany(limiter, 2);
    await clock.advance(200);
    expect(startTimes).toHaveLength(2);
    const gap = (startTimes[1] as number) - (startTimes[0] as number);
    expect(gap).toBeCloseTo(1_000 / rate, 5);
    expect(startTimes[0]).toBeGreaterThan(cutAt); // a pause before the first paced start
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

  it('a pace still too high is cut again once it has been tried: one refusal after the first cut, two after a later one', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 4);
    await runSequential(limiter, clock, 40, 25, 'success');
    await congest(limiter, clock, 5);
    const first = limiter.snapshot().ratePerSecond as number;
    // The first estimate was measured while the API's burst allowance was spent: one refusal of a
    // pace below it says it was too high.
    await runSequential(limiter, clock, 3, 5, 'success');
    expect(await runOne(limiter, clock, 5, 'rate_limited')).toBe('congestion');
    expect(limiter.snapshot().cuts).toBe(2);
    const second = limiter.snapshot().ratePerSecond as number;
    expect(second).toBeLessThan(first);
    // A later estimate: one refusal of the pace is not enough (it changes nothing), the second is.
    await runSequential(limiter, clock, 3, 5, 'success');
    const paced = limiter.snapshot().ratePerSecond as number;
    expect(await runOne(limiter, clock, 5, 'rate_limited')).toBe('isolated');
    expect(limiter.snapshot()).toMatchObject({ ratePerSecond: paced, cuts: 2 });
    await runSequential(limiter, clock, 3, 5, 'success');
    expect(await runOne(limiter, clock, 5, 'rate_limited')).toBe('congestion');
    expect(limiter.snapshot().cuts).toBe(3);
    expect(limiter.snapshot().ratePerSecond as number).toBeLessThan(second);
  });

  it('once the pace is back at the rate accepted at the last cut, one refusal of it cuts', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 1);
    await runSequential(limiter, clock, 40, 50, 'success'); // 20/s accepted
    await congest(limiter, clock);
    await runSequential(limiter, clock, 3, 1, 'success');
    expect(await runOne(limiter, clock, 1, 'rate_limited')).toBe('congestion'); // cut 2: the first estimate's pace refused
    const pacedFor = async (ms: number): Promise<void> => {
      const until = clock.t + ms;
      while (clock.t < until) await runSequential(limiter, clock, 1, 1, 'success');
    };
    await pacedFor(CUBIC_K * 1_000 - 200);
    // Not yet back at it: a refusal of the pace says nothing on its own.
    expect(await runOne(limiter, clock, 1, 'rate_limited')).toBe('isolated');
    await pacedFor(300);
    const before = limiter.snapshot().ratePerSecond as number;
    expect(await runOne(limiter, clock, 1, 'rate_limited')).toBe('congestion');
    expect(limiter.snapshot().cuts).toBe(3);
    // Never above BETA × the old estimate (≤ 20/s): the refused pace was over the limit.
    expect(limiter.snapshot().ratePerSecond as number).toBeLessThan(before);
    expect(limiter.snapshot().ratePerSecond as number).toBeLessThanOrEqual(BETA * 20);
  });

  it('a cut voids the schedule made at the old pace: waiting requests start on the new one', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, 64); // three cuts halve it three times: room for the six below
    await runSequential(limiter, clock, 200, 10, 'success'); // 100/s accepted
    await congest(limiter, clock); // cut 1: pace ~85/s
    await runSequential(limiter, clock, 8, 1, 'success');
    expect(await runOne(limiter, clock, 1, 'rate_limited')).toBe('congestion'); // cut 2: after it, one refusal of the pace does not cut
    await runSequential(limiter, clock, 8, 1, 'success');
    expect(await runOne(limiter, clock, 1, 'rate_limited')).toBe('isolated'); // the first refusal of the pace
    const fresh = await startOne(limiter, clock);
    const { startTimes } = acquireMany(limiter, 6); // reservations on the ~85/s schedule
    await clock.settle();
    const oldGap = 1_000 / (limiter.snapshot().ratePerSecond as number);
    limiter.release('rate_limited', fresh); // the second: cut 3, while they wait
    const cutAt = clock.t;
    const newGap = 1_000 / (limiter.snapshot().ratePerSecond as number);
    expect(limiter.snapshot().cuts).toBe(3);
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
    await congest(limiter, clock);
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

/**
 * `total` requests to an API that answers every one after `latencyMs` and refuses a share `p429` at
 * random (seeded), `workers` at a time (the engine's task pool); a refused request is retried as the
 * client does: after its own short backoff (≤ 50 ms) when the limiter says isolated, else ≤ 500 ms.
 */
async function simulateRandom(options: { p429: number; latencyMs: number; max: number; workers: number; total: number; seed: number }): Promise<{ seconds: number; cuts: number; rateLimited: number }> {
  const clock = new FakeClock();
  const limiter = limiterWith(clock, options.max);
  const random = createRandom(options.seed);
  let next = 0;
  let done = 0;
  let rateLimited = 0;
  const worker = async (): Promise<void> => {
    while (next < options.total) {
      next += 1;
      for (;;) {
        const ticket = await limiter.acquire();
        const refused = random() < options.p429;
        await clock.sleep(options.latencyMs);
        const verdict = limiter.release(refused ? 'rate_limited' : 'success', ticket);
        if (!refused) break;
        rateLimited += 1;
        await clock.sleep(Math.floor(random() * (verdict === 'isolated' ? 50 : 500)));
      }
      done += 1;
    }
  };
  const workers = Array.from({ length: options.workers }, worker);
  while (done < options.total) await clock.advance(10);
  await Promise.all(workers);
  return { seconds: clock.t / 1_000, cuts: limiter.snapshot().cuts, rateLimited };
}

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

  it('40/s with a burst of 40: found and held — ≥ 0.95 of the limit, < 1 % 429s, nothing lost', async () => {
    const result = await simulate({ rate: 40, burst: 40, latencyMs: 20, max: 8, total: 4_000, workers: 32 });
    expect(result.requests - result.rateLimited).toBe(4_000);
    expect(4_000 / result.seconds / 40).toBeGreaterThanOrEqual(0.95);
    expect(result.rateLimited / result.requests).toBeLessThan(0.01);
  }, 30_000);

  it('50/s with a burst of 50, the bench\'s read of 1,070 requests: < 1 % 429s, the burst\'s own storm included', async () => {
    // About 7 of the 429s are the requests in flight when the burst runs out, which no limiter can
    // know beforehand; the first estimate (the burst included) is corrected by one refusal, and a
    // limit found stable is probed less and less often.
    const result = await simulate({ rate: 50, burst: 50, latencyMs: 20, max: 8, total: 1_070, workers: 32 });
    expect(result.requests - result.rateLimited).toBe(1_070);
    expect(1_070 / result.seconds / 50).toBeGreaterThanOrEqual(0.95);
    expect(result.rateLimited / result.requests).toBeLessThan(0.01);
  }, 30_000);

  it('a stable limit is probed less and less often: 40/s over 4,000 requests, < 0.5 % 429s', async () => {
    const result = await simulate({ rate: 40, burst: 40, latencyMs: 20, max: 8, total: 4_000, workers: 32 });
    expect(4_000 / result.seconds / 40).toBeGreaterThanOrEqual(0.95);
    expect(result.rateLimited / result.requests).toBeLessThan(0.005);
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
