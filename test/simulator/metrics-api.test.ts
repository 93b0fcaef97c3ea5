// PR metrics: required windows, repeated user_ids, day boundaries, org attribution, old builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayStartSeconds } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type PrCounts, type Simulator } from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, TODAY } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 80 });
});
afterAll(async () => {
  await sim.close();
});

const ENT = '/v3/enterprise/metrics/prs';
function query(fromDay: number, toDayExclusive: number, userIds: string[] = []): string {
  const params = new URLSearchParams({ time_after: String(dayStartSeconds(fromDay)), time_before: String(dayStartSeconds(toDayExclusive)) });
  for (const userId of userIds) params.append('user_ids', userId);
  return `?${params.toString()}`;
}
async function counts(path: string, key = KEY_ENTERPRISE): Promise<PrCounts> {
  const reply = await get(sim, path, key);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as PrCounts;
}
function add(a: PrCounts, b: PrCounts): PrCounts {
  return Object.fromEntries(Object.keys(a).map((name) => [name, a[name as keyof PrCounts] + b[name as keyof PrCounts]])) as unknown as PrCounts;
}

describe('PR metrics', () => {
  it('requires integer time_after and time_before', async () => {
    const missing = await get(sim, ENT);
    expect(missing.status).toBe(422);
    const locs = (asObject(missing.json)['detail'] as Array<{ loc: unknown; type: string }>).map((d) => d.loc);
    expect(locs).toEqual([['query', 'time_after'], ['query', 'time_before']]);
    expect((await get(sim, `${ENT}?time_after=1`)).status).toBe(422);
    expect((await get(sim, `${ENT}?time_after=1&time_before=x`)).status).toBe(422);
    expect((await get(sim, `${ENT}?time_after=1.0&time_before=2`)).status).toBe(422);
  });

  it('returns all eight counts for the whole scope over a day window', async () => {
    const day = TODAY - 5;
    const body = await counts(ENT + query(day, day + 1));
    expect(Object.keys(body).sort()).toEqual([
      'prs_closed_count', 'prs_created_count', 'prs_merged_count', 'prs_opened_count',
      'prs_taken_over_closed_count', 'prs_taken_over_count', 'prs_taken_over_merged_count', 'prs_taken_over_opened_count',
    ]);
    expect(body).toEqual(sim.data.prCounts(null, day, day));
    expect(body.prs_created_count).toBe(body.prs_opened_count + body.prs_merged_count + body.prs_closed_count);
    // a multi-day window is the sum of its days
    const twoDays = await counts(ENT + query(day, day + 2));
    expect(twoDays).toEqual(add(body, await counts(ENT + query(day + 1, day + 2))));
  });

  it('sums the users named by repeated user_ids (each once)', async () => {
    const active = sim.data.members().filter((m) => sim.data.prCounts([m.user_id], TODAY - 30, TODAY).prs_created_count > 0);
    const [a, b] = [active[0]!.user_id, active[1]!.user_id];
    const window = query(TODAY - 30, TODAY + 1);
    const both = await counts(ENT + window + `&user_ids=${enc(a)}&user_ids=${enc(b)}`);
    const onlyA = await counts(ENT + query(TODAY - 30, TODAY + 1, [a]));
    const onlyB = await counts(ENT + query(TODAY - 30, TODAY + 1, [b]));
    expect(both).toEqual(add(onlyA, onlyB));
    expect(both).toEqual(sim.data.prCounts([a, b], TODAY - 30, TODAY));
    expect(await counts(ENT + query(TODAY - 30, TODAY + 1, [a, a]))).toEqual(onlyA);
    expect((await counts(ENT + query(TODAY - 30, TODAY + 1, ['email|nobody']))).prs_created_count).toBe(0);
    const logged = sim.requests.filter((entry) => entry.query['user_ids']?.length === 2);
    expect(logged.map((entry) => entry.query['user_ids'])).toContainEqual([a, b]);
  });

  it('counts a day iff its 08:00Z start is in the window', async () => {
    const userId = sim.data.members().find((m) => sim.data.prCounts([m.user_id], TODAY - 3, TODAY - 3).prs_created_count > 0)!.user_id;
    const start = dayStartSeconds(TODAY - 3);
    const at = async (after: number, before: number): Promise<number> =>
      (await counts(`${ENT}?time_after=${after}&time_before=${before}&user_ids=${enc(userId)}`)).prs_created_count;
    const expected = sim.data.prCounts([userId], TODAY - 3, TODAY - 3).prs_created_count;
    expect(await at(start, start + 86_400)).toBe(expected);
    expect(await at(start + 1, start + 86_400)).toBe(0);
    expect(await at(start - 86_400 + 1, start)).toBe(0);
  });

  it('attributes counts to the home org in organization scope', async () => {
    const org = 'org-sim-alpha';
    const path = `/v3/organizations/${org}/metrics/prs`;
    const window = query(TODAY - 30, TODAY + 1);
    const body = await counts(path + window, KEY_ORG);
    expect(body).toEqual(sim.data.prCounts(null, TODAY - 30, TODAY, org));
    const homeIds = sim.data.members().filter((m) => m.home_org_id === org).map((m) => m.user_id);
    expect(body).toEqual(sim.data.prCounts(homeIds, TODAY - 30, TODAY));
    const visitor = sim.data.members().find((m) => m.home_org_id !== org && sim.data.prCounts([m.user_id], TODAY - 30, TODAY).prs_created_count > 0)!;
    expect((await counts(path + query(TODAY - 30, TODAY + 1, [visitor.user_id]), KEY_ORG)).prs_created_count).toBe(0);
  });

  it('omits the taken-over counts on an older API build', async () => {
    const old = await startSimulator({ now: fixedClock, prTakenOverFields: false, logRequests: false });
    try {
      const reply = await get(old, ENT + query(TODAY - 10, TODAY + 1));
      expect(Object.keys(asObject(reply.json)).sort()).toEqual(['prs_closed_count', 'prs_created_count', 'prs_merged_count', 'prs_opened_count']);
    } finally {
      await old.close();
    }
  });

  it('serves mutated counts', async () => {
    const userId = sim.data.members()[0]!.user_id;
    sim.data.setPrCounts(userId, TODAY - 1, { prs_merged_count: 4, prs_taken_over_closed_count: 1 });
    expect(await counts(ENT + query(TODAY - 1, TODAY, [userId]))).toEqual({
      prs_created_count: 4, prs_opened_count: 0, prs_merged_count: 4, prs_closed_count: 0,
      prs_taken_over_count: 1, prs_taken_over_opened_count: 0, prs_taken_over_merged_count: 0, prs_taken_over_closed_count: 1,
    });
  });
});
