/**
 * Whole reads (`source-devin read`, in-process) against the simulator for issue 10's points 4, 7
 * and 8: every pagination shape the simulator can put on the member listing (has_next_page missing,
 * "true" or 1 with a cursor; a list that stops before its total; empty pages with fresh cursors
 * forever) either yields exactly the full member list or fails the stream with a system_error and a
 * clear message; answers over a body limit fail their stream once, unretried; and compressed answers
 * (gzip, deflate, br) are read as if they were plain. Request counts come from the simulator's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type FaultRule, type GroundTruth, type Simulator } from '../../src/simulator/index.js';
import { MAX_EMPTY_PAGES } from '../../src/devin/pagination.js';
import type { CliRun, IoOverrides } from '../helpers/cli.js';
import { ALL_INCREMENTAL } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statusesOf } from '../helpers/read.js';
import { PATIENT_FAST_RETRY, traceErrors } from './support.js';

const MEMBERS_PATH = '/v3/enterprise/members/users';

let sim: Simulator;
let truth: GroundTruth;
/** Members in the direct listing, and its pages of 200. */
let direct: number;
let pages: number;

beforeAll(async () => {
  sim = await startSimulator({ members: 650, days: 3, now: () => FIXED_NOW });
  truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: FIXED_TODAY, endDate: FIXED_TODAY });
  direct = sim.data.members().filter((m) => m.listing !== 'idp').length;
  pages = Math.ceil(direct / 200);
});
afterAll(() => sim.close());

async function readMembers(faults: FaultRule[], overrides: IoOverrides = {}): Promise<CliRun> {
  sim.setFaults(faults);
  sim.clearRequests();
  try {
    return await readWith({
      sim,
      config: { api_key: KEY_ENTERPRISE, start_date: FIXED_TODAY },
      streams: { members: 'full_refresh' },
      overrides: { retryPolicy: PATIENT_FAST_RETRY, ...overrides },
    });
  } finally {
    sim.setFaults([]);
  }
}

const listingRequests = (): number => sim.requests.filter((r) => r.path === MEMBERS_PATH).length;

function expectMembersFailed(run: CliRun, message: string): void {
  expect(run.code).toBe(1);
  const errors = traceErrors(run);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ stream: 'members', failure_type: 'system_error' });
  expect(errors[0]?.message).toContain(message);
  expect(errors[0]?.message).not.toContain('\n');
  expect(statusesOf(run, 'members').at(-1)).toBe('INCOMPLETE');
  expect(recordsOf(run, 'members')).toEqual([]); // a partial member list is never emitted
}

describe('pagination shapes on the member listing', () => {
  it('the direct listing spans several pages (so every shape below hits real paging)', async () => {
    const run = await readMembers([]);
    expect(run.code).toBe(0);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(listingRequests()).toBe(pages);
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), truth.members);
  });

  it.each([
    ['has_next_page missing', 'has-next-missing'],
    ['has_next_page "true" (and "false" on the last page)', 'has-next-string'],
    ['has_next_page 1 (and 0 on the last page)', 'has-next-number'],
  ] as const)('%s with a cursor: the full list, every page read once', async (_name, kind) => {
    const run = await readMembers([{ kind, path: MEMBERS_PATH }]);
    expect(sim.requests.filter((r) => r.fault === kind).length).toBe(pages);
    expect(run.code, run.stdout.slice(-1_000)).toBe(0);
    expect(listingRequests()).toBe(pages);
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), truth.members);
  });

  it('a list that says it ended before its total: the stream fails, no short list', async () => {
    const run = await readMembers([{ kind: 'ends-early', path: MEMBERS_PATH, times: 1 }]);
    expectMembersFailed(run, `GET ${MEMBERS_PATH} ended the list after 200 of ${direct} items; refusing to return a partial list`);
    expect(listingRequests()).toBe(1);
  });

  it(`empty pages with fresh cursors forever: the stream fails after ${MAX_EMPTY_PAGES} requests`, async () => {
    const run = await readMembers([{ kind: 'empty-pages', path: MEMBERS_PATH }]);
    expectMembersFailed(run, `returned ${MAX_EMPTY_PAGES} empty pages in a row that each said more would follow`);
    const cursors = sim.requests.filter((r) => r.path === MEMBERS_PATH).map((r) => r.query['after']?.[0]);
    expect(cursors).toHaveLength(MAX_EMPTY_PAGES);
    expect(new Set(cursors).size, 'every cursor was fresh').toBe(MAX_EMPTY_PAGES);
  });
});

describe('answers over a body limit', () => {
  it('nesting 5,000 deep: the stream fails once with the depth limit, not a stack overflow or retries', async () => {
    const run = await readMembers([{ kind: 'deep-body', path: MEMBERS_PATH }]);
    expectMembersFailed(run, `GET ${MEMBERS_PATH}: the answer nests deeper than the limit of 256 levels; not retried`);
    expect(listingRequests()).toBe(1);
  });

  it('a page over the (injected, 8 KiB) size limit: the stream fails once naming the limit and the path', async () => {
    const run = await readMembers([], { bodyLimits: { maxBytes: 8 * 1024, maxDepth: 256, maxContainers: 1_000_000 } });
    expectMembersFailed(run, `GET ${MEMBERS_PATH}: the answer is larger than the 8 KiB limit for one response body (decoded); not retried`);
    expect(listingRequests()).toBe(1);
  });
});

describe('compressed answers from the simulator', () => {
  const START = '2026-03-01';
  let small: Simulator;
  let smallTruth: GroundTruth;
  beforeAll(async () => {
    small = await startSimulator({ members: 12, days: 20, now: () => FIXED_NOW });
    smallTruth = small.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
  });
  afterAll(() => small.close());

  it.each(['gzip', 'deflate', 'br', 'auto'] as const)('compression %s: every record arrives, every answer was encoded', async (mode) => {
    small.setCompression(mode);
    small.clearRequests();
    try {
      const run = await readWith({
        sim: small,
        config: { api_key: KEY_ENTERPRISE, start_date: START },
        streams: ALL_INCREMENTAL,
        overrides: { retryPolicy: PATIENT_FAST_RETRY },
      });
      expect(run.code, run.stdout.slice(-1_000)).toBe(0);
      for (const stream of ['members', 'daily_consumption', 'pr_metrics'] as const) {
        expectRecordsToEqualTruth(stream, recordsOf(run, stream), smallTruth[stream]);
      }
      expect(small.requests.length).toBeGreaterThan(10);
      for (const request of small.requests) {
        expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
        expect(request.contentEncoding).toBe(mode === 'auto' ? 'br' : mode);
      }
      expect(small.requests.every((r) => r.status === 200)).toBe(true); // nothing was retried
    } finally {
      small.setCompression(null);
    }
  });
});
