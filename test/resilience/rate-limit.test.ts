/**
 * A whole read against a rate-limited simulator (token bucket, 40 requests/s, burst 40, a little
 * latency) that needs a few hundred requests: nothing is lost (records equal the ground truth), the
 * API's 429s stay a small share, max_concurrency is never exceeded, and the read takes about what
 * the limit allows. The precise targets (≥ 0.9 of the limit, < 2 % 429s on long reads) are the
 * benchmark's; the bounds here are loose enough never to be flaky.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../src/devin/retry.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ALL_FULL_REFRESH } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf } from '../helpers/read.js';

const RATE = 40;
const BURST = 40;
const MAX_CONCURRENCY = 8;
const START = '2026-01-10'; // 60 billing days up to FIXED_TODAY
/** Real-world retry timing (the suite's FAST_RETRY would cap Retry-After at 20 ms). */
const POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 4_000, requestTimeoutMs: 10_000 };

let sim: Simulator;
const intervals: Array<{ start: number; end: number }> = [];

beforeAll(async () => {
  sim = await startSimulator({
    members: 100,
    days: 70,
    now: () => FIXED_NOW,
    latencyMs: 5,
    onRequest: (entry) => intervals.push({ start: entry.receivedAt, end: Date.now() }),
  });
});
afterAll(() => sim.close());

function maxOverlap(spans: ReadonlyArray<{ start: number; end: number }>): number {
  const edges = spans.flatMap((s) => [
    { at: s.start, delta: 1 },
    { at: s.end, delta: -1 },
  ]);
  // Ends before starts at the same millisecond: a finished request is not in flight any more.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) {
    current += edge.delta;
    max = Math.max(max, current);
  }
  return max;
}

describe('a read against a rate-limited API', () => {
  it.each(['seconds', 'http-date', 'none'] as const)('(Retry-After: %s) loses nothing, keeps 429s rare, never exceeds max_concurrency, and runs near the limit', async (retryAfter) => {
    sim.setRateLimit({ ratePerSecond: RATE, burst: BURST, retryAfter });
    const before = sim.stats();
    intervals.length = 0;
    const started = Date.now();
    const run = await readWith({
      sim,
      config: { api_key: KEY_ENTERPRISE, start_date: START, window_days: 30, max_concurrency: MAX_CONCURRENCY },
      streams: ALL_FULL_REFRESH,
      overrides: { retryPolicy: POLICY },
    });
    const seconds = (Date.now() - started) / 1_000;
    sim.setRateLimit(null);
    expect(run.code, run.stdout.slice(-2_000)).toBe(0);

    const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
    for (const stream of ['members', 'daily_consumption', 'pr_metrics'] as const) {
      expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    }

    const after = sim.stats();
    const requests = after.requests - before.requests;
    const rateLimited = (after.byStatus[429] ?? 0) - (before.byStatus[429] ?? 0);
    const accepted = requests - rateLimited;
    expect(accepted).toBeGreaterThan(250); // a few hundred requests: the limit matters
    const share = rateLimited / requests;
    const ideal = (accepted - BURST) / RATE;
    const report = `${requests} requests, ${rateLimited} answered 429 (${(share * 100).toFixed(1)} %), ${seconds.toFixed(1)} s (ideal ${ideal.toFixed(1)} s)`;
    expect(share, report).toBeLessThan(0.1);
    expect(seconds, report).toBeLessThan(ideal * 2 + 2);
    expect(maxOverlap(intervals), report).toBeLessThanOrEqual(MAX_CONCURRENCY);
  }, 60_000);
});
