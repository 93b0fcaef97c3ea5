/**
 * Issue 13, point 5: in one enterprise read, per billing day, daily_consumption_totals equals the
 * sum of daily_consumption (members) plus daily_consumption_by_service_user — the simulator's data
 * is consistent, so a lost page, member or service user shows up as a broken sum. Also per
 * organization: the organizations' rows add up to the total.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { FIXED_NOW, readWith, recordsOf, type Record_ } from '../helpers/read.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 30, days: 40, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

/** Cents per date (integer arithmetic: ACUs have two decimals). */
function centsByDate(records: readonly Record_[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const record of records) {
    const date = record.date as string;
    sums.set(date, (sums.get(date) ?? 0) + Math.round((record.acus as number) * 100));
  }
  return sums;
}

it('totals = members + service users, and = the organizations, per billing day', async () => {
  const streams = {
    members: 'full_refresh',
    daily_consumption: 'incremental',
    daily_consumption_totals: 'incremental',
    daily_consumption_by_service_user: 'incremental',
    daily_consumption_by_organization: 'incremental',
  } as const;
  const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: '2026-02-05', window_days: 9 }, streams });
  expect(run.code).toBe(0);
  const totals = centsByDate(recordsOf(run, 'daily_consumption_totals'));
  const members = centsByDate(recordsOf(run, 'daily_consumption'));
  const serviceUsers = centsByDate(recordsOf(run, 'daily_consumption_by_service_user'));
  const organizations = centsByDate(recordsOf(run, 'daily_consumption_by_organization'));
  expect(totals.size).toBeGreaterThan(20);
  expect([...serviceUsers.values()].some((cents) => cents > 0)).toBe(true);
  for (const [date, total] of totals) {
    expect((members.get(date) ?? 0) + (serviceUsers.get(date) ?? 0), date).toBe(total);
    expect(organizations.get(date) ?? 0, date).toBe(total);
  }
});
