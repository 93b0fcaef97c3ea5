/**
 * Incremental state keyed by billing date: the cursor, the lookback, the signpost (the cursor never
 * passes yesterday), billing-day boundaries at 08:00 UTC, future cursors, state formats, window
 * shrinking and request economy — asserted on records and on the simulator's request log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dayStartSeconds, formatDay, parseDay } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ALL_INCREMENTAL } from '../helpers/files.js';
import {
  FIXED_NOW,
  expectRecordsToEqualTruth,
  lastStateArray,
  readWith,
  recordsOf,
  statesOf,
  streamStateOf,
} from '../helpers/read.js';

const DAY_MS = 86_400_000;
let clock = FIXED_NOW;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ members: 12, days: 40, now: () => clock });
});
afterAll(() => sim.close());
beforeEach(() => {
  clock = FIXED_NOW;
  sim.clearRequests();
  sim.setMaxConsumptionWindowDays(null);
});

const day = (text: string): number => parseDay(text) as number;
const INCREMENTAL_ONLY = { daily_consumption: 'incremental', pr_metrics: 'incremental' } as const;

/** Billing days each consumption / PR request of the log asked for, as [first, last]. */
function requestedDays(kind: 'consumption' | 'prs'): Array<[string, string]> {
  return sim.requests
    .filter((r) => (kind === 'consumption' ? r.path.includes('/consumption/daily/users/') : r.path.endsWith('/metrics/prs')))
    .map((r) => {
      const after = Number(r.query.time_after?.[0]);
      const before = Number(r.query.time_before?.[0]);
      return [formatDay((after - 28_800) / 86_400), formatDay((before - 28_800) / 86_400 - 1)];
    });
}

function cursorOf(run: Parameters<typeof statesOf>[0], stream: string): unknown {
  return streamStateOf(statesOf(run, stream).at(-1) as Record<string, unknown>).date;
}

describe('the cursor', () => {
  it('is yesterday after a read (today is read, but partial) and the next read starts at cursor − lookback', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-02-10', lookback_days: 3 };
    const first = await readWith({ sim, config, streams: ALL_INCREMENTAL });
    expect(first.code).toBe(0);
    expect(cursorOf(first, 'daily_consumption')).toBe('2026-03-09');
    expect(cursorOf(first, 'pr_metrics')).toBe('2026-03-09');
    expect(recordsOf(first, 'pr_metrics').map((r) => r.date)).toContain('2026-03-10');

    // Two days later, with the state Airbyte hands back.
    clock = FIXED_NOW + 2 * DAY_MS;
    sim.clearRequests();
    const second = await readWith({ sim, config, streams: ALL_INCREMENTAL, state: lastStateArray(first), now: clock });
    expect(second.code).toBe(0);
    for (const [from, to] of requestedDays('consumption')) {
      expect(from).toBe('2026-03-06'); // 03-09 − 3
      expect(to).toBe('2026-03-12');
    }
    expect(requestedDays('prs').map(([d]) => d).sort()).toEqual([
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
      '2026-03-12',
    ]);
    for (const record of [...recordsOf(second, 'daily_consumption'), ...recordsOf(second, 'pr_metrics')]) {
      expect(String(record.date) >= '2026-03-06').toBe(true);
    }
    expect(cursorOf(second, 'daily_consumption')).toBe('2026-03-11');
    const truth = sim.groundTruth({ startDate: '2026-03-06', endDate: '2026-03-12' });
    expectRecordsToEqualTruth('daily_consumption', recordsOf(second, 'daily_consumption'), truth.daily_consumption);
  });

  it('picks up data restated inside the lookback', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-03-01', lookback_days: 2 };
    const first = await readWith({ sim, config, streams: INCREMENTAL_ONLY });
    const member = sim.groundTruth({ startDate: '2026-03-01', endDate: '2026-03-10' }).members[0] as { user_id: string };
    const restated = { date: dayStartSeconds(day('2026-03-08')), acus: 99.5, acus_by_product: { devin: 99.5, cascade: 0, terminal: 0, review: null } };
    sim.data.setConsumption(member.user_id, day('2026-03-08'), restated);
    try {
      const second = await readWith({ sim, config, streams: INCREMENTAL_ONLY, state: lastStateArray(first) });
      const row = recordsOf(second, 'daily_consumption').find((r) => r.user_id === member.user_id && r.date === '2026-03-08');
      expect(row).toMatchObject({ acus: 99.5, acus_by_product: { devin: 99.5, review: null } });
    } finally {
      sim.data.setConsumption(member.user_id, day('2026-03-08'), null);
    }
  });

  it('with lookback_days 0 still re-reads yesterday and today on the next read (the signpost)', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-03-01', lookback_days: 0 };
    const first = await readWith({ sim, config, streams: INCREMENTAL_ONLY });
    expect(cursorOf(first, 'daily_consumption')).toBe('2026-03-09');
    sim.clearRequests();
    const second = await readWith({ sim, config, streams: INCREMENTAL_ONLY, state: lastStateArray(first) });
    expect(new Set(requestedDays('consumption').map(([from, to]) => `${from}..${to}`))).toEqual(new Set(['2026-03-09..2026-03-10']));
    expect(requestedDays('prs').map(([d]) => d).sort()).toEqual(['2026-03-09', '2026-03-10']);
    expect(cursorOf(second, 'daily_consumption')).toBe('2026-03-09');
  });

  it('never moves backwards when the re-read lookback ends before it', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-02-01', lookback_days: 10, window_days: 3 };
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'daily_consumption' }, stream_state: { date: '2026-03-09' } } }];
    const run = await readWith({ sim, config, streams: { daily_consumption: 'incremental' }, state });
    const dates = statesOf(run, 'daily_consumption').map((s) => streamStateOf(s).date);
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date).toBe('2026-03-09');
  });
});

describe('billing-day boundaries', () => {
  it.each([
    { at: '2026-03-10T07:59:59Z', today: '2026-03-09', cursor: '2026-03-08' },
    { at: '2026-03-10T08:00:00Z', today: '2026-03-10', cursor: '2026-03-09' },
  ])('at $at today is $today', async ({ at, today, cursor }) => {
    clock = Date.parse(at);
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-03-05' };
    const run = await readWith({ sim, config, streams: INCREMENTAL_ONLY, now: clock });
    expect(cursorOf(run, 'daily_consumption')).toBe(cursor);
    expect(cursorOf(run, 'pr_metrics')).toBe(cursor);
    const prDays = recordsOf(run, 'pr_metrics').map((r) => r.date);
    expect(prDays.at(-1) === today || prDays.includes(today)).toBe(true);
    expect(prDays).not.toContain(formatDay(day(today) + 1));
    const lastRequest = sim.requests.filter((r) => r.path.endsWith('/metrics/prs')).map((r) => Number(r.query.time_before?.[0]));
    expect(Math.max(...lastRequest)).toBe(dayStartSeconds(day(today) + 1));
    expect(Math.min(...sim.requests.filter((r) => r.path.endsWith('/metrics/prs')).map((r) => Number(r.query.time_after?.[0])))).toBe(
      Date.parse('2026-03-05T08:00:00Z') / 1000,
    );
    for (const record of recordsOf(run, 'daily_consumption')) expect(String(record.date) <= today).toBe(true);
  });
});

describe('a cursor later than the range', () => {
  it.each([
    { name: 'a future cursor', state: '2031-01-01', config: {} },
    { name: 'a cursor after end_date', state: '2026-03-05', config: { end_date: '2026-03-01' } },
  ])('$name gives no records and one STATE per stream, the cursor kept', async ({ state, config }) => {
    const input = ['daily_consumption', 'pr_metrics'].map((name) => ({
      type: 'STREAM',
      stream: { stream_descriptor: { name }, stream_state: { date: state, ...(name === 'pr_metrics' ? { granularity: 'day' } : {}) } },
    }));
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: '2026-02-20', ...config }, streams: INCREMENTAL_ONLY, state: input });
    expect(run.code).toBe(0);
    expect(run.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
    for (const stream of ['daily_consumption', 'pr_metrics']) {
      expect(statesOf(run, stream)).toHaveLength(1);
      expect(cursorOf(run, stream)).toBe(state);
    }
    expect(sim.requests.filter((r) => r.path.includes('consumption') || r.path.includes('metrics'))).toHaveLength(0);
  });
});

describe('the --state file', () => {
  const config = { api_key: KEY_ENTERPRISE, start_date: '2026-03-01', lookback_days: 1 };
  const consumptionFrom = () => new Set(requestedDays('consumption').map(([from]) => from));

  it('accepts a legacy object blob', async () => {
    await readWith({ sim, config, streams: INCREMENTAL_ONLY, state: { daily_consumption: { date: '2026-03-07' } } });
    expect(consumptionFrom()).toEqual(new Set(['2026-03-06']));
  });

  it('accepts a GLOBAL state', async () => {
    const state = [{ type: 'GLOBAL', global: { stream_states: [{ stream_descriptor: { name: 'daily_consumption' }, stream_state: { date: '2026-03-08' } }] } }];
    await readWith({ sim, config, streams: INCREMENTAL_ONLY, state });
    expect(consumptionFrom()).toEqual(new Set(['2026-03-07']));
  });

  it('ignores state for streams that are not in the catalog', async () => {
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'playbooks' }, stream_state: { date: '2026-03-08' } } }];
    const run = await readWith({ sim, config, streams: { daily_consumption: 'incremental' }, state });
    expect(run.code).toBe(0);
    expect(consumptionFrom()).toEqual(new Set(['2026-03-01']));
    expect(statesOf(run).every((s) => (s.stream as { stream_descriptor: { name: string } }).stream_descriptor.name === 'daily_consumption')).toBe(true);
  });

  it('is ignored by a full refresh', async () => {
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'daily_consumption' }, stream_state: { date: '2026-03-08' } } }];
    await readWith({ sim, config, streams: { daily_consumption: 'full_refresh' }, state });
    expect(consumptionFrom()).toEqual(new Set(['2026-03-01']));
  });

  it('is not reused for pr_metrics when the granularity changed', async () => {
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'pr_metrics' }, stream_state: { date: '2026-03-08', granularity: 'user_day' } } }];
    const run = await readWith({ sim, config, streams: { pr_metrics: 'incremental' }, state });
    expect(requestedDays('prs').map(([d]) => d).sort()[0]).toBe('2026-03-01');
    expect(run.messages.some((m) => m.type === 'LOG' && /granularity user_day/.test(String((m.log as { message: string }).message)))).toBe(true);
  });
});

describe('consumption windows', () => {
  it('ask up to window_days billing days per member, one request per member per window', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-02-01', window_days: 10 };
    const run = await readWith({ sim, config, streams: { daily_consumption: 'full_refresh' } });
    const members = sim.groundTruth({ startDate: '2026-02-01', endDate: '2026-03-10' }).members.length;
    const days = day('2026-03-10') - day('2026-02-01') + 1; // 38
    expect(requestedDays('consumption')).toHaveLength(members * Math.ceil(days / 10));
    for (const [from, to] of requestedDays('consumption')) expect(day(to) - day(from) + 1).toBeLessThanOrEqual(10);
    expect(run.code).toBe(0);
  });

  it('shrink by halves when the API rejects a window as too long, saying so once in a LOG', async () => {
    sim.setMaxConsumptionWindowDays(7);
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-02-01', window_days: 30 };
    const run = await readWith({ sim, config, streams: { daily_consumption: 'full_refresh' } });
    expect(run.code).toBe(0);
    const truth = sim.groundTruth({ startDate: '2026-02-01', endDate: '2026-03-10' });
    expectRecordsToEqualTruth('daily_consumption', recordsOf(run, 'daily_consumption'), truth.daily_consumption);
    const warnings = run.messages.filter(
      (m) => m.type === 'LOG' && /rejected a \d+-day window/.test(String((m.log as { message: string }).message)),
    );
    expect(warnings.map((m) => (m.log as { message: string }).message)).toEqual([
      expect.stringMatching(/rejected a 30-day window \(HTTP 422.*using 15-day windows/),
      expect.stringMatching(/rejected a 15-day window \(HTTP 422.*using 7-day windows/),
    ]);
    const accepted = sim.requests.filter((r) => r.path.includes('/consumption/daily/users/') && r.status === 200);
    for (const request of accepted) {
      expect(Number(request.query.time_before?.[0]) - Number(request.query.time_after?.[0])).toBeLessThanOrEqual(7 * 86_400);
    }
  });
});

describe('request economy', () => {
  it('does not grow when checkpoints come after every member', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-02-01', window_days: 15 };
    const coarse = await readWith({ sim, config, streams: INCREMENTAL_ONLY, policy: { everyUnits: 1_000, everyMs: 60_000 } });
    const coarseRequests = sim.requests.length;
    sim.clearRequests();
    const fine = await readWith({ sim, config, streams: INCREMENTAL_ONLY, policy: { everyUnits: 1, everyMs: 60_000 } });
    expect(sim.requests.length).toBe(coarseRequests);
    expect(statesOf(fine).length).toBeGreaterThan(statesOf(coarse).length + 10);
    const members = sim.groundTruth({ startDate: '2026-02-01', endDate: '2026-03-10' }).members.length;
    const days = 38;
    // /v3/self + member pages (direct and IdP) + members × windows + one PR request per day.
    expect(sim.requests.length).toBe(1 + 2 + members * Math.ceil(days / 15) + days);
  });
});
