/**
 * Issue 13, point 4 (SPEC §5.5): active_users equals the simulator's ground truth in both scopes; every
 * dau / wau / mau window begins on a UTC period boundary (the first at start_date 00:00Z, its Monday,
 * its month's 1st), ends on one or at the read's start, and never passes the end of the period that
 * contains end_date; is_partial_period is true only for the periods containing the read start (injected
 * clock, also exactly on a boundary); a key without the metrics permission skips the default stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KEYS, KEY_ENT_NO_METRICS, KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { defaultStreams } from '../../src/streams/index.js';
import { runTap } from '../helpers/singer.js';
import { recordsOf as singerRecordsOf } from '../helpers/singer.js';
import { FIXED_NOW, expectRecordsToEqualTruth, readWith, recordsOf, type Record_ } from '../helpers/read.js';
import { configFile, linesAt } from '../singer/support.js';
import { traceErrors } from '../resilience/support.js';

const DAY = 86_400;
/** A Wednesday in mid-September: its Monday is 2025-09-15, its month starts 2025-09-01. */
const START = '2025-09-17';
const KEY_ORG_NO_METRICS = 'cog_sim_org_no_metrics_test';
const ORG = DEFAULT_KEYS[KEY_ORG]!.orgId!;
const utc = (text: string): number => Date.parse(text) / 1000;
const UNITS = { dau: 'day', wau: 'week', mau: 'month' } as const;
type Endpoint = keyof typeof UNITS;

/** Is `seconds` the first second of a UTC day / ISO week / calendar month (checked with Date, not the connector's arithmetic)? */
function isBoundary(unit: 'day' | 'week' | 'month', seconds: number): boolean {
  const date = new Date(seconds * 1000);
  if (seconds % DAY !== 0) return false;
  if (unit === 'week') return date.getUTCDay() === 1;
  if (unit === 'month') return date.getUTCDate() === 1;
  return true;
}

let clock = FIXED_NOW;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    members: 30,
    days: 200,
    sessions: 900,
    now: () => clock,
    keys: { ...DEFAULT_KEYS, [KEY_ORG_NO_METRICS]: { scope: 'organization', orgId: ORG, permissions: ['membership', 'consumption', 'sessions'] } },
  });
});
afterAll(() => sim.close());

/** One read of active_users with the connector's and the simulator's clocks at `now` (epoch ms). */
async function readActiveUsers(config: Record<string, unknown>, now = FIXED_NOW) {
  clock = now;
  sim.clearRequests();
  const run = await readWith({ sim, config: { start_date: START, ...config }, streams: { active_users: 'full_refresh' }, now });
  expect(run.code, run.stderr).toBe(0);
  const windows = sim.requests
    .map((request) => ({ request, endpoint: /\/metrics\/(dau|wau|mau)$/.exec(request.path)?.[1] as Endpoint | undefined }))
    .filter((entry): entry is { request: (typeof entry)['request']; endpoint: Endpoint } => entry.endpoint !== undefined)
    .map(({ request, endpoint }) => ({
      path: request.path,
      endpoint,
      after: Number(request.query.time_after?.[0]),
      before: Number(request.query.time_before?.[0]),
    }));
  return { run, records: recordsOf(run, 'active_users'), windows };
}

function truthOf(key: string, endDate: string, readStartMs: number) {
  return sim.groundTruth({ key, startDate: START, endDate, readStart: readStartMs / 1000 }).active_users;
}

/** The billing day label of `ms` (the connector's default end_date). */
const billingToday = (ms: number): string => new Date(ms - 8 * 3_600_000).toISOString().slice(0, 10);

describe('active_users', () => {
  it.each([
    ['enterprise', KEY_ENTERPRISE, null],
    ['organization', KEY_ORG, ORG],
  ])('%s scope (%s): equals the ground truth, org_id %s', async (_scope, key, orgId) => {
    const { records, windows } = await readActiveUsers({ api_key: key });
    const truth = truthOf(key, billingToday(FIXED_NOW), FIXED_NOW);
    for (const unit of ['day', 'week', 'month']) expect(truth.some((r) => r.period === unit && r.active_users > 0), unit).toBe(true);
    expectRecordsToEqualTruth('active_users', records, truth);
    for (const record of records) expect(record.org_id).toBe(orgId);
    const prefix = orgId === null ? '/v3/enterprise/metrics/' : `/v3/organizations/${orgId}/metrics/`;
    for (const window of windows) expect(window.path.startsWith(prefix), window.path).toBe(true);
  });

  it('asks every period from its boundary: windows start on one, end on one or at the read start, at most 100 days', async () => {
    const { windows } = await readActiveUsers({ api_key: KEY_ENTERPRISE });
    const readStart = FIXED_NOW / 1000;
    const firstStart = { dau: utc('2025-09-17T00:00:00Z'), wau: utc('2025-09-15T00:00:00Z'), mau: utc('2025-09-01T00:00:00Z') };
    for (const endpoint of ['dau', 'wau', 'mau'] as const) {
      const unit = UNITS[endpoint];
      const mine = windows.filter((w) => w.endpoint === endpoint).sort((a, b) => a.after - b.after);
      // Several windows: start_date is ~6 months back, more than one window of any unit.
      expect(mine.length, endpoint).toBeGreaterThan(1);
      expect(mine[0]!.after, endpoint).toBe(firstStart[endpoint]);
      expect(mine.at(-1)!.before, endpoint).toBe(readStart);
      for (const [i, window] of mine.entries()) {
        expect(isBoundary(unit, window.after), `${endpoint} after ${window.after}`).toBe(true);
        if (i < mine.length - 1) {
          expect(isBoundary(unit, window.before), `${endpoint} before ${window.before}`).toBe(true);
          expect(mine[i + 1]!.after, `${endpoint}: contiguous`).toBe(window.before);
        }
        expect(window.before).toBeGreaterThan(window.after);
        expect(window.before - window.after).toBeLessThanOrEqual(100 * DAY);
      }
    }
  });

  it('end_date in the middle of a week and a month: days up to end_date+1 00:00Z, that week and that month whole', async () => {
    const endDate = '2026-02-18'; // a Wednesday
    const { records, windows } = await readActiveUsers({ api_key: KEY_ENTERPRISE, end_date: endDate });
    const cap = { dau: utc('2026-02-19T00:00:00Z'), wau: utc('2026-02-23T00:00:00Z'), mau: utc('2026-03-01T00:00:00Z') };
    for (const endpoint of ['dau', 'wau', 'mau'] as const) {
      const mine = windows.filter((w) => w.endpoint === endpoint);
      for (const window of mine) expect(window.before, endpoint).toBeLessThanOrEqual(cap[endpoint]);
      expect(Math.max(...mine.map((w) => w.before)), endpoint).toBe(cap[endpoint]);
    }
    expectRecordsToEqualTruth('active_users', records, truthOf(KEY_ENTERPRISE, endDate, FIXED_NOW));
    const last = (period: string) => records.filter((r) => r.period === period).map((r) => String(r.period_start)).sort().at(-1);
    expect([last('day'), last('week'), last('month')]).toEqual(['2026-02-18T00:00:00Z', '2026-02-16T00:00:00Z', '2026-02-01T00:00:00Z']);
    const week = records.find((r) => r.period === 'week' && r.period_start === '2026-02-16T00:00:00Z') as Record_;
    expect(week.period_end).toBe('2026-02-22T23:59:59Z');
    expect(records.some((r) => r.is_partial_period)).toBe(false);
  });

  const partial = (records: readonly Record_[]) =>
    records.filter((r) => r.is_partial_period).map((r) => `${String(r.period)} ${String(r.period_start)}`).sort();

  it.each([
    // Tuesday 12:00Z: the running day, week and month.
    ['2026-03-10T12:00:00Z', ['day 2026-03-10T00:00:00Z', 'month 2026-03-01T00:00:00Z', 'week 2026-03-09T00:00:00Z']],
    // Exactly Monday 00:00Z: the day and the week that begin now hold no second yet; March runs.
    ['2026-03-02T00:00:00Z', ['month 2026-03-01T00:00:00Z']],
    // Exactly Sunday 1 March 00:00Z: a new day and month hold nothing yet; the week of 23 February runs.
    ['2026-03-01T00:00:00Z', ['week 2026-02-23T00:00:00Z']],
  ])('is_partial_period only for the periods containing the read start %s', async (at, expected) => {
    const now = Date.parse(at);
    const { records, windows } = await readActiveUsers({ api_key: KEY_ENTERPRISE }, now);
    expect(partial(records)).toEqual(expected);
    expectRecordsToEqualTruth('active_users', records, truthOf(KEY_ENTERPRISE, billingToday(now), now));
    for (const window of windows) {
      expect(window.before).toBeLessThanOrEqual(now / 1000);
      expect(window.before).toBeGreaterThan(window.after);
    }
    // Nothing is emitted for a period that starts at or after the read start.
    for (const record of records) expect(Date.parse(String(record.period_start))).toBeLessThan(now);
  });
});

describe('a key without the metrics permission', () => {
  it.each([
    [KEY_ENT_NO_METRICS, 'ViewAccountMetrics'],
    [KEY_ORG_NO_METRICS, 'ViewOrgMetrics'],
  ])('tap-devin without a catalog (%s): active_users is skipped with a WARNING naming %s, exit 0', async (key, permission) => {
    clock = FIXED_NOW;
    expect(defaultStreams(key === KEY_ENT_NO_METRICS ? 'enterprise' : 'organization').map((s) => s.name)).toContain('active_users');
    const { config } = configFile(sim, { api_key: key });
    const run = await runTap(['--config', config], { now: () => FIXED_NOW });
    expect(run.code, run.stderr).toBe(0);
    const warnings = linesAt(run.stderr, 'WARNING');
    expect(warnings.some((line) => line.startsWith('WARNING active_users: skipped') && line.includes(permission)), warnings.join('\n')).toBe(true);
    expect(linesAt(run.stderr, 'ERROR')).toEqual([]);
    expect(singerRecordsOf(run, 'active_users')).toEqual([]);
    expect(singerRecordsOf(run, 'members').length).toBeGreaterThan(0);
  });

  it('source-devin selecting it explicitly: a config_error naming the permission, exit 1', async () => {
    clock = FIXED_NOW;
    const run = await readWith({ sim, config: { api_key: KEY_ENT_NO_METRICS, start_date: START }, streams: { active_users: 'full_refresh', members: 'full_refresh' } });
    expect(run.code).toBe(1);
    expect(traceErrors(run)).toEqual([
      expect.objectContaining({ stream: 'active_users', failure_type: 'config_error', message: expect.stringContaining('ViewAccountMetrics') }),
    ]);
  });
});
