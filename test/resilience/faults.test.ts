/**
 * The fault suite: whole reads (`source-devin read`, in-process) against the simulator while it
 * injects each fault it knows. Retryable faults must cost nothing: the records equal the ground truth
 * (compared by primary key), each fault costs exactly one more request, and the waits the read asks
 * for stay within the policy's caps. The others end the affected stream with a clear TRACE ERROR, or
 * are tolerated as README "Failure modes" documents; never a hang, never a crash without a trace.
 * Every run is also checked for protocol validity and leaked keys by runAirbyte.
 *
 * No outcome here depends on how fast the machine is: the connector's sleeps (retry backoff,
 * Retry-After, the limiter's pace and holds) are recorded and end at once, and the quick-and-bounded
 * claims are counted (requests, waits asked for), not timed.
 */
import { Agent, type Dispatcher } from 'undici';
import { MAX_HOLD_MS } from '../../src/devin/limiter-params.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ENTERPRISE,
  KEY_ENT_NO_BILLING,
  OTHER_HOST_URL,
  startSimulator,
  type FaultRule,
  type GroundTruth,
  type Simulator,
} from '../../src/simulator/index.js';
import type { CliRun, IoOverrides } from '../helpers/cli.js';
import { ALL_INCREMENTAL } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statusesOf } from '../helpers/read.js';
import { PATIENT_FAST_RETRY, logsOf, traceErrors } from './support.js';

const START = '2026-03-01';
const STREAMS = ['members', 'daily_consumption', 'pr_metrics'] as const;
const MEMBERS_PATH = '/v3/enterprise/members/users';
/** The limiter's hold after a 429: the one wait not set by the policy. */
const LIMITER_HOLD_MS = MAX_HOLD_MS;
/** Requests of one fault-free read of STREAMS (read once, on first use). */
let cleanRequests: number | undefined;

/** A sleep for the connector that records what it was asked to wait and returns at once. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms) => {
      waits.push(ms);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

let sim: Simulator;
let truth: GroundTruth;

beforeAll(async () => {
  sim = await startSimulator({ members: 12, days: 20, now: () => FIXED_NOW });
  truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
});
afterAll(() => sim.close());

interface FaultRun {
  run: CliRun;
  /** Requests the simulator received. */
  requests: number;
  /** Requests the simulator answered with each fault kind. */
  fired: Record<string, number>;
  /** Every wait the connector asked for, in order (none was waited out). */
  waits: number[];
}

async function readUnder(
  faults: FaultRule[],
  options: { key?: string; overrides?: IoOverrides; server?: Simulator } = {},
): Promise<FaultRun> {
  const server = options.server ?? sim;
  server.setFaults(faults);
  server.clearRequests();
  const { sleep, waits } = recordingSleep();
  try {
    const run = await readWith({
      sim: server,
      config: { api_key: options.key ?? KEY_ENTERPRISE, start_date: START },
      streams: ALL_INCREMENTAL,
      overrides: { retryPolicy: PATIENT_FAST_RETRY, sleep, ...options.overrides },
    });
    const fired: Record<string, number> = {};
    for (const request of server.requests) if (request.fault) fired[request.fault] = (fired[request.fault] ?? 0) + 1;
    return { run, requests: server.requests.length, fired, waits };
  } finally {
    server.setFaults([]);
  }
}

const total = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0);

/**
 * Retryable faults cost nothing: exactly one more request per fault (no retry storm, nothing
 * re-read), and per fault at most one retry wait within the policy's caps plus, for a 429, one
 * limiter hold. A Retry-After of seconds honoured past maxRetryAfterMs, or a backoff past
 * maxDelayMs, breaks the sum.
 */
async function expectFaultsCostNothing({ requests, fired, waits }: FaultRun): Promise<void> {
  if (cleanRequests === undefined) {
    const clean = await readUnder([]);
    expect(clean.fired).toEqual({});
    expectEverythingRead(clean.run);
    expect(clean.waits).toEqual([]);
    cleanRequests = clean.requests;
  }
  const faults = total(Object.values(fired));
  const report = `${requests} requests, ${faults} faults, waits ${JSON.stringify(waits)}`;
  expect(requests, report).toBe(cleanRequests + faults);
  const retryWaitMs = Math.max(PATIENT_FAST_RETRY.maxRetryAfterMs, PATIENT_FAST_RETRY.maxDelayMs) + PATIENT_FAST_RETRY.baseDelayMs;
  const rateLimited = fired['429'] ?? 0;
  expect(waits.length, report).toBeLessThanOrEqual(faults + rateLimited);
  expect(total(waits), report).toBeLessThanOrEqual(faults * retryWaitMs + rateLimited * LIMITER_HOLD_MS);
}

function expectEverythingRead(run: CliRun): void {
  expect(run.code, run.stdout.slice(-1_500)).toBe(0);
  expect(traceErrors(run)).toEqual([]);
  for (const stream of STREAMS) {
    expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    // A 429 adds RUNNING statuses with reason RATE_LIMITED (test/read/progress.test.ts); nothing else.
    expect(statusesOf(run, stream, { waits: false })).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  }
}

describe('retryable faults cost nothing: every record arrives, once', () => {
  const cases: Array<[string, FaultRule, IoOverrides?]> = [
    ['429 with Retry-After in seconds', { kind: '429', probability: 0.25, retryAfter: { seconds: 1 } }],
    ['429 with Retry-After as an HTTP date', { kind: '429', probability: 0.25, retryAfter: { httpDate: Date.now() + 1_000 } }],
    ['429 without Retry-After', { kind: '429', probability: 0.25 }],
    ['500', { kind: '500', probability: 0.25 }],
    ['502', { kind: '502', probability: 0.25 }],
    ['503 with Retry-After', { kind: '503', probability: 0.25, retryAfter: { seconds: 2 } }],
    ['an nginx HTML error page (502)', { kind: 'html', probability: 0.25 }],
    ['connection resets mid-body', { kind: 'reset', probability: 0.25 }],
    ['a 200 with a truncated body', { kind: 'truncated', probability: 0.25 }],
    ['a 200 with malformed JSON', { kind: 'malformed', probability: 0.25 }],
    ['a redirect to the same host', { kind: 'redirect-same-host' }],
  ];

  it.each(cases)('%s', async (_name, rule, overrides) => {
    const outcome = await readUnder([rule], overrides ? { overrides } : {});
    expect(outcome.fired[rule.kind] ?? 0, 'the fault fired').toBeGreaterThan(0);
    expectEverythingRead(outcome.run);
    await expectFaultsCostNothing(outcome);
  });

  it('answers that never come: each attempt is abandoned at the request timeout and retried once', async () => {
    // A 'slow' answer here never arrives (its wait never ends), so only the connector's per-attempt
    // deadline can end such an attempt, however loaded the machine is.
    const hanging = await startSimulator({
      members: 12,
      days: 20,
      now: () => FIXED_NOW,
      timers: { now: Date.now, sleep: () => new Promise<void>(() => undefined) },
    });
    try {
      const outcome = await readUnder([{ kind: 'slow', probability: 0.2 }], {
        server: hanging,
        overrides: { retryPolicy: { ...PATIENT_FAST_RETRY, requestTimeoutMs: 120 } },
      });
      expect(outcome.fired['slow'] ?? 0, 'the fault fired').toBeGreaterThan(0);
      expectEverythingRead(outcome.run);
      await expectFaultsCostNothing(outcome);
      expect(hanging.requests.filter((r) => r.fault === 'slow').every((r) => r.status === 0), 'no slow answer was sent').toBe(true);
    } finally {
      await hanging.close();
    }
  });

  it('every fault at once, on every path', async () => {
    const kinds = ['429', '500', '503', 'reset', 'truncated', 'malformed', 'html'] as const;
    const rules: FaultRule[] = kinds.map((kind) => ({ kind, probability: 0.06 }));
    const outcome = await readUnder(rules);
    expect(Object.keys(outcome.fired).length).toBeGreaterThanOrEqual(4);
    expectEverythingRead(outcome.run);
    await expectFaultsCostNothing(outcome);
  });
});

describe('schema drift (wrong-types)', () => {
  it('numbers as strings and dates as ISO strings in consumption and PR metrics are read as meant', async () => {
    const { run, fired } = await readUnder([{ kind: 'wrong-types', path: /consumption|metrics/ }]);
    expect(fired['wrong-types']).toBeGreaterThan(10);
    expectEverythingRead(run);
  });

  it('a member page whose items is not an array ends the member streams with a system_error; pr_metrics completes', async () => {
    const { run } = await readUnder([{ kind: 'wrong-types', path: MEMBERS_PATH }]);
    expect(run.code).toBe(1);
    const errors = traceErrors(run);
    expect(errors.map((e) => [e.stream, e.failure_type]).sort()).toEqual([
      ['daily_consumption', 'system_error'],
      ['members', 'system_error'],
    ]);
    expect(errors[0]?.message).toContain('without an "items" array');
    expect(statusesOf(run, 'members').at(-1)).toBe('INCOMPLETE');
    expect(statusesOf(run, 'pr_metrics').at(-1)).toBe('COMPLETE');
    expectRecordsToEqualTruth('pr_metrics', recordsOf(run, 'pr_metrics'), truth.pr_metrics);
  });
});

describe('faults that are not retried', () => {
  it('retries exhausted on one endpoint: that stream fails with a transient_error, the others finish', async () => {
    const { run, waits } = await readUnder([{ kind: '503', path: /metrics\/prs/ }]);
    expect(run.code).toBe(1);
    const errors = traceErrors(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ stream: 'pr_metrics', failure_type: 'transient_error' });
    expect(errors[0]?.message).toMatch(/^pr_metrics: GET \/v3\/enterprise\/metrics\/prs failed 8 times; last: HTTP 503/);
    expect(statusesOf(run, 'pr_metrics')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    for (const stream of ['members', 'daily_consumption'] as const) {
      expect(statusesOf(run, stream).at(-1)).toBe('COMPLETE');
      expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    }
    // Bounded: every PR-metrics request was tried exactly maxAttempts times, with one backoff (within
    // maxDelayMs) between attempts, and nothing else waited.
    const tries = new Map<string, number>();
    for (const r of sim.requests) if (r.path.includes('/metrics/prs')) tries.set(r.rawUrl, (tries.get(r.rawUrl) ?? 0) + 1);
    expect(new Set(tries.values())).toEqual(new Set([PATIENT_FAST_RETRY.maxAttempts]));
    expect(waits).toHaveLength(tries.size * (PATIENT_FAST_RETRY.maxAttempts - 1));
    expect(Math.max(...waits)).toBeLessThanOrEqual(PATIENT_FAST_RETRY.maxDelayMs);
  });

  it('a key without the consumption permission: config_error naming it, the other streams finish', async () => {
    const { run } = await readUnder([], { key: KEY_ENT_NO_BILLING });
    expect(run.code).toBe(1);
    const errors = traceErrors(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ stream: 'daily_consumption', failure_type: 'config_error' });
    expect(errors[0]?.message).toContain('lacks ViewAccountConsumption');
    expect(errors[0]?.message).toContain('403 on GET /v3/enterprise/consumption/daily/users/');
    // a 403 is not retried: each consumption request went out once
    const consumption = sim.requests.filter((r) => r.path.includes('/consumption/')).map((r) => r.rawUrl);
    expect(consumption.length).toBeGreaterThan(0);
    expect(new Set(consumption).size).toBe(consumption.length);
    for (const stream of ['members', 'pr_metrics'] as const) expect(statusesOf(run, stream).at(-1)).toBe('COMPLETE');
  });

  it('a 401 in the middle of a read: config_error saying the key was rejected', async () => {
    const { run } = await readUnder([{ kind: 'echo-key', status: 401, path: /metrics\/prs/, after: 3 }]);
    expect(run.code).toBe(1);
    const [error] = traceErrors(run);
    expect(error).toMatchObject({ stream: 'pr_metrics', failure_type: 'config_error' });
    expect(error?.message).toContain('rejected the API key (401 on GET /v3/enterprise/metrics/prs)');
  });

  it('a redirect to another host: refused, config_error saying to set api_url, nothing sent there', async () => {
    const origins: string[] = [];
    const dispatcher: Dispatcher = new Agent().compose((dispatch) => (options, handler) => {
      origins.push(String(options.origin));
      return dispatch(options, handler);
    });
    try {
      const { run, fired } = await readUnder([{ kind: 'redirect-other-host', path: /consumption/ }], { overrides: { dispatcher } });
      expect(fired['redirect-other-host']).toBeGreaterThan(0);
      expect(run.code).toBe(1);
      const [error] = traceErrors(run);
      expect(error).toMatchObject({ stream: 'daily_consumption', failure_type: 'config_error' });
      expect(error?.message).toContain(`to another host (${new URL(OTHER_HOST_URL).host})`);
      expect(error?.message).toContain('set api_url');
      expect(new Set(origins)).toEqual(new Set([sim.url]));
      expect(statusesOf(run, 'pr_metrics').at(-1)).toBe('COMPLETE');
    } finally {
      await dispatcher.close();
    }
  });
});

describe('a member the API no longer knows (404 on consumption)', () => {
  it('is skipped with one WARN; everyone else is read', async () => {
    let goneId: string | undefined;
    // The member leaves right after the listing named them, before their consumption is asked for
    // (onRequest runs once the listing's answer is written, before the client can read it).
    const leaving = await startSimulator({
      members: 12,
      days: 20,
      now: () => FIXED_NOW,
      onRequest: (entry) => {
        if (goneId === undefined && entry.path === MEMBERS_PATH && entry.status === 200) {
          goneId = leaving.data.members().find((m) => m.listing !== 'idp' && m.consumes)?.user_id;
          if (goneId !== undefined) leaving.data.removeMember(goneId);
        }
      },
    });
    try {
      const before = leaving.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY, includeIdpUsers: false });
      const run = await readWith({
        sim: leaving,
        config: { api_key: KEY_ENTERPRISE, start_date: START, include_idp_users: false },
        streams: { members: 'full_refresh', daily_consumption: 'incremental' },
        overrides: { retryPolicy: PATIENT_FAST_RETRY },
      });
      expect(goneId).toBeDefined();
      const after = leaving.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY, includeIdpUsers: false });
      expect(run.code, run.stdout.slice(-1_500)).toBe(0);
      const consumption404 = leaving.requests.filter((r) => r.status === 404);
      expect(consumption404.map((r) => r.pathSegments.at(-1))).toEqual([goneId]);
      expect(recordsOf(run, 'members').map((m) => m.user_id)).toContain(goneId);
      expect(before.daily_consumption.some((r) => r.user_id === goneId)).toBe(true);
      expectRecordsToEqualTruth('daily_consumption', recordsOf(run, 'daily_consumption'), after.daily_consumption);
      expect(logsOf(run, 'WARN')).toContain('daily_consumption: skipped 1 × a member the API no longer knows (404)');
    } finally {
      await leaving.close();
    }
  });
});

describe('hostile pagination', () => {
  let big: Simulator;
  let bigTruth: GroundTruth;
  /** Pages of the direct member listing. */
  let pages: number;
  beforeAll(async () => {
    big = await startSimulator({ members: 800, days: 3, now: () => FIXED_NOW });
    bigTruth = big.groundTruth({ key: KEY_ENTERPRISE, startDate: FIXED_TODAY, endDate: FIXED_TODAY });
    pages = Math.ceil(big.data.members().filter((m) => m.listing !== 'idp').length / 200);
  });
  afterAll(() => big.close());

  /** The run, and every wait the connector asked for (none is waited out). */
  let waits: number[] = [];
  async function readMembers(faults: FaultRule[]): Promise<CliRun> {
    big.setFaults(faults);
    big.clearRequests();
    const recording = recordingSleep();
    waits = recording.waits;
    try {
      return await readWith({
        sim: big,
        config: { api_key: KEY_ENTERPRISE, start_date: FIXED_TODAY },
        streams: { members: 'full_refresh' },
        overrides: { retryPolicy: PATIENT_FAST_RETRY, sleep: recording.sleep },
      });
    } finally {
      big.setFaults([]);
    }
  }

  it('the listing spans several pages (so the faults below hit real paging)', async () => {
    const run = await readMembers([]);
    expect(run.code).toBe(0);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(big.requests.filter((r) => r.path === MEMBERS_PATH).length).toBe(pages);
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), bigTruth.members);
  });

  it.each([
    ['a repeated cursor (a page loop)', { kind: 'repeat-cursor', path: MEMBERS_PATH, after: 1, times: 1 }, 'returned the same cursor twice'],
    ['a first page that always leads back to itself', { kind: 'repeat-cursor', path: MEMBERS_PATH }, 'returned the same cursor twice'],
    ['a page without items', { kind: 'no-items', path: MEMBERS_PATH, after: 1, times: 1 }, 'without an "items" array'],
    [
      'has_next_page with a null cursor while total says more items exist',
      { kind: 'null-cursor-has-next', path: MEMBERS_PATH, times: 1 },
      'sent no end_cursor after 200 of',
    ],
  ] as Array<[string, FaultRule, string]>)('%s: a clear system_error, promptly, never a loop', async (_name, rule, expected) => {
    const run = await readMembers([rule]);
    expect(run.code).toBe(1);
    const errors = traceErrors(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ stream: 'members', failure_type: 'system_error' });
    expect(errors[0]?.message).toContain(expected);
    // Promptly, never a loop: a few pages asked for, and a broken page is not retried (nothing waited).
    expect(big.requests.filter((r) => r.path === MEMBERS_PATH).length).toBeLessThanOrEqual(4);
    expect(waits).toEqual([]);
    expect(recordsOf(run, 'members')).toEqual([]); // a partial member list is never emitted
  });

  it('one replay of the first page: the repeated members are dropped with a WARN, the list is right', async () => {
    const run = await readMembers([{ kind: 'repeat-cursor', path: MEMBERS_PATH, times: 1 }]);
    expect(big.requests.filter((r) => r.path === MEMBERS_PATH).length).toBe(pages + 1);
    expect(run.code).toBe(0);
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), bigTruth.members);
    expect(logsOf(run, 'WARN')).toContain('members: skipped 200 × a direct member listed twice');
  });

  it('has_next_page with a null cursor on the last page (total reached): the list simply ends', async () => {
    const run = await readMembers([{ kind: 'null-cursor-has-next', path: MEMBERS_PATH, after: pages - 1, times: 1 }]);
    expect(big.requests.some((r) => r.fault === 'null-cursor-has-next')).toBe(true);
    expect(run.code).toBe(0);
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), bigTruth.members);
  });
});
