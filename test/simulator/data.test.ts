// The generated data set: determinism, edge cases, invariants, scale and mutations.
import { afterEach, describe, expect, it } from 'vitest';
import { dayOfSeconds, dayStartSeconds } from '../../src/devin/billing-day.js';
import { EDGE_USER_IDS, UNICODE_NAMES, startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { fixedClock, NOW_MS, TODAY } from './helpers.js';

const started: Simulator[] = [];
async function sim(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator({ now: fixedClock, logRequests: false, ...options });
  started.push(simulator);
  return simulator;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((simulator) => simulator.close()));
});

describe('simulated data set', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const [a, b, c] = await Promise.all([sim({ seed: 7 }), sim({ seed: 7 }), sim({ seed: 8 })]);
    expect(a.data.members()).toEqual(b.data.members());
    const first = a.data.firstDay();
    for (const member of a.data.members()) {
      expect(a.data.consumptionRows(member.user_id, first, TODAY)).toEqual(b.data.consumptionRows(member.user_id, first, TODAY));
    }
    expect(a.data.prCounts(null, first, TODAY)).toEqual(b.data.prCounts(null, first, TODAY));
    expect(a.data.members().map((m) => m.user_id)).not.toEqual(c.data.members().map((m) => m.user_id));
  });

  it('has the history ending today and starting `days` billing days before', async () => {
    const simulator = await sim({ days: 30 });
    expect(simulator.data.today()).toBe(TODAY);
    expect(simulator.data.firstDay()).toBe(TODAY - 29);
    const days = new Set<number>();
    for (const member of simulator.data.members()) {
      for (const row of simulator.data.consumptionRows(member.user_id, -Infinity, Infinity)) days.add(dayOfSeconds(row.date));
    }
    expect(Math.min(...days)).toBe(TODAY - 29);
    expect(Math.max(...days)).toBe(TODAY); // today's partial day has rows too
  });

  it('contains the edge-case user ids whenever members >= 8, all distinct', async () => {
    const small = await sim({ members: 8 });
    const ids = small.data.members().map((member) => member.user_id);
    for (const edge of EDGE_USER_IDS.values()) expect(ids).toContain(edge);
    const seven = await sim({ members: 7 });
    expect(seven.data.members().map((member) => member.user_id)).not.toContain('space user|a b%20c');
    const big = await sim({ members: 2_000 });
    const bigIds = big.data.members().map((member) => member.user_id);
    expect(new Set(bigIds).size).toBe(2_000);
    expect(bigIds.filter((id) => id.startsWith('email|')).length).toBeGreaterThan(400);
    expect(bigIds.filter((id) => id.startsWith('google-oauth2|')).length).toBeGreaterThan(400);
    expect(bigIds.filter((id) => id.startsWith('okta|u')).length).toBeGreaterThan(400);
    expect(bigIds.filter((id) => id.startsWith('auth0|')).length).toBeGreaterThan(400);
  });

  it('lists users in creation order with the documented mix of nulls, unicode and listings', async () => {
    const simulator = await sim();
    const members = simulator.data.members();
    expect(members).toHaveLength(50);
    expect(members.map((member) => member.index)).toEqual([...Array(50).keys()]);
    const ids = members.map((member) => member.user_id);
    expect(ids).not.toEqual([...ids].sort()); // creation order, not sorted by id
    expect(members.some((member) => member.email === null)).toBe(true);
    expect(members.some((member) => member.name === null)).toBe(true);
    for (const name of UNICODE_NAMES) expect(members.map((member) => member.name)).toContain(name);
    for (const listing of ['direct', 'idp', 'both'] as const) {
      expect(members.some((member) => member.listing === listing)).toBe(true);
    }
    expect(members.some((member) => !member.consumes)).toBe(true);
    expect(members.some((member) => member.org_ids.length > 1)).toBe(true);
    for (const member of members) expect(member.home_org_id).toBe(['org-sim-alpha', 'org-sim-beta'][member.index % 2]);

    const big = (await sim({ members: 4_000 })).data.members();
    const share = (predicate: (m: (typeof big)[number]) => boolean): number => big.filter(predicate).length / big.length;
    expect(share((m) => m.listing === 'direct')).toBeCloseTo(0.7, 1);
    expect(share((m) => m.listing === 'idp')).toBeCloseTo(0.15, 1);
    expect(share((m) => m.email === null)).toBeCloseTo(0.05, 1);
    expect(share((m) => !m.consumes)).toBeCloseTo(0.1, 1);
    expect(share((m) => m.org_ids.length > 1)).toBeCloseTo(0.2, 1);
  });

  it('generates consumption rows at 08:00Z whose products add up to acus', async () => {
    const simulator = await sim({ members: 200 });
    let rows = 0;
    let cells = 0;
    let nullReview = 0;
    for (const member of simulator.data.members()) {
      const memberRows = simulator.data.consumptionRows(member.user_id, -Infinity, Infinity);
      if (!member.consumes) expect(memberRows).toEqual([]);
      else cells += 60;
      for (const row of memberRows) {
        rows++;
        expect((row.date - 8 * 3600) % 86_400).toBe(0);
        const p = row.acus_by_product;
        if (p.review === null) nullReview++;
        const cents = Math.round(p.devin * 100) + Math.round(p.cascade * 100) + Math.round(p.terminal * 100) + Math.round((p.review ?? 0) * 100);
        expect(cents).toBe(Math.round(row.acus * 100));
        expect(Math.round(row.acus * 100) / 100).toBe(row.acus); // 2 decimals
      }
    }
    expect(rows / cells).toBeCloseTo(0.6, 1);
    expect(nullReview / rows).toBeCloseTo(0.2, 1);
  });

  it('generates PR counts whose totals add up', async () => {
    const simulator = await sim({ members: 100 });
    let nonZero = 0;
    for (const member of simulator.data.members()) {
      for (let day = simulator.data.firstDay(); day <= TODAY; day++) {
        const c = simulator.data.prCounts([member.user_id], day, day);
        expect(c.prs_created_count).toBe(c.prs_opened_count + c.prs_merged_count + c.prs_closed_count);
        expect(c.prs_taken_over_count).toBe(
          c.prs_taken_over_opened_count + c.prs_taken_over_merged_count + c.prs_taken_over_closed_count,
        );
        if (c.prs_created_count > 0) nonZero++;
      }
    }
    expect(nonZero).toBeGreaterThan(0);
    expect(nonZero).toBeLessThan(100 * 60 * 0.5); // mostly zeros
  });

  it('attributes consumption and PRs to the home org only', async () => {
    const simulator = await sim({ members: 100 });
    const twoOrgs = simulator.data.members().find((member) => member.org_ids.length > 1 && member.consumes)!;
    const other = twoOrgs.org_ids[1]!;
    expect(simulator.data.consumptionRows(twoOrgs.user_id, -Infinity, Infinity, other)).toEqual([]);
    expect(simulator.data.consumptionRows(twoOrgs.user_id, -Infinity, Infinity, twoOrgs.home_org_id).length).toBeGreaterThan(0);
    expect(simulator.data.prCounts([twoOrgs.user_id], -Infinity, Infinity, other).prs_created_count).toBe(0);
  });

  it('starts instantly at 10 000 members x 365 days and serves a deep cell', async () => {
    const simulator = await sim({ members: 10_000, days: 365 });
    const last = simulator.data.members()[9_999]!;
    expect(last.index).toBe(9_999);
    simulator.data.consumptionRows(last.user_id, simulator.data.firstDay(), TODAY);
    expect(simulator.data.firstDay()).toBe(TODAY - 364);
  });

  it('applies mutations: rows, PR counts, members added and removed', async () => {
    const simulator = await sim();
    const data = simulator.data;
    const user = data.members().find((member) => member.consumes)!;
    const day = TODAY - 3;
    data.setConsumption(user.user_id, day, { acus: 1.5, acus_by_product: { devin: 1, cascade: 0.5, terminal: 0, review: null } });
    expect(data.consumptionRows(user.user_id, day, day)).toEqual([
      { date: dayStartSeconds(day), acus: 1.5, acus_by_product: { devin: 1, cascade: 0.5, terminal: 0, review: null } },
    ]);
    data.setConsumption(user.user_id, day, null);
    expect(data.consumptionRows(user.user_id, day, day)).toEqual([]);
    // rows may also be written outside the generated history
    data.setConsumption(user.user_id, TODAY + 2, { acus: 2, acus_by_product: { devin: 2, cascade: 0, terminal: 0, review: 0 } });
    expect(data.consumptionRows(user.user_id, TODAY + 1, TODAY + 5)).toHaveLength(1);

    data.setPrCounts(user.user_id, day, { prs_opened_count: 2, prs_merged_count: 1 });
    expect(data.prCounts([user.user_id], day, day)).toMatchObject({ prs_created_count: 3, prs_opened_count: 2, prs_taken_over_count: 0 });

    const added = data.addMember({ user_id: 'email|new-user', email: 'new@example.com', consumes: false, listing: 'both' });
    expect(added.index).toBe(50);
    expect(data.members().at(-1)?.user_id).toBe('email|new-user');
    expect(data.consumptionRows('email|new-user', -Infinity, Infinity)).toEqual([]);
    expect(() => data.addMember({ user_id: 'email|new-user' })).toThrow(/already exists/);

    const totalBefore = data.prCounts(null, day, day);
    data.removeMember(user.user_id);
    expect(data.member(user.user_id)).toBeUndefined();
    expect(data.prCounts(null, day, day).prs_created_count).toBe(totalBefore.prs_created_count - 3);
    expect(() => data.removeMember(user.user_id)).toThrow(/no member/);
  });

  it('extends history when the clock advances, without changing earlier days', async () => {
    let now = NOW_MS;
    const simulator = await sim({ now: () => now });
    const user = simulator.data.members()[0]!.user_id;
    const before = simulator.data.consumptionRows(user, -Infinity, Infinity);
    now += 86_400_000;
    expect(simulator.data.today()).toBe(TODAY + 1);
    const after = simulator.data.consumptionRows(user, -Infinity, Infinity);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(simulator.data.firstDay()).toBe(TODAY - 59);
  });
});
