/**
 * Issue 15 end to end, in virtual time (test/helpers/virtual-time.ts: the connector and the
 * simulator on one clock over real loopback sockets, so the figures are simulated seconds, exact on
 * any machine; the bench measures the same scenarios in wall time):
 * - isolated 429s: with 1.5 % of answers 429 at random (the simulator's seeded fault PRNG), with a
 *   one-second Retry-After and without one, a read takes at most 1.3 × (the fault-free read + the
 *   waits the API asked for ÷ max_concurrency) — a 429 costs about its wait, not a collapse of the pace;
 * - the serial peer: under 20 ms latency per request, the default max_concurrency is ≥ 5× faster
 *   than max_concurrency 1 (how declarative connectors read, concurrency_level 1).
 */
import { describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type FaultRule } from '../../src/simulator/index.js';
import { createRandom } from '../../src/simulator/hash.js';
import { ALL_FULL_REFRESH } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf } from '../helpers/read.js';
import { VirtualTime } from '../helpers/virtual-time.js';

const START = '2026-01-10'; // 60 billing days up to FIXED_TODAY

interface Measured {
  seconds: number;
  requests: number;
  rateLimited: number;
}

/** One full-refresh read of every stream; simulated seconds, requests and 429s. */
async function measure(options: { members: number; latencyMs: number; faults?: FaultRule[]; maxConcurrency?: number }): Promise<Measured> {
  const time = new VirtualTime(FIXED_NOW);
  const sim = await startSimulator({
    members: options.members,
    days: 70,
    now: () => FIXED_NOW,
    latencyMs: options.latencyMs,
    faults: options.faults ?? [],
    timers: time.simulatorTimers,
    logRequests: false,
  });
  try {
    const started = time.now();
    const run = await time.run(
      readWith({
        sim,
        config: { api_key: KEY_ENTERPRISE, start_date: START, window_days: 90, ...(options.maxConcurrency ? { max_concurrency: options.maxConcurrency } : {}) },
        streams: ALL_FULL_REFRESH,
        overrides: {
          retryPolicy: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000, requestTimeoutMs: 60_000 },
          dispatcher: time.dispatcher,
          httpClock: time.httpClock,
          random: createRandom(3),
        },
      }),
    );
    const seconds = (time.now() - started) / 1_000;
    expect(run.code, run.stdout.slice(-1_000)).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
    for (const stream of ['members', 'daily_consumption', 'pr_metrics'] as const) expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    const { requests, byStatus } = sim.stats();
    return { seconds, requests, rateLimited: byStatus[429] ?? 0 };
  } finally {
    await sim.close();
    await time.close();
  }
}

describe('isolated 429s cost about the wait they ask for', () => {
  it.each([
    ['a one-second Retry-After', { seconds: 1 }],
    ['no Retry-After', null],
  ] as const)('1.5 %% of answers 429 at random, with %s: ≤ 1.3 × (fault-free + asked waits ÷ concurrency)', async (_label, retryAfter) => {
    const clean = await measure({ members: 1_000, latencyMs: 5 });
    const noisy = await measure({ members: 1_000, latencyMs: 5, faults: [{ kind: '429', probability: 0.015, retryAfter }] });
    expect(noisy.rateLimited).toBeGreaterThan(8);
    const asked = retryAfter ? noisy.rateLimited * retryAfter.seconds : 0;
    const expected = clean.seconds + asked / 8;
    const report = `${noisy.rateLimited} 429s of ${noisy.requests}; ${noisy.seconds.toFixed(2)} s vs fault-free ${clean.seconds.toFixed(2)} s + ${asked} s ÷ 8`;
    expect(noisy.seconds / expected, report).toBeLessThanOrEqual(1.3);
  }, 120_000);
});

describe('the serial peer', () => {
  it('under 20 ms latency, the default max_concurrency is ≥ 5× faster than max_concurrency 1', async () => {
    const parallel = await measure({ members: 500, latencyMs: 20 });
    const serial = await measure({ members: 500, latencyMs: 20, maxConcurrency: 1 });
    expect(serial.requests).toBe(parallel.requests);
    expect(serial.seconds / parallel.seconds, `${serial.seconds} s vs ${parallel.seconds} s`).toBeGreaterThanOrEqual(5);
  }, 120_000);
});
