/**
 * A whole read against a rate-limited simulator (token bucket, 40 requests/s, burst 40, a little
 * latency) that needs a few hundred requests, in virtual time (test/helpers/virtual-time.ts: the
 * connector's pacing, retry waits and deadlines and the simulator's latency and bucket on one clock,
 * over real loopback sockets): nothing is lost (records equal the ground truth), the API's 429s stay
 * a small share, max_concurrency is never exceeded, and the read takes about what the limit allows
 * — in simulated seconds, so the bound is exact on any machine. Wall-time figures are the bench's
 * (bench/run.mjs, BENCHMARKS.md).
 */
import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../src/devin/retry.js';
import { KEY_ENTERPRISE, startSimulator } from '../../src/simulator/index.js';
import { createRandom } from '../../src/simulator/hash.js';
import { ALL_FULL_REFRESH } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf } from '../helpers/read.js';
import { VirtualTime } from '../helpers/virtual-time.js';

const RATE = 40;
const BURST = 40;
const MAX_CONCURRENCY = 8;
const START = '2026-01-10'; // 60 billing days up to FIXED_TODAY
/** Real-world retry timing: in virtual time it costs nothing to wait for. */
const POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 4_000, requestTimeoutMs: 10_000 };

function maxOverlap(spans: ReadonlyArray<{ start: number; end: number }>): number {
  const edges = spans.flatMap((s) => [
    { at: s.start, delta: 1 },
    { at: s.end, delta: -1 },
  ]);
  // Ends before starts at the same instant: a finished request is not in flight any more.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) {
    current += edge.delta;
    max = Math.max(max, current);
  }
  return max;
}

describe('a read against a rate-limited API, in virtual time', () => {
  it.each(['seconds', 'http-date', 'none'] as const)('(Retry-After: %s) loses nothing, keeps 429s rare, never exceeds max_concurrency, and runs near the limit', async (retryAfter) => {
    const time = new VirtualTime(FIXED_NOW);
    const intervals: Array<{ start: number; end: number }> = [];
    const sim = await startSimulator({
      members: 100,
      days: 70,
      now: () => FIXED_NOW,
      latencyMs: 5,
      rateLimit: { ratePerSecond: RATE, burst: BURST, retryAfter },
      timers: time.simulatorTimers,
      onRequest: (entry) => intervals.push({ start: entry.receivedAt, end: time.now() }),
    });
    try {
      const started = time.now();
      const run = await time.run(
        readWith({
          sim,
          config: { api_key: KEY_ENTERPRISE, start_date: START, window_days: 30, max_concurrency: MAX_CONCURRENCY },
          streams: ALL_FULL_REFRESH,
          overrides: { retryPolicy: POLICY, dispatcher: time.dispatcher, httpClock: time.httpClock, random: createRandom(11) },
        }),
      );
      const seconds = (time.now() - started) / 1_000;
      expect(run.code, run.stdout.slice(-2_000)).toBe(0);

      const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
      for (const stream of ['members', 'daily_consumption', 'pr_metrics'] as const) {
        expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
      }

      const { requests, byStatus } = sim.stats();
      const rateLimited = byStatus[429] ?? 0;
      const accepted = requests - rateLimited;
      expect(accepted).toBeGreaterThan(250); // a few hundred requests: the limit matters
      const share = rateLimited / requests;
      const ideal = (accepted - BURST) / RATE;
      const report = `${requests} requests, ${rateLimited} answered 429 (${(share * 100).toFixed(1)} %), ${seconds.toFixed(1)} simulated s (ideal ${ideal.toFixed(1)} s)`;
      expect(share, report).toBeLessThan(0.05);
      // ≥ 0.9 of the limit, plus one Retry-After (≤ 2 s: whole seconds, an HTTP date rounded up) that
      // a request refused near the end adds after everything else is done.
      expect(seconds, report).toBeLessThan(ideal / 0.9 + 2);
      expect(maxOverlap(intervals), report).toBeLessThanOrEqual(MAX_CONCURRENCY);
    } finally {
      await sim.close();
      await time.close();
    }
  }, 60_000);
});
