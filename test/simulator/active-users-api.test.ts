// dau / wau / mau: arrays of UTC periods overlapping the window, counts consistent with the
// sessions (distinct user_ids that created >= min_sessions sessions in period ∩ window).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ENT_NO_METRICS,
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  startSimulator,
  type ActiveUsersPoint,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, fixedClock, get, NOW_MS } from './helpers.js';
import { walkList } from './session-helpers.js';

const NOW = NOW_MS / 1000; // Wednesday 2025-12-10T12:00:00Z
const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0): number => Date.UTC(y, m - 1, d, h, min, s) / 1000;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 60, sessions: 1_500 });
});
afterAll(async () => {
  await sim.close();
});

async function points(path: string, from: number, to: number, key = KEY_ENTERPRISE, extra = ''): Promise<ActiveUsersPoint[]> {
  const reply = await get(sim, `${path}?time_after=${from}&time_before=${to}${extra}`, key);
  expect(reply.status, reply.text).toBe(200);
  expect(Array.isArray(reply.json)).toBe(true);
  return reply.json as ActiveUsersPoint[];
}

/** Distinct user_ids with >= min sessions created in [from, to), read through the sessions list. */
async function activeFromSessions(from: number, to: number, orgPath = '/v3/enterprise', key = KEY_ENTERPRISE, min = 1): Promise<number> {
  const { items } = await walkList(sim, `${orgPath}/sessions`, [['created_after', from], ['created_before', to]], key);
  const counts = new Map<string, number>();
  for (const item of items) {
    const user = item['user_id'] as string | null;
    if (user !== null) counts.set(user, (counts.get(user) ?? 0) + 1);
  }
  return [...counts.values()].filter((n) => n >= min).length;
}

describe('active users', () => {
  it('dau: one point per UTC day overlapping the window, counts from the sessions', async () => {
    const from = utc(2025, 12, 1);
    const got = await points('/v3/enterprise/metrics/dau', from, utc(2025, 12, 8));
    expect(got.map((p) => p.start_time)).toEqual([0, 1, 2, 3, 4, 5, 6].map((d) => from + d * 86_400));
    for (const point of got) {
      expect(point.end_time).toBe(point.start_time + 86_399);
      expect(point.active_users).toBe(await activeFromSessions(point.start_time, point.end_time + 1));
    }
    expect(got.some((p) => p.active_users > 0)).toBe(true);
  });

  it('wau: ISO weeks Monday 00:00Z .. Sunday 23:59:59Z; a window that cuts a week counts only its part', async () => {
    const wednesday = utc(2025, 11, 19);
    const got = await points('/v3/enterprise/metrics/wau', wednesday, utc(2025, 12, 8));
    expect(got.map((p) => [p.start_time, p.end_time])).toEqual([
      [utc(2025, 11, 17), utc(2025, 11, 23, 23, 59, 59)],
      [utc(2025, 11, 24), utc(2025, 11, 30, 23, 59, 59)],
      [utc(2025, 12, 1), utc(2025, 12, 7, 23, 59, 59)],
    ]);
    expect(got[0]!.active_users).toBe(await activeFromSessions(wednesday, utc(2025, 11, 24)));
    const whole = await points('/v3/enterprise/metrics/wau', utc(2025, 11, 17), utc(2025, 11, 24));
    expect(whole[0]!.active_users).toBe(await activeFromSessions(utc(2025, 11, 17), utc(2025, 11, 24)));
    expect(whole[0]!.active_users).toBeGreaterThanOrEqual(got[0]!.active_users);
    expect(got[1]!.active_users).toBe(await activeFromSessions(utc(2025, 11, 24), utc(2025, 12, 1)));
  });

  it('mau: UTC calendar months; distinct users, not a sum of days', async () => {
    const got = await points('/v3/enterprise/metrics/mau', utc(2025, 11, 1), NOW);
    expect(got.map((p) => [p.start_time, p.end_time])).toEqual([
      [utc(2025, 11, 1), utc(2025, 11, 30, 23, 59, 59)],
      [utc(2025, 12, 1), utc(2025, 12, 31, 23, 59, 59)],
    ]);
    expect(got[0]!.active_users).toBe(await activeFromSessions(utc(2025, 11, 1), utc(2025, 12, 1)));
    expect(got[1]!.active_users).toBe(await activeFromSessions(utc(2025, 12, 1), NOW));
    const days = await points('/v3/enterprise/metrics/dau', utc(2025, 11, 1), utc(2025, 12, 1));
    expect(days).toHaveLength(30);
    expect(got[0]!.active_users).toBeLessThan(days.reduce((sum, p) => sum + p.active_users, 0));
  });

  it('min_sessions, org scope and the data API agree', async () => {
    const from = utc(2025, 11, 1);
    const to = utc(2025, 12, 1);
    const twice = await points('/v3/enterprise/metrics/mau', from, to, KEY_ENTERPRISE, '&min_sessions=2');
    expect(twice[0]!.active_users).toBe(await activeFromSessions(from, to, '/v3/enterprise', KEY_ENTERPRISE, 2));
    expect(twice[0]!.active_users).toBeGreaterThan(0);
    const alpha = await points('/v3/organizations/org-sim-alpha/metrics/mau', from, to, KEY_ORG);
    const beta = await points('/v3/organizations/org-sim-beta/metrics/mau', from, to, KEY_ORG_BETA);
    expect(alpha[0]!.active_users).toBe(await activeFromSessions(from, to, '/v3/organizations/org-sim-alpha', KEY_ORG));
    expect(beta[0]!.active_users).toBe(await activeFromSessions(from, to, '/v3/organizations/org-sim-beta', KEY_ORG_BETA));
    expect(sim.data.activeUsers('month', from, to, { orgId: 'org-sim-alpha' })).toEqual(alpha);
    expect(sim.data.activeUsers('month', from, to)).toEqual(await points('/v3/enterprise/metrics/mau', from, to));
    const alphaViaEnterprise = await points('/v3/enterprise/metrics/mau', from, to, KEY_ENTERPRISE, '&org_ids=org-sim-alpha');
    expect(alphaViaEnterprise).toEqual(alpha);
    const both = await points('/v3/enterprise/metrics/mau', from, to, KEY_ENTERPRISE, '&org_ids=org-sim-alpha&org_ids=org-sim-beta');
    // the same user active in both orgs counts once for the enterprise
    expect(both).toEqual(await points('/v3/enterprise/metrics/mau', from, to));
    const whole = await points('/v3/enterprise/metrics/mau', from, to);
    expect(whole[0]!.active_users).toBeLessThanOrEqual(alpha[0]!.active_users + beta[0]!.active_users);
  });

  it('counts sessions by created_at at exact period edges, user_ids only (service users do not count)', async () => {
    const local = await startSimulator({ now: fixedClock, members: 5, sessions: 0 });
    try {
      const monday = utc(2025, 12, 8);
      local.data.addSession({ user_id: 'edge|sunday-last-second', created_at: monday - 1, updated_at: monday - 1 });
      local.data.addSession({ user_id: 'edge|monday-first-second', created_at: monday, updated_at: monday });
      local.data.addSession({ service_user_id: 'service-user-x', created_at: monday + 5, updated_at: monday + 5 });
      const reply = await get(local, `/v3/enterprise/metrics/wau?time_after=${monday - 7 * 86_400}&time_before=${monday + 7 * 86_400}`);
      expect((reply.json as ActiveUsersPoint[]).map((p) => p.active_users)).toEqual([1, 1]);
      const day = await get(local, `/v3/enterprise/metrics/dau?time_after=${monday - 1}&time_before=${monday + 1}`);
      expect(day.json).toEqual([
        { active_users: 1, start_time: monday - 86_400, end_time: monday - 1 },
        { active_users: 1, start_time: monday, end_time: monday + 86_399 },
      ]);
      // the window is half-open: a session at time_before is outside
      const cut = await get(local, `/v3/enterprise/metrics/dau?time_after=${monday - 86_400}&time_before=${monday}`);
      expect(cut.json).toEqual([{ active_users: 1, start_time: monday - 86_400, end_time: monday - 1 }]);
    } finally {
      await local.close();
    }
  });

  it('validates the window and needs the metrics permission', async () => {
    const missing = await get(sim, '/v3/enterprise/metrics/dau');
    expect(missing.status).toBe(422);
    expect((asObject(missing.json)['detail'] as Array<{ loc: unknown }>).map((d) => d.loc)).toEqual([['query', 'time_after'], ['query', 'time_before']]);
    expect((await get(sim, '/v3/enterprise/metrics/wau?time_after=1&time_before=x')).status).toBe(422);
    expect((await get(sim, '/v3/enterprise/metrics/mau?time_after=1&time_before=2&min_sessions=-1')).status).toBe(422);
    const forbidden = await get(sim, '/v3/enterprise/metrics/dau?time_after=1&time_before=2', KEY_ENT_NO_METRICS);
    expect(forbidden.status).toBe(403);
    expect(String(asObject(forbidden.json)['detail'])).toContain('ViewAccountMetrics');
    const otherOrg = await get(sim, '/v3/organizations/org-sim-beta/metrics/wau?time_after=1&time_before=2', KEY_ORG);
    expect(otherOrg.status).toBe(403);
    expect(String(asObject(otherOrg.json)['detail'])).toContain('ViewOrgMetrics');
    expect((await get(sim, '/v3/enterprise/metrics/dau?time_after=1&time_before=2', KEY_ORG)).status).toBe(403);
    expect(await points('/v3/enterprise/metrics/dau', 100, 100)).toEqual([]);
  });
});
