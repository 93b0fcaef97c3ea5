// Consumption endpoints: billing-day windows, encoded user ids, window limit, org attribution.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOfSeconds, dayStartSeconds } from '../../src/devin/billing-day.js';
import {
  EDGE_USER_IDS,
  KEY_ENTERPRISE,
  KEY_ORG,
  startSimulator,
  type ConsumptionRow,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, getRaw, TODAY } from './helpers.js';

interface ConsumptionBody {
  total_acus: number;
  consumption_by_date: ConsumptionRow[];
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 60 });
});
afterAll(async () => {
  await sim.close();
});

const userPath = (userId: string): string => `/v3/enterprise/consumption/daily/users/${enc(userId)}`;
const window = (after: number | undefined, before: number | undefined): string => {
  const query = new URLSearchParams();
  if (after !== undefined) query.set('time_after', String(after));
  if (before !== undefined) query.set('time_before', String(before));
  return `?${query.toString()}`;
};

async function consumption(path: string, key = KEY_ENTERPRISE): Promise<ConsumptionBody> {
  const reply = await get(sim, path, key);
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers['content-type']).toBe('application/json');
  return reply.json as ConsumptionBody;
}

function centsSum(rows: ConsumptionRow[]): number {
  return rows.reduce((sum, row) => sum + Math.round(row.acus * 100), 0) / 100;
}

describe('consumption', () => {
  const consumer = (): string => sim.data.members().find((m) => m.consumes && m.listing !== 'idp')!.user_id;

  it('serves one user’s rows ordered by date with total_acus', async () => {
    const userId = consumer();
    const body = await consumption(userPath(userId) + window(dayStartSeconds(TODAY - 20), dayStartSeconds(TODAY + 1)));
    expect(body.consumption_by_date).toEqual(sim.data.consumptionRows(userId, TODAY - 20, TODAY));
    const dates = body.consumption_by_date.map((row) => row.date);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    expect(body.total_acus).toBe(centsSum(body.consumption_by_date));
    // no bounds = the whole history
    const all = await consumption(userPath(userId));
    expect(all.consumption_by_date).toEqual(sim.data.consumptionRows(userId, -Infinity, Infinity));
  });

  it('includes a row iff its 08:00Z day start is in [time_after, time_before)', async () => {
    const userId = consumer();
    const rows = sim.data.consumptionRows(userId, TODAY - 30, TODAY - 1);
    const day = dayOfSeconds(rows[Math.floor(rows.length / 2)]!.date);
    const start = dayStartSeconds(day);
    const only = async (after: number, before: number): Promise<number[]> =>
      (await consumption(userPath(userId) + window(after, before))).consumption_by_date.map((row) => dayOfSeconds(row.date));

    expect(await only(start, start + 86_400)).toEqual([day]); // exactly billing day D
    expect(await only(start + 1, start + 86_400)).toEqual([]); // starts after D's 08:00Z
    expect(await only(start - 86_400 + 1, start)).toEqual([]); // ends at D's 08:00Z (exclusive)
    expect(await only(start - 1, start + 1)).toEqual([day]);
    // midnight-UTC windows (a classic bug) pick up the row whose start falls inside them
    const midnight = day * 86_400;
    expect(await only(midnight, midnight + 86_400)).toEqual([day]);
    expect(await only(midnight + 9 * 3600, midnight + 86_400 + 9 * 3600)).not.toContain(day);
  });

  it('reaches the edge-case user ids percent-encoded, and 404s a raw slash', async () => {
    for (const userId of EDGE_USER_IDS.values()) {
      const body = await consumption(userPath(userId));
      expect(body.consumption_by_date.length, userId).toBeGreaterThan(0);
      expect(body.consumption_by_date).toEqual(sim.data.consumptionRows(userId, -Infinity, Infinity));
    }
    const raw = await getRaw(sim, '/v3/enterprise/consumption/daily/users/samlp|acme/jdoe');
    expect(raw.status).toBe(404);
    expect(asObject(raw.json)).toMatchObject({ type: 'about:blank', status: 404, title: 'Not Found' });
    const logged = sim.requests.filter((entry) => entry.path.endsWith('/jdoe'));
    expect(logged.at(-1)?.pathSegments.at(-2)).toBe('samlp|acme');
  });

  it('404s an unknown user and 422s non-integer bounds', async () => {
    const unknown = await get(sim, userPath('email|nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    for (const bad of ['1.5', 'abc', '2025-12-01', '']) {
      const reply = await get(sim, `${userPath(consumer())}?time_after=${enc(bad)}`);
      expect(reply.status, bad).toBe(422);
      expect((asObject(reply.json)['detail'] as Array<{ loc: unknown }>)[0]!.loc).toEqual(['query', 'time_after']);
    }
  });

  it('rejects windows longer than maxConsumptionWindowDays with 422', async () => {
    const userId = consumer();
    sim.setMaxConsumptionWindowDays(30);
    try {
      const end = dayStartSeconds(TODAY + 1);
      expect((await get(sim, userPath(userId) + window(end - 30 * 86_400, end))).status).toBe(200);
      const tooLong = await get(sim, userPath(userId) + window(end - 31 * 86_400, end));
      expect(tooLong.status).toBe(422);
      expect(JSON.stringify(tooLong.json)).toMatch(/30 days/);
      // an open bound reaches the edge of the 60-day history
      expect((await get(sim, userPath(userId))).status).toBe(422);
      expect((await get(sim, '/v3/enterprise/consumption/daily' + window(end - 31 * 86_400, end))).status).toBe(422);
    } finally {
      sim.setMaxConsumptionWindowDays(null);
    }
    expect((await get(sim, userPath(userId))).status).toBe(200);
  });

  it('sums the whole enterprise per day', async () => {
    const body = await consumption('/v3/enterprise/consumption/daily' + window(dayStartSeconds(TODAY - 6), dayStartSeconds(TODAY + 1)));
    expect(body.consumption_by_date.map((row) => dayOfSeconds(row.date))).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => TODAY - 6 + i));
    for (const row of body.consumption_by_date) {
      const day = dayOfSeconds(row.date);
      // Members and the service users (active or not) make up the whole enterprise's bill.
      const perUser = [
        ...sim.data.members().flatMap((m) => sim.data.consumptionRows(m.user_id, day, day)),
        ...sim.data.consumers.serviceUsers(null).flatMap((u) => sim.data.serviceUserConsumptionRows(u.service_user_id, day, day)),
      ];
      expect(row.acus).toBe(centsSum(perUser));
      const devin = perUser.reduce((sum, r) => sum + Math.round(r.acus_by_product.devin * 100), 0) / 100;
      expect(row.acus_by_product.devin).toBe(devin);
    }
    expect(body.total_acus).toBe(centsSum(body.consumption_by_date));
  });

  it('attributes org consumption to the home org', async () => {
    const org = 'org-sim-alpha';
    const home = sim.data.members().find((m) => m.home_org_id === org && m.consumes)!;
    const visitor = sim.data.members().find((m) => m.home_org_id !== org && m.org_ids.includes(org) && m.consumes)!;
    const outsider = sim.data.members().find((m) => !m.org_ids.includes(org))!;
    const path = (userId: string): string => `/v3/organizations/${org}/consumption/daily/users/${enc(userId)}`;

    expect((await consumption(path(home.user_id), KEY_ORG)).consumption_by_date).toEqual(
      sim.data.consumptionRows(home.user_id, -Infinity, Infinity),
    );
    expect(await consumption(path(visitor.user_id), KEY_ORG)).toEqual({ total_acus: 0, consumption_by_date: [] });
    expect((await get(sim, path(outsider.user_id), KEY_ORG)).status).toBe(404);

    const orgDaily = await consumption(`/v3/organizations/${org}/consumption/daily` + window(dayStartSeconds(TODAY), undefined), KEY_ORG);
    // The org's bill: members whose home it is, plus its service users.
    const homeRows = [
      ...sim.data.members().filter((m) => m.home_org_id === org).flatMap((m) => sim.data.consumptionRows(m.user_id, TODAY, TODAY)),
      ...sim.data.consumers.serviceUsers(org).flatMap((u) => sim.data.serviceUserConsumptionRows(u.service_user_id, TODAY, TODAY)),
    ];
    expect(orgDaily.consumption_by_date).toHaveLength(1);
    expect(orgDaily.consumption_by_date[0]!.acus).toBe(centsSum(homeRows));
  });

  it('serves mutated rows (restatement)', async () => {
    const userId = consumer();
    const day = TODAY - 2;
    sim.data.setConsumption(userId, day, { acus: 9.99, acus_by_product: { devin: 9, cascade: 0.99, terminal: 0, review: null } });
    const body = await consumption(userPath(userId) + window(dayStartSeconds(day), dayStartSeconds(day + 1)));
    expect(body).toEqual({
      total_acus: 9.99,
      consumption_by_date: [{ date: dayStartSeconds(day), acus: 9.99, acus_by_product: { devin: 9, cascade: 0.99, terminal: 0, review: null } }],
    });
    sim.data.setConsumption(userId, day, null);
    expect((await consumption(userPath(userId) + window(dayStartSeconds(day), dayStartSeconds(day + 1)))).consumption_by_date).toEqual([]);
  });
});
