/**
 * Progress you can see (issue 14 point 4, SPEC §8), end to end against the simulator:
 * - while a stream waits on the API's rate limit: STREAM_STATUS RUNNING with reason RATE_LIMITED,
 *   within a second of the 429, with `quota_reset` from Retry-After (seconds or an HTTP date), at
 *   most once a second per stream — also for the streams that wait on a shared directory listing;
 * - ESTIMATE traces refined as the read learns, the last within 25 % of the rows emitted;
 * - a LOG at each stream's start naming the days it reads.
 * In virtual time (test/helpers/virtual-time.ts), so the waits cost nothing and the clock is exact.
 */
import { describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type FaultRule, type RequestLogEntry } from '../../src/simulator/index.js';
import { ALL_FULL_REFRESH } from '../helpers/files.js';
import type { CliRun } from '../helpers/cli.js';
import { assertAirbyteMessage } from '../helpers/protocol.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statusesOf, type Record_ } from '../helpers/read.js';
import { VirtualTime } from '../helpers/virtual-time.js';

const POLICY = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 60_000, requestTimeoutMs: 10_000 };
const CONSUMPTION = /^\/v3\/enterprise\/consumption\/daily\/users\//;
const MEMBERS = /^\/v3\/enterprise\/members\//;

interface Read {
  run: CliRun;
  requests: RequestLogEntry[];
}

/** A full-refresh read of every stream in virtual time; `now` is the virtual clock too (emitted_at). */
async function read(options: { faults?: FaultRule[]; members?: number; start?: string; maxConcurrency?: number }): Promise<Read> {
  const time = new VirtualTime(FIXED_NOW);
  const requests: RequestLogEntry[] = [];
  const sim = await startSimulator({
    members: options.members ?? 12,
    days: 40,
    now: () => FIXED_NOW,
    faults: options.faults ?? [],
    timers: time.simulatorTimers,
    onRequest: (entry) => requests.push(entry),
  });
  try {
    const start = options.start ?? '2026-03-01';
    const run = await time.run(
      readWith({
        sim,
        config: { api_key: KEY_ENTERPRISE, start_date: start, max_concurrency: options.maxConcurrency ?? 4 },
        streams: ALL_FULL_REFRESH,
        overrides: { retryPolicy: POLICY, dispatcher: time.dispatcher, httpClock: time.httpClock, now: () => Math.floor(time.now()) },
      }),
    );
    expect(run.code, run.stdout.slice(-1_500)).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: start, endDate: FIXED_TODAY });
    for (const stream of ['members', 'daily_consumption', 'pr_metrics'] as const) expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    return { run, requests };
  } finally {
    await sim.close();
  }
}

interface RateLimitedStatus {
  emittedAt: number;
  reasons: unknown;
  quotaReset: number | undefined;
}

function rateLimitedOf(run: CliRun, stream: string): RateLimitedStatus[] {
  return run.messages
    .filter((m) => m.type === 'TRACE' && (m.trace as Record_).type === 'STREAM_STATUS')
    .filter((m) => {
      const status = (m.trace as Record_).stream_status as Record_;
      return (status.stream_descriptor as Record_).name === stream && status.reasons !== undefined;
    })
    .map((m) => {
      assertAirbyteMessage(m);
      const trace = m.trace as Record_;
      const status = trace.stream_status as Record_;
      expect(status.status).toBe('RUNNING');
      const [reason] = status.reasons as Record_[];
      expect(reason?.type).toBe('RATE_LIMITED');
      return { emittedAt: trace.emitted_at as number, reasons: status.reasons, quotaReset: (reason?.rate_limited as Record_).quota_reset as number | undefined };
    });
}

function estimatesOf(run: CliRun, stream: string): number[] {
  return run.messages
    .filter((m) => m.type === 'TRACE' && (m.trace as Record_).type === 'ESTIMATE')
    .map((m) => (m.trace as Record_).estimate as Record_)
    .filter((e) => e.name === stream)
    .map((e) => e.row_estimate as number);
}

function logsOf(run: CliRun): string[] {
  return run.messages.filter((m) => m.type === 'LOG').map((m) => String((m.log as Record_).message));
}

describe('RUNNING with reason RATE_LIMITED while a stream waits on the API', () => {
  it('Retry-After in seconds: quota_reset is the 429 plus the wait, within a second of the 429', async () => {
    const { run, requests } = await read({ faults: [{ kind: '429', path: CONSUMPTION, times: 1, after: 5, retryAfter: { seconds: 3 } }] });
    const limited = requests.filter((r) => r.fault === '429');
    expect(limited).toHaveLength(1);
    const statuses = rateLimitedOf(run, 'daily_consumption');
    expect(statuses).toHaveLength(1);
    const at = (limited[0] as RequestLogEntry).receivedAt;
    expect(statuses[0]!.quotaReset).toBe(at + 3_000);
    expect(statuses[0]!.emittedAt - at).toBeGreaterThanOrEqual(0);
    expect(statuses[0]!.emittedAt - at).toBeLessThan(1_000);
    // Only the stream whose request it was is waiting.
    expect(rateLimitedOf(run, 'pr_metrics')).toEqual([]);
    expect(rateLimitedOf(run, 'members')).toEqual([]);
    // The plain statuses are unchanged around it.
    expect(statusesOf(run, 'daily_consumption')).toEqual(['STARTED', 'RUNNING', 'RUNNING', 'COMPLETE']);
  });

  it('Retry-After as an HTTP date: quota_reset is that date', async () => {
    const reset = FIXED_NOW + 30_000;
    const { run } = await read({ faults: [{ kind: '429', path: CONSUMPTION, times: 1, after: 2, retryAfter: { httpDate: reset } }] });
    expect(rateLimitedOf(run, 'daily_consumption').map((s) => s.quotaReset)).toEqual([reset]);
  });

  it('without Retry-After: RATE_LIMITED with no quota_reset', async () => {
    const { run } = await read({ faults: [{ kind: '429', path: CONSUMPTION, times: 1 }] });
    const statuses = rateLimitedOf(run, 'daily_consumption');
    expect(statuses.map((s) => s.reasons)).toEqual([[{ type: 'RATE_LIMITED', rate_limited: {} }]]);
  });

  it('a burst of 429s is at most one status per stream per second', async () => {
    const { run, requests } = await read({
      members: 30,
      maxConcurrency: 8,
      faults: [{ kind: '429', path: CONSUMPTION, times: 60, retryAfter: { seconds: 1 } }],
    });
    expect(requests.filter((r) => r.fault === '429')).toHaveLength(60);
    const statuses = rateLimitedOf(run, 'daily_consumption');
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    // Fewer statuses than 429s: the ones within a second of the last status were one wait.
    expect(statuses.length).toBeLessThan(60);
    for (let i = 1; i < statuses.length; i += 1) expect(statuses[i]!.emittedAt - statuses[i - 1]!.emittedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('a 429 on the member listing is a wait for every stream that needs the members', async () => {
    const { run } = await read({ faults: [{ kind: '429', path: MEMBERS, times: 1, retryAfter: { seconds: 2 } }] });
    expect(rateLimitedOf(run, 'members')).toHaveLength(1);
    expect(rateLimitedOf(run, 'daily_consumption')).toHaveLength(1);
    expect(rateLimitedOf(run, 'pr_metrics')).toEqual([]);
  });
});

describe('ESTIMATE traces learn', () => {
  it('a long fan-out is re-estimated, the last estimate within 25 % of the rows it emits', async () => {
    const { run } = await read({ members: 60, start: '2026-01-10' });
    const rows = recordsOf(run, 'daily_consumption').length;
    const estimates = estimatesOf(run, 'daily_consumption');
    expect(estimates.length).toBeGreaterThan(3);
    // The first guess (members × days) is far off: that is why the estimate must learn.
    expect(Math.abs(estimates[0]! - rows) / rows).toBeGreaterThan(0.25);
    expect(Math.abs(estimates.at(-1)! - rows) / rows).toBeLessThanOrEqual(0.25);
    // The streams read in one piece end close to their count too.
    for (const stream of ['members', 'pr_metrics']) {
      const last = estimatesOf(run, stream).at(-1)!;
      const count = recordsOf(run, stream).length;
      expect(Math.abs(last - count)).toBeLessThanOrEqual(Math.max(1, count * 0.25));
    }
  });
});

describe('a LOG at each stream start', () => {
  it('names the billing days (and the members) each stream reads', async () => {
    const { run } = await read({ members: 7, start: '2026-03-01' });
    const logs = logsOf(run);
    expect(logs).toContain('members: reading the member listings');
    expect(logs).toContain(`daily_consumption: reading billing days 2026-03-01 … ${FIXED_TODAY} (10 days) for ${recordsOf(run, 'members').length} members`);
    expect(logs).toContain(`pr_metrics: reading billing days 2026-03-01 … ${FIXED_TODAY} (10 days)`);
  });
});
