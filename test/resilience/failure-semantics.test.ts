/**
 * What a failure looks like from outside (SPEC §8): the failing stream gets INCOMPLETE and a TRACE
 * ERROR with its stream_descriptor and the right failure_type, the other streams finish, the process
 * exits non-zero — and no STATE ever covers data that was not read: after a fault that kills a
 * stream mid-slice, every record its last STATE implies (days up to the cursor; members up to
 * `progress.done_through` for days up to `progress.to`) is in the output. An unexpected exception
 * (a broken dispatcher, a throwing output) becomes a system_error trace, never a crash.
 */
import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { dayOfMillis } from '../../src/devin/billing-day.js';
import { DevinClient } from '../../src/devin/client.js';
import type { ConnectorError } from '../../src/devin/errors.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import type { ReadOutput } from '../../src/engine/output.js';
import { runRead } from '../../src/engine/read.js';
import type { StreamState } from '../../src/engine/state.js';
import { KEY_ENTERPRISE, startSimulator, type FaultRule, type GroundTruth, type Simulator } from '../../src/simulator/index.js';
import { STREAMS as STREAM_DEFINITIONS } from '../../src/streams/index.js';
import type { NormalizedRecord } from '../../src/streams/normalize.js';
import type { StreamName } from '../../src/streams/types.js';
import type { CliRun, IoOverrides } from '../helpers/cli.js';
import { ALL_INCREMENTAL, type SyncModeName } from '../helpers/files.js';
import {
  FIXED_NOW,
  FIXED_TODAY,
  byKey,
  expectRecordsToEqualTruth,
  readWith,
  recordsOf,
  statesOf,
  statusesOf,
  streamStateOf,
  type Record_,
} from '../helpers/read.js';
import { PATIENT_FAST_RETRY, traceErrors } from './support.js';

const START = '2026-02-01'; // 38 billing days up to FIXED_TODAY (2026-03-10)
const WINDOW_DAYS = 10; // 4 slices
const MEMBERS = 30;

let sim: Simulator;
let truth: GroundTruth;
let userDayTruth: GroundTruth;

beforeAll(async () => {
  sim = await startSimulator({ members: MEMBERS, days: 45, now: () => FIXED_NOW });
  truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
  userDayTruth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
});
afterAll(() => sim.close());

async function readUnder(
  faults: FaultRule[],
  config: Record<string, unknown> = {},
  overrides: IoOverrides = {},
  streams: Record<string, SyncModeName> = ALL_INCREMENTAL,
): Promise<CliRun> {
  sim.setFaults(faults);
  try {
    return await readWith({
      sim,
      config: { api_key: KEY_ENTERPRISE, start_date: START, window_days: WINDOW_DAYS, ...config },
      streams,
      policy: { everyUnits: 3, everyMs: 60_000 },
      overrides: { retryPolicy: { ...PATIENT_FAST_RETRY, maxAttempts: 3 }, ...overrides },
    });
  } finally {
    sim.setFaults([]);
  }
}

/** The records a stream's STATE promises were delivered (within this read's range). */
function impliedBy(state: Record_, records: readonly Record_[]): Record_[] {
  const cursor = typeof state.date === 'string' ? state.date : undefined;
  const progress = state.progress as { to: string; done_through: string } | undefined;
  return records.filter((record) => {
    const date = String(record.date);
    if (cursor !== undefined && date <= cursor) return true;
    if (progress && date <= progress.to) {
      return record.user_id === null || String(record.user_id) <= progress.done_through;
    }
    return false;
  });
}

/**
 * Every record the last STATE of `stream` implies is in the output; returns how many it implies. A
 * stream that died before its first checkpoint emitted no STATE at all, which claims nothing.
 */
function expectLastStateHonest(run: CliRun, stream: StreamName, truthRecords: readonly Record_[]): number {
  const states = statesOf(run, stream);
  if (states.length === 0) return 0;
  const last = streamStateOf(states.at(-1) as Record_);
  const implied = impliedBy(last, truthRecords);
  const emitted = byKey(stream, recordsOf(run, stream));
  const missing = [...byKey(stream, implied).keys()].filter((key) => !emitted.has(key));
  expect(missing, `${stream}: records claimed by ${JSON.stringify(last)} but never emitted`).toEqual([]);
  return implied.length;
}

describe('a fault that kills a stream part-way', () => {
  // After this many consumption requests succeed, every further one fails (retries exhausted).
  it.each([0, 7, 29, 31, 47, 64, 95])('daily_consumption dies after %i consumption requests: its last STATE claims only what was emitted', async (after) => {
    const run = await readUnder([{ kind: '500', path: /\/consumption\//, after }]);
    expect(run.code).toBe(1);
    const errors = traceErrors(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ stream: 'daily_consumption', failure_type: 'transient_error' });
    expect(statusesOf(run, 'daily_consumption')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    const implied = expectLastStateHonest(run, 'daily_consumption', truth.daily_consumption as unknown as Record_[]);
    // The emitted records are all real ones (nothing invented on the way down).
    const truthKeys = byKey('daily_consumption', truth.daily_consumption as unknown as Record_[]);
    for (const key of byKey('daily_consumption', recordsOf(run, 'daily_consumption')).keys()) expect(truthKeys.has(key)).toBe(true);
    if (after === 0) expect(statesOf(run, 'daily_consumption')).toEqual([]);
    if (after >= 31) expect(implied).toBeGreaterThan(0); // past the first slice: the cursor moved
    // The other streams finish, complete and right.
    for (const stream of ['members', 'pr_metrics'] as const) {
      expect(statusesOf(run, stream).at(-1)).toBe('COMPLETE');
      expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    }
  });

  it('a mid-slice death leaves a progress checkpoint that claims only finished members', async () => {
    const run = await readUnder([{ kind: '500', path: /\/consumption\//, after: 47 }]);
    const states = statesOf(run, 'daily_consumption').map(streamStateOf);
    expect(states.some((state) => state.progress !== undefined)).toBe(true);
    expectLastStateHonest(run, 'daily_consumption', truth.daily_consumption as unknown as Record_[]);
  });

  it.each([0, 5, 13, 30])('pr_metrics (per day) dies after %i days: its last STATE claims only emitted days', async (after) => {
    const run = await readUnder([{ kind: '502', path: /metrics\/prs/, after }]);
    expect(run.code).toBe(1);
    expect(traceErrors(run)).toEqual([expect.objectContaining({ stream: 'pr_metrics', failure_type: 'transient_error' })]);
    expectLastStateHonest(run, 'pr_metrics', truth.pr_metrics as unknown as Record_[]);
    expectRecordsToEqualTruth('daily_consumption', recordsOf(run, 'daily_consumption'), truth.daily_consumption);
  });

  it.each([11, 100, 333])('pr_metrics_by_member dies after %i requests: same guarantee', async (after) => {
    const streams = { members: 'full_refresh', pr_metrics_by_member: 'incremental' } as const;
    const run = await readUnder([{ kind: '500', path: /metrics\/prs/, after }], {}, {}, streams);
    expect(run.code).toBe(1);
    expect(traceErrors(run)).toEqual([expect.objectContaining({ stream: 'pr_metrics_by_member', failure_type: 'transient_error' })]);
    expectLastStateHonest(run, 'pr_metrics_by_member', userDayTruth.pr_metrics_by_member as unknown as Record_[]);
  });
});

describe('unexpected exceptions', () => {
  /** An Agent whose dispatch throws for requests whose path matches. */
  function brokenFor(pattern: RegExp): Dispatcher {
    return new Agent().compose((dispatch) => (options, handler) => {
      if (pattern.test(String(options.path))) throw new TypeError('Cannot read properties of undefined (reading "socket")');
      return dispatch(options, handler);
    });
  }

  it('a dispatcher that throws on one endpoint: that stream ends with a system_error trace, the rest finish, exit 1', async () => {
    const dispatcher = brokenFor(/metrics\/prs/);
    try {
      sim.clearRequests();
      const run = await readUnder([], {}, { dispatcher });
      expect(run.code).toBe(1);
      const errors = traceErrors(run);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ stream: 'pr_metrics', failure_type: 'system_error' });
      expect(errors[0]?.message).toBe('pr_metrics: unexpected error: Cannot read properties of undefined (reading "socket")');
      expect(errors[0]?.internal_message).toContain('TypeError');
      expect(statusesOf(run, 'pr_metrics')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
      // A bug is not retried: nothing reached the metrics endpoint, and not 3 attempts per day either.
      expect(sim.requests.filter((r) => r.path.includes('metrics'))).toEqual([]);
      for (const stream of ['members', 'daily_consumption'] as const) {
        expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
      }
    } finally {
      await dispatcher.close();
    }
  });

  it('a dispatcher that throws on everything: no stream can start, one system_error trace, every stream INCOMPLETE, exit 1', async () => {
    const dispatcher = brokenFor(/./);
    try {
      const run = await readUnder([], {}, { dispatcher });
      expect(run.code).toBe(1);
      // GET /v3/self fails first, and no stream can survive that: one TRACE, not one per stream (SPEC §8).
      expect(traceErrors(run).map((e) => [e.stream, e.failure_type])).toEqual([[undefined, 'system_error']]);
      for (const stream of ['members', 'daily_consumption', 'pr_metrics']) expect(statusesOf(run, stream).at(-1)).toBe('INCOMPLETE');
      expect(run.messages.filter((m) => m.type === 'RECORD')).toEqual([]);
    } finally {
      await dispatcher.close();
    }
  });

  it('an output that throws while taking one stream\'s records: that stream is a system_error, the others complete', async () => {
    const events: string[] = [];
    const failures = new Map<string, ConnectorError>();
    const records = new Map<string, number>();
    const output: ReadOutput = {
      streamStatus: (stream, status) => events.push(`${stream}:${status}`),
      estimate: () => undefined,
      record: (stream: StreamName, _record: NormalizedRecord) => {
        if (stream === 'pr_metrics') throw new RangeError('Invalid string length');
        records.set(stream, (records.get(stream) ?? 0) + 1);
      },
      checkpoint: (stream: StreamName, state: StreamState) => {
        events.push(`${stream}:STATE:${JSON.stringify(state)}`);
      },
      streamError: (stream, error) => failures.set(stream, error),
      log: () => undefined,
    };
    const config = resolveConfig({ api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: START }, dayOfMillis(FIXED_NOW));
    const client = new DevinClient({
      apiUrl: sim.url,
      apiKey: KEY_ENTERPRISE,
      userAgent: 'source-devin-test',
      limiter: new AdaptiveLimiter({ maxConcurrency: 4 }),
      policy: PATIENT_FAST_RETRY,
    });
    try {
      const result = await runRead({
        config,
        scope: { kind: 'enterprise' },
        streams: STREAM_DEFINITIONS.filter((stream) => stream.scopes.includes('enterprise')).map((stream) => ({ stream, syncMode: 'incremental' as const })),
        state: new Map(),
        output,
        client,
        now: () => FIXED_NOW,
      });
      expect(result.failed).toEqual(['pr_metrics']);
      const failure = failures.get('pr_metrics');
      expect(failure?.failureType).toBe('system_error');
      expect(failure?.message).toBe('unexpected error: Invalid string length');
      expect(events).toContain('pr_metrics:INCOMPLETE');
      expect(events.filter((e) => e.startsWith('pr_metrics:STATE'))).toEqual([]); // nothing delivered, nothing claimed
      expect(events).toContain('members:COMPLETE');
      expect(events).toContain('daily_consumption:COMPLETE');
      expect(records.get('daily_consumption')).toBe(truth.daily_consumption.length);
    } finally {
      await client.close();
    }
  });
});
