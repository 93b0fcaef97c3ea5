// Organizations, service users (inactive ones only with include_inactive=true) and their consumption.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayStartSeconds } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, KEY_ENT_ONLY_MEMBERS, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, TODAY, walkItems } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 30, days: 40 });
});
afterAll(async () => {
  await sim.close();
});

/** The service-user listing with include_inactive=true, page by page. */
async function walkWithInactive(first: number): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const query = new URLSearchParams({ include_inactive: 'true', first: String(first), ...(after ? { after } : {}) });
    const page = asObject((await get(sim, `/v3/enterprise/members/service-users?${query.toString()}`)).json);
    items.push(...(page.items as Array<Record<string, unknown>>));
    if (!page.has_next_page) return items;
    after = page.end_cursor as string;
  }
  throw new Error('page loop');
}

const window = `?time_after=${dayStartSeconds(TODAY - 30)}&time_before=${dayStartSeconds(TODAY + 1)}`;

describe('listings', () => {
  it('lists the organizations with timestamps and ACU limits, paginated', async () => {
    const items = await walkItems(sim, '/v3/enterprise/organizations', KEY_ENTERPRISE, 1);
    expect(items.map((o) => o.org_id)).toEqual(['org-sim-alpha', 'org-sim-beta']);
    for (const org of items) {
      expect(Object.keys(org).sort()).toEqual(['created_at', 'max_cycle_acu_limit', 'max_session_acu_limit', 'name', 'org_id', 'updated_at']);
      expect(org.updated_at as number).toBeGreaterThanOrEqual(org.created_at as number);
    }
  });

  it('needs ManageOrganizations for the organizations and an enterprise key for both listings', async () => {
    const refused = await get(sim, '/v3/enterprise/organizations', KEY_ENT_ONLY_MEMBERS);
    expect(refused.status).toBe(403);
    expect(asObject(refused.json).detail).toContain('ManageOrganizations');
    expect((await get(sim, '/v3/enterprise/members/service-users', KEY_ORG)).status).toBe(403);
  });

  it('lists inactive service users only with include_inactive=true', async () => {
    const active = await walkItems(sim, '/v3/enterprise/members/service-users');
    const all = await walkWithInactive(3);
    expect(active.map((u) => u.service_user_id)).toEqual(sim.data.serviceUsers().map((u) => u.service_user_id));
    expect(all.length).toBe(active.length * 2);
    const inactive = all.filter((u) => u.expires_at !== null || u.deleted_at !== null);
    expect(inactive.length).toBe(active.length);
    expect(active.every((u) => u.expires_at === null && u.deleted_at === null)).toBe(true);
  });
});

describe('consumption', () => {
  it('serves each service user\'s rows, and 404 for an unknown one', async () => {
    const [user] = sim.data.consumers.serviceUsers(null);
    const reply = await get(sim, `/v3/enterprise/consumption/daily/service-users/${enc(user!.service_user_id)}${window}`);
    expect(reply.status).toBe(200);
    const rows = asObject(reply.json).consumption_by_date as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(sim.data.serviceUserConsumptionRows(user!.service_user_id, TODAY - 30, TODAY));
    expect((await get(sim, `/v3/enterprise/consumption/daily/service-users/service-user-nobody${window}`)).status).toBe(404);
  });

  it('serves an organization\'s rows as that org\'s own total, and 404 for an unknown one', async () => {
    const viaEnterprise = await get(sim, `/v3/enterprise/consumption/daily/organizations/org-sim-alpha${window}`);
    const viaOrg = await get(sim, `/v3/organizations/org-sim-alpha/consumption/daily${window}`, KEY_ORG);
    expect(viaEnterprise.status).toBe(200);
    expect(viaEnterprise.json).toEqual(viaOrg.json);
    expect((await get(sim, `/v3/enterprise/consumption/daily/organizations/org-nowhere${window}`)).status).toBe(404);
  });

  it('stops an inactive service user\'s consumption on the day it stopped', () => {
    const stopped = sim.data.consumers.serviceUsers(null).filter((u) => u.stoppedDay !== null);
    expect(stopped.length).toBeGreaterThan(0);
    for (const user of stopped) {
      const rows = sim.data.serviceUserConsumptionRows(user.service_user_id, user.stoppedDay!, TODAY);
      expect(rows).toEqual([]);
    }
  });
});
