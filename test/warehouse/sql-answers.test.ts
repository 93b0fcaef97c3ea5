/**
 * Issue 14 point 6: the SQL files the README shows (sql/*.sql) run against DuckDB on a real read of
 * the simulator, loaded by the demo's own loader (scripts/warehouse.mjs), and each answer equals the
 * same question computed in JavaScript from the simulator's ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStream } from '../../src/streams/index.js';
import { syncModesOf } from '../../src/streams/types.js';
import { KEY_ENTERPRISE, startSimulator, type GroundTruth, type Simulator } from '../../src/simulator/index.js';
import { FIXED_NOW, FIXED_TODAY, type Record_ } from '../helpers/read.js';
import { tempDir } from '../helpers/files.js';
import { question, readInto, warehouseModule, type Row, type Warehouse, type WarehouseModule } from './support.js';

const START = '2026-01-20';
const cents = (acus: unknown): number => Math.round(Number(acus ?? 0) * 100);
/** The Monday (YYYY-MM-DD) of the ISO week holding a YYYY-MM-DD billing day. */
function mondayOf(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return new Date(ms - weekday * 86_400_000).toISOString().slice(0, 10);
}
/** Within a rounding step: the SQL rounds sums of fractions to cents, JavaScript may round a half the other way. */
function expectCents(actual: unknown, expected: number, what: string): void {
  expect(Math.abs(Number(actual) - expected), `${what}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(0.0100001);
}

let sim: Simulator;
let module: WarehouseModule;
let warehouse: Warehouse;
let truth: GroundTruth & Record<string, unknown>;
const hasActiveUsers = findStream('active_users') !== undefined;
const dir = tempDir();

beforeAll(async () => {
  sim = await startSimulator({ members: 25, days: 60, now: () => FIXED_NOW });
  module = await warehouseModule();
  const names = ['members', 'daily_consumption', 'daily_consumption_totals', 'daily_consumption_by_service_user', 'sessions', 'session_pull_requests'];
  if (hasActiveUsers) names.push('active_users');
  const streams = names.map((name) => findStream(name)!);
  const modes = Object.fromEntries(streams.map((s) => [s.name, syncModesOf(s).includes('incremental') ? 'incremental' : 'full_refresh'] as const));
  const run = await readInto(dir, 'read', { sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams: modes });
  expect(run.code, run.stderr).toBe(0);
  warehouse = await module.openWarehouse(dir.path('answers.duckdb'));
  await module.loadRead(warehouse, streams, module.recordsByStream(run.messages as Row[]), modes);
  truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY }) as GroundTruth & Record<string, unknown>;
});
afterAll(async () => {
  warehouse?.close();
  await sim?.close();
});

async function rowsOf(name: string): Promise<Row[]> {
  const result = await module.answer(warehouse, question(module, name));
  expect(result.missing, `sql/${name}.sql found no table`).toBeUndefined();
  return result.rows!;
}

describe('the README questions, answered by DuckDB from sql/*.sql, equal the ground truth', () => {
  it('ACUs per member per week', async () => {
    const expected = new Map<string, { email: unknown; cents: number }>();
    for (const record of truth.daily_consumption) {
      const key = `${mondayOf(record.date)} ${record.user_id}`;
      const entry = expected.get(key) ?? { email: record.email, cents: 0 };
      entry.cents += cents(record.acus);
      expected.set(key, entry);
    }
    const rows = await rowsOf('acus_per_member_per_week');
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.map((r) => `${r.week} ${r.user_id}`).sort()).toEqual([...expected.keys()].sort());
    for (const row of rows) {
      const want = expected.get(`${row.week} ${row.user_id}`)!;
      expect(row.email).toBe(want.email);
      expect(row.acus).toBeCloseTo(want.cents / 100, 9);
    }
  });

  it('ACUs per merged PR per repository', async () => {
    const acusOf = new Map(truth.sessions.map((s) => [s.session_id, Number((s as Record_).acus_consumed ?? 0)]));
    const merged = new Map<string, { session_id: string; pr_url: string; repository: string }>();
    for (const pr of truth.session_pull_requests as unknown as Record_[]) {
      if (pr.pr_state !== 'merged' || pr.repository === null) continue;
      merged.set(JSON.stringify([pr.session_id, pr.pr_url, pr.repository]), pr as never);
    }
    const perSession = new Map<string, number>();
    for (const pr of merged.values()) perSession.set(pr.session_id, (perSession.get(pr.session_id) ?? 0) + 1);
    const byRepository = new Map<string, { urls: Set<string>; acus: number }>();
    for (const pr of merged.values()) {
      const entry = byRepository.get(pr.repository) ?? { urls: new Set(), acus: 0 };
      entry.urls.add(pr.pr_url);
      entry.acus += acusOf.get(pr.session_id)! / perSession.get(pr.session_id)!;
      byRepository.set(pr.repository, entry);
    }
    const rows = await rowsOf('acus_per_merged_pr_per_repository');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.map((r) => r.repository).sort()).toEqual([...byRepository.keys()].sort());
    for (const row of rows) {
      const want = byRepository.get(row.repository as string)!;
      expect(row.merged_prs).toBe(want.urls.size);
      expectCents(row.acus, want.acus, `${row.repository} acus`);
      expectCents(row.acus_per_merged_pr, want.acus / want.urls.size, `${row.repository} acus_per_merged_pr`);
    }
    // Descending cost per merged PR, as the file orders it.
    const costs = rows.map((r) => Number(r.acus_per_merged_pr));
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
  });

  it('unattributed ACUs per billing day', async () => {
    const sumByDate = (records: readonly object[]): Map<string, number> => {
      const sums = new Map<string, number>();
      for (const r of records as Record_[]) sums.set(r.date as string, (sums.get(r.date as string) ?? 0) + cents(r.acus));
      return sums;
    };
    const members = sumByDate(truth.daily_consumption);
    const serviceUsers = sumByDate(truth.daily_consumption_by_service_user);
    const rows = await rowsOf('unattributed_acus_per_day');
    const totals = truth.daily_consumption_totals as unknown as Record_[];
    expect(rows.map((r) => r.date)).toEqual(totals.map((t) => t.date).sort());
    for (const row of rows) {
      const total = cents(totals.find((t) => t.date === row.date)!.acus);
      expect(row.total_acus).toBeCloseTo(total / 100, 9);
      const unattributed = total - (members.get(row.date as string) ?? 0) - (serviceUsers.get(row.date as string) ?? 0);
      expect(row.unattributed_acus).toBeCloseTo(unattributed / 100, 9);
    }
  });

  it('weekly active users (or one clear skip while this version has no active_users stream)', async () => {
    const result = await module.answer(warehouse, question(module, 'weekly_active_users'));
    if (!hasActiveUsers) {
      expect(result).toEqual({ missing: 'active_users' });
      return;
    }
    const weeks = (truth.active_users as unknown as Record_[]).filter((r) => r.period === 'week');
    expect(weeks.length).toBeGreaterThan(3);
    expect(result.rows).toEqual(weeks.map((r) => ({
      week: (r.period_start as string).slice(0, 10),
      org_id: r.org_id,
      active_users: r.active_users,
      is_partial_period: r.is_partial_period,
    })));
  });
});
