/**
 * Issue 13, point 1: daily_consumption_totals (both scopes), daily_consumption_by_organization and
 * daily_consumption_by_service_user (enterprise), organizations and service_users (enterprise)
 * equal the simulator's ground truth; the enterprise-only ones are not discovered with an org key;
 * windows start on 08:00Z billing-day boundaries and span at most window_days; is_partial_day is
 * true only on today's billing day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_DAY_OFFSET_SECONDS, SECONDS_PER_DAY } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf } from '../helpers/read.js';

const START = '2026-01-20';
const ENTERPRISE_ONLY = ['consumption_cycles', 'daily_consumption_by_organization', 'daily_consumption_by_service_user', 'organizations', 'service_users'] as const;
const CONSUMPTION = ['daily_consumption_totals', 'daily_consumption_by_organization', 'daily_consumption_by_service_user'] as const;
const ALL = [...CONSUMPTION, 'organizations', 'service_users', 'consumption_cycles'] as const;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ members: 20, days: 60, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

describe('in enterprise scope', () => {
  it('every new stream equals the ground truth', async () => {
    const streams = Object.fromEntries(ALL.map((s) => [s, 'full_refresh'] as const));
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START, window_days: 15 }, streams });
    expect(run.code).toBe(0);
    const truth = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY });
    for (const stream of ALL) {
      expect(truth[stream].length, stream).toBeGreaterThan(0);
      expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    }
    // Inactive service users are listed (and their consumption read) too.
    const users = recordsOf(run, 'service_users');
    expect(users.some((u) => u.expires_at !== null)).toBe(true);
    expect(users.some((u) => u.deleted_at !== null)).toBe(true);
    const inactive = new Set(users.filter((u) => u.expires_at !== null || u.deleted_at !== null).map((u) => u.service_user_id));
    expect(recordsOf(run, 'daily_consumption_by_service_user').some((r) => inactive.has(r.service_user_id as string))).toBe(true);
    expect(sim.requests.some((r) => r.path === '/v3/enterprise/members/service-users' && r.query.include_inactive?.[0] === 'true')).toBe(true);
    // Cycles: every one the API lists (history before start_date too), contiguous, on 08:00Z boundaries.
    const cycles = recordsOf(run, 'consumption_cycles');
    expect(cycles.some((c) => (c.first_billing_day as string) < START)).toBe(true);
    for (const [i, cycle] of cycles.entries()) {
      expect(cycle.cycle_start as string).toMatch(/T08:00:00Z$/);
      if (i > 0) expect(cycle.cycle_start).toBe(cycles[i - 1]!.cycle_end);
    }
  });

  it('asks windows that start on 08:00Z and span at most window_days, for each consumption endpoint', async () => {
    sim.clearRequests();
    const streams = Object.fromEntries(CONSUMPTION.map((s) => [s, 'incremental'] as const));
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START, window_days: 7 }, streams });
    expect(run.code).toBe(0);
    const windows = sim.requests.filter((r) => r.path.startsWith('/v3/enterprise/consumption/daily') && !r.path.includes('/users/'));
    for (const prefix of ['/v3/enterprise/consumption/daily', '/v3/enterprise/consumption/daily/organizations/', '/v3/enterprise/consumption/daily/service-users/']) {
      expect(windows.some((r) => (prefix.endsWith('/') ? r.path.startsWith(prefix) : r.path === prefix)), prefix).toBe(true);
    }
    for (const request of windows) {
      const after = Number(request.query.time_after?.[0]);
      const before = Number(request.query.time_before?.[0]);
      expect((after - BILLING_DAY_OFFSET_SECONDS) % SECONDS_PER_DAY).toBe(0);
      expect((before - BILLING_DAY_OFFSET_SECONDS) % SECONDS_PER_DAY).toBe(0);
      expect(before - after).toBeGreaterThan(0);
      expect(before - after).toBeLessThanOrEqual(7 * SECONDS_PER_DAY);
    }
  });

  it('marks is_partial_day only on today\'s billing day', async () => {
    const streams = Object.fromEntries(CONSUMPTION.map((s) => [s, 'full_refresh'] as const));
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams });
    for (const stream of CONSUMPTION) {
      const records = recordsOf(run, stream);
      expect(records.some((r) => r.date === FIXED_TODAY), stream).toBe(true);
      for (const record of records) expect(record.is_partial_day, `${stream} ${String(record.date)}`).toBe(record.date === FIXED_TODAY);
    }
  });
});

describe('in organization scope', () => {
  it('daily_consumption_totals equals the organization\'s ground truth (members and service users)', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { daily_consumption_totals: 'full_refresh' } });
    expect(run.code).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ORG, startDate: START, endDate: FIXED_TODAY });
    expect(truth.daily_consumption_totals.length).toBeGreaterThan(0);
    expectRecordsToEqualTruth('daily_consumption_totals', recordsOf(run, 'daily_consumption_totals'), truth.daily_consumption_totals);
    for (const record of recordsOf(run, 'daily_consumption_totals')) expect(record.org_id).toBe('org-sim-alpha');
  });

  it('does not discover the enterprise-only streams', async () => {
    const names = async (key: string): Promise<string[]> => {
      const config = scratchDir().json('discover.json', { api_key: key, api_url: sim.url });
      const run = await runAirbyte(['discover', '--config', config], { now: () => FIXED_NOW });
      const catalog = run.messages.find((m) => m.type === 'CATALOG')?.catalog as { streams: Array<{ name: string }> };
      return catalog.streams.map((s) => s.name);
    };
    const org = await names(KEY_ORG);
    const enterprise = await names(KEY_ENTERPRISE);
    expect(org).toContain('daily_consumption_totals');
    for (const stream of ENTERPRISE_ONLY) {
      expect(org).not.toContain(stream);
      expect(enterprise).toContain(stream);
    }
  });
});
