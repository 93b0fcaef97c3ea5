// Keys, /v3/self, permissions per key and scope, unknown paths and methods, the request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_KEYS,
  KEY_ENT_NO_BILLING,
  KEY_ENT_NO_METRICS,
  KEY_ENT_ONLY_MEMBERS,
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  KEY_ORG_EMPTY,
  KEY_ORG_NO_MEMBERS,
  KEY_SELF_FORBIDDEN,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, TODAY } from './helpers.js';
import { dayStartSeconds } from '../../src/devin/billing-day.js';

let sim: Simulator;
let someUser: string;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock });
  someUser = sim.data.members().find((m) => m.home_org_id === 'org-sim-alpha')!.user_id;
});
afterAll(async () => {
  await sim.close();
});

const WINDOW = `?time_after=${dayStartSeconds(TODAY - 1)}&time_before=${dayStartSeconds(TODAY)}`;
const paths = {
  entMembers: '/v3/enterprise/members/users',
  entIdp: '/v3/enterprise/members/idp-users',
  entConsumption: () => `/v3/enterprise/consumption/daily/users/${enc(someUser)}${WINDOW}`,
  entDaily: `/v3/enterprise/consumption/daily${WINDOW}`,
  entMetrics: `/v3/enterprise/metrics/prs${WINDOW}`,
  orgMembers: (org: string) => `/v3beta1/organizations/${org}/members/users`,
  orgConsumption: (org: string) => `/v3/organizations/${org}/consumption/daily/users/${enc(someUser)}${WINDOW}`,
  orgMetrics: (org: string) => `/v3/organizations/${org}/metrics/prs${WINDOW}`,
};

async function expectForbidden(path: string, key: string, permission: string): Promise<void> {
  const reply = await get(sim, path, key);
  expect(reply.status, `${key} ${path}`).toBe(403);
  expect(reply.headers['content-type']).toBe('application/problem+json');
  const body = asObject(reply.json);
  expect(body).toMatchObject({ type: 'about:blank', title: 'Forbidden', status: 403 });
  expect(body['detail']).toContain(`Service user lacks required permission: ${permission}`);
  expect(body['instance']).toBe(path.split('?')[0]);
}

describe('authentication and permissions', () => {
  it('exports the documented default keys', () => {
    expect(Object.keys(DEFAULT_KEYS).sort()).toEqual([
      'cog_sim_ent_no_audit', 'cog_sim_ent_no_billing', 'cog_sim_ent_no_metrics', 'cog_sim_ent_no_sessions', 'cog_sim_ent_only_members', 'cog_sim_enterprise',
      'cog_sim_org', 'cog_sim_org_beta', 'cog_sim_org_empty', 'cog_sim_org_no_members', 'cog_sim_org_no_sessions', 'cog_sim_self_forbidden',
      'cog_sim_ent_no_knowledge', 'cog_sim_org_no_knowledge', 'cog_sim_org_no_secrets',
    ].sort());
  });

  it('answers /v3/self per key', async () => {
    const enterprise = asObject((await get(sim, '/v3/self')).json);
    expect(enterprise).toMatchObject({ principal_type: 'service_user', org_id: null });
    expect(enterprise['service_user_id']).toMatch(/^service-user-/);
    expect(typeof enterprise['service_user_name']).toBe('string');
    expect(asObject((await get(sim, '/v3/self', KEY_ORG)).json)['org_id']).toBe('org-sim-alpha');
    expect(asObject((await get(sim, '/v3/self', KEY_ORG_BETA)).json)['org_id']).toBe('org-sim-beta');
    expect(asObject((await get(sim, '/v3/self', KEY_ORG_EMPTY)).json)['org_id']).toBe('org-sim-empty');
    const forbidden = await get(sim, '/v3/self', KEY_SELF_FORBIDDEN);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['content-type']).toBe('application/problem+json');
    // the self-forbidden key still reads data
    expect((await get(sim, paths.entMembers, KEY_SELF_FORBIDDEN)).status).toBe(200);
  });

  it('401s unknown, missing, blank and non-bearer credentials without echoing them', async () => {
    for (const headers of <Array<Record<string, string>>>[
      { authorization: 'Bearer cog_not_a_key' },
      { authorization: 'Bearer ' },
      { authorization: '' },
      { authorization: 'Basic Y29nX3NpbV9lbnRlcnByaXNl' },
      { authorization: 'Bearer constructor' },
      {},
    ]) {
      const reply = await get(sim, paths.entMembers, null, headers);
      expect(reply.status, JSON.stringify(headers)).toBe(401);
      expect(asObject(reply.json)).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
      expect(reply.text).not.toContain('cog_not_a_key');
    }
    // bearer scheme is case-insensitive
    expect((await get(sim, '/v3/self', null, { authorization: `bearer ${KEY_ENTERPRISE}` })).status).toBe(200);
  });

  it('supports a key whose /v3/self answers 401', async () => {
    const local = await startSimulator({
      now: fixedClock,
      logRequests: false,
      keys: { cog_custom: { scope: 'enterprise', permissions: 'all', selfStatus: 401 } },
    });
    try {
      expect((await get(local, '/v3/self', 'cog_custom')).status).toBe(401);
      expect((await get(local, '/v3/self', KEY_ENTERPRISE)).status).toBe(401); // not in this key table
    } finally {
      await local.close();
    }
  });

  it('403s each missing enterprise permission by name', async () => {
    await expectForbidden(paths.entMetrics, KEY_ENT_NO_METRICS, 'ViewAccountMetrics');
    expect((await get(sim, paths.entConsumption(), KEY_ENT_NO_METRICS)).status).toBe(200);
    await expectForbidden(paths.entConsumption(), KEY_ENT_NO_BILLING, 'ViewAccountConsumption');
    await expectForbidden(paths.entDaily, KEY_ENT_NO_BILLING, 'ViewAccountConsumption');
    expect((await get(sim, paths.entMetrics, KEY_ENT_NO_BILLING)).status).toBe(200);
    await expectForbidden(paths.entMetrics, KEY_ENT_ONLY_MEMBERS, 'ViewAccountMetrics');
    await expectForbidden(paths.entConsumption(), KEY_ENT_ONLY_MEMBERS, 'ViewAccountConsumption');
    expect((await get(sim, paths.entIdp, KEY_ENT_ONLY_MEMBERS)).status).toBe(200);
  });

  it('403s organization keys on enterprise paths and on other orgs', async () => {
    await expectForbidden(paths.entMembers, KEY_ORG, 'ViewAccountMembership');
    await expectForbidden(paths.entConsumption(), KEY_ORG, 'ViewAccountConsumption');
    await expectForbidden(paths.entMetrics, KEY_ORG, 'ViewAccountMetrics');
    await expectForbidden(paths.orgMembers('org-sim-beta'), KEY_ORG, 'ViewOrgMembership');
    await expectForbidden(paths.orgMetrics('org-sim-alpha'), KEY_ORG_BETA, 'ViewOrgMetrics');
    await expectForbidden(paths.orgMembers('org-sim-alpha'), KEY_ORG_NO_MEMBERS, 'ViewOrgMembership');
    expect((await get(sim, paths.orgConsumption('org-sim-alpha'), KEY_ORG_NO_MEMBERS)).status).toBe(200);
    expect((await get(sim, paths.orgMetrics('org-sim-alpha'), KEY_ORG_NO_MEMBERS)).status).toBe(200);
  });

  it('lets enterprise keys call organization paths with inherited permissions', async () => {
    expect((await get(sim, paths.orgMembers('org-sim-beta'))).status).toBe(200);
    expect((await get(sim, paths.orgConsumption('org-sim-alpha'))).status).toBe(200);
    expect((await get(sim, paths.orgMetrics('org-sim-alpha'))).status).toBe(200);
    await expectForbidden(paths.orgConsumption('org-sim-alpha'), KEY_ENT_NO_BILLING, 'ManageBilling');
    await expectForbidden(paths.orgMetrics('org-sim-alpha'), KEY_ENT_NO_METRICS, 'ViewOrgMetrics');
    const unknownOrg = await get(sim, paths.orgMembers('org-nope'));
    expect(unknownOrg.status).toBe(404);
    expect(unknownOrg.headers['content-type']).toBe('application/problem+json');
  });

  it('404s unknown paths and 405s other methods, as ProblemDetail', async () => {
    for (const path of ['/', '/v3', '/v3/enterprise/members', '/v2/enterprise/members', '/v3/enterprise/consumption/daily/']) {
      const reply = await get(sim, path);
      expect(reply.status, path).toBe(404);
      expect(asObject(reply.json)).toMatchObject({ type: 'about:blank', status: 404, instance: path });
    }
    const post = await get(sim, paths.entMembers, KEY_ENTERPRISE, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET');
    expect((await get(sim, '/v3/self', KEY_ENTERPRISE, {}, 'DELETE')).status).toBe(405);
  });

  it('logs every request as received', async () => {
    sim.clearRequests();
    const raw = `/v3/enterprise/consumption/daily/users/${enc('email|what?x=1#frag')}?time_after=1&time_after=2&x=%20y`;
    await get(sim, raw, KEY_ENT_NO_METRICS, { 'user-agent': 'source-devin/0.1.0 test' });
    expect(sim.requests).toHaveLength(1);
    const entry = sim.requests[0]!;
    expect(entry).toMatchObject({
      method: 'GET',
      rawUrl: raw,
      path: '/v3/enterprise/consumption/daily/users/email|what?x=1#frag',
      pathSegments: ['v3', 'enterprise', 'consumption', 'daily', 'users', 'email|what?x=1#frag'],
      query: { time_after: ['1', '2'], x: [' y'] },
      key: KEY_ENT_NO_METRICS,
      status: 200,
    });
    expect(entry.headers['authorization']).toBe(`Bearer ${KEY_ENT_NO_METRICS}`);
    expect(entry.headers['user-agent']).toBe('source-devin/0.1.0 test');
    expect(entry.headers['accept']).toBe('application/json');
    expect(entry.receivedAt).toBeGreaterThan(0);
    expect(entry.fault).toBeUndefined();
  });

  it('counts requests by status even without the log', async () => {
    const quiet = await startSimulator({ now: fixedClock, logRequests: false });
    try {
      await get(quiet, '/v3/self');
      await get(quiet, '/v3/self', 'cog_bad');
      await get(quiet, '/nowhere');
      await get(quiet, '/v3/self');
      expect(quiet.requests).toEqual([]);
      expect(quiet.stats()).toEqual({ requests: 4, byStatus: { 200: 2, 401: 1, 404: 1 } });
    } finally {
      await quiet.close();
    }
  });
});
