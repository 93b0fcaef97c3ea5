/**
 * The Devin client's request shapes (SPEC §9), asserted with undici's MockAgent: base URL from
 * api_url (path prefix kept), bearer auth, Accept and User-Agent headers, path encoding of user_id
 * and org_id (the exact raw path on the wire), the pagination helper, scope resolution through
 * GET /v3/self, and the endpoint map per scope against the API reference.
 */
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DevinClient } from '../../src/devin/client.js';
import { ENDPOINTS, SELF_PATH, endpointPath, type Scope } from '../../src/devin/endpoints.js';
import { ConnectorError, ResponseShapeError } from '../../src/devin/errors.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import { PAGE_SIZE, paginate } from '../../src/devin/pagination.js';
import { ScopeError, resolveScope } from '../../src/devin/scope.js';
import { PACKAGE_NAME, VERSION, userAgent } from '../../src/version.js';
import { FAST_RETRY, runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { connectionStatus } from './support.js';

const ORIGIN = 'https://api.devin.test';
const KEY = 'cog_mock_agent_key_0001';

interface Call {
  method: string;
  /** Path + query exactly as handed to the dispatcher. */
  path: string;
  headers: Record<string, string>;
}

type Responder = (call: Call) => { status: number; body?: unknown };

function headerRecord(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  } else if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) out[name.toLowerCase()] = String(value);
  }
  return out;
}

const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

/** A MockAgent answering every GET on ORIGIN through `respond`, recording each call. */
function mockApi(respond: Responder, origin = ORIGIN): { agent: MockAgent; calls: Call[] } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const calls: Call[] = [];
  agent
    .get(origin)
    .intercept({ path: () => true, method: 'GET' })
    .reply((options) => {
      const call = { method: String(options.method), path: String(options.path), headers: headerRecord(options.headers) };
      calls.push(call);
      const { status, body } = respond(call);
      return { statusCode: status, data: JSON.stringify(body ?? {}), responseOptions: { headers: { 'content-type': 'application/json' } } };
    })
    .persist();
  return { agent, calls };
}

function clientFor(agent: MockAgent, apiUrl = ORIGIN): DevinClient {
  return new DevinClient({
    apiUrl,
    apiKey: KEY,
    userAgent: userAgent(),
    limiter: new AdaptiveLimiter({ maxConcurrency: 4 }),
    policy: FAST_RETRY,
    dispatcher: agent,
  });
}

const ENTERPRISE: Scope = { kind: 'enterprise' };
const ORG: Scope = { kind: 'organization', orgId: 'org-abc123def456' };

describe('requests', () => {
  it('go to api_url with Authorization: Bearer, Accept: application/json and a User-Agent naming the connector and version', async () => {
    const { agent, calls } = mockApi(() => ({ status: 200, body: { org_id: null } }));
    await clientFor(agent).getJson({ path: SELF_PATH });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.method).toBe('GET');
    expect(call?.path).toBe('/v3/self');
    expect(call?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(call?.headers.accept).toBe('application/json');
    expect(call?.headers['user-agent']).toContain(`${PACKAGE_NAME}/${VERSION}`);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['https://api.devin.test/prefix', '/prefix/v3/self'],
    ['https://api.devin.test/prefix/', '/prefix/v3/self'],
    ['https://api.devin.test/a/b', '/a/b/v3/self'],
  ])('keep the path prefix of api_url %s', async (apiUrl, expected) => {
    const { agent, calls } = mockApi(() => ({ status: 200, body: { org_id: null } }));
    await clientFor(agent, apiUrl).getJson({ path: SELF_PATH });
    expect(calls.map((c) => c.path)).toEqual([expected]);
  });

  it('the CLI sends the same headers (CliIo.dispatcher), and the key goes nowhere else', async () => {
    const { agent, calls } = mockApi((call) => {
      if (call.path === '/v3/self') return { status: 200, body: { org_id: null } };
      if (call.path.startsWith('/v3/enterprise/members/')) {
        return { status: 200, body: { items: [{ user_id: 'email|1', email: 'a@b.c', name: null, role_assignments: [] }], has_next_page: false, end_cursor: null } };
      }
      if (call.path.startsWith('/v3/enterprise/consumption/')) return { status: 200, body: { total_acus: 0, consumption_by_date: [] } };
      return { status: 200, body: { prs_created_count: 0, prs_opened_count: 0, prs_merged_count: 0, prs_closed_count: 0 } };
    });
    const dir = scratchDir();
    const config = dir.json('config.json', { api_key: KEY, api_url: ORIGIN });
    const status = connectionStatus(await runAirbyte(['check', '--config', config], { dispatcher: agent }));
    expect(status.status).toBe('SUCCEEDED');
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const call of calls) {
      expect(call.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(call.headers.accept).toBe('application/json');
      expect(call.headers['user-agent']).toBe(userAgent());
    }
    // the check probed the consumption of the first member, with the id encoded
    expect(calls.map((c) => c.path.split('?')[0])).toContain('/v3/enterprise/consumption/daily/users/email%7C1');
  });
});

describe('path parameters', () => {
  // user ids are opaque: Auth0-style subjects contain `|`, and nothing stops `/ ? # % ..`, spaces or unicode
  it.each([
    ['email|1a2b3c', 'email%7C1a2b3c'],
    ['samlp|acme/jdoe', 'samlp%7Cacme%2Fjdoe'],
    ['email|what?x=1#frag', 'email%7Cwhat%3Fx%3D1%23frag'],
    ['weird|../../v3/self', 'weird%7C..%2F..%2Fv3%2Fself'],
    ['100%', '100%25'],
    ['%2F', '%252F'],
    ['space user|a b%20c', 'space%20user%7Ca%20b%2520c'],
    ['Zoë Ångström 李雷 🚀', 'Zo%C3%AB%20%C3%85ngstr%C3%B6m%20%E6%9D%8E%E9%9B%B7%20%F0%9F%9A%80'],
    ['..', '%2E%2E'],
    ['.', '%2E'],
    ['...', '...'],
  ])('user_id %j is sent as the single raw segment %s', async (userId, encoded) => {
    const { agent, calls } = mockApi(() => ({ status: 200, body: { total_acus: 0, consumption_by_date: [] } }));
    const client = clientFor(agent);
    await client.getJson({ path: endpointPath(ENTERPRISE, 'userConsumption', userId), query: [['time_after', 1], ['time_before', 2]] });
    await client.getJson({ path: endpointPath(ORG, 'userConsumption', userId) });
    expect(calls.map((c) => c.path)).toEqual([
      `/v3/enterprise/consumption/daily/users/${encoded}?time_after=1&time_before=2`,
      `/v3/organizations/org-abc123def456/consumption/daily/users/${encoded}`,
    ]);
  });

  it('org_id is encoded in every organization path', () => {
    const odd: Scope = { kind: 'organization', orgId: 'org a/b|c' };
    expect(endpointPath(odd, 'members')).toBe('/v3beta1/organizations/org%20a%2Fb%7Cc/members/users');
    expect(endpointPath(odd, 'idpMembers')).toBe('/v3beta1/organizations/org%20a%2Fb%7Cc/members/idp-users');
    expect(endpointPath(odd, 'scopeConsumption')).toBe('/v3/organizations/org%20a%2Fb%7Cc/consumption/daily');
    expect(endpointPath(odd, 'prMetrics')).toBe('/v3/organizations/org%20a%2Fb%7Cc/metrics/prs');
    expect(endpointPath(odd, 'userConsumption', 'u|1')).toBe('/v3/organizations/org%20a%2Fb%7Cc/consumption/daily/users/u%7C1');
  });

  it('a template without its parameter is a programming error, not a request', () => {
    expect(() => endpointPath(ENTERPRISE, 'userConsumption')).toThrow(/needs a user_id/);
  });
});

describe('pagination', () => {
  const LIST = '/v3/enterprise/members/users';
  const page = (ids: string[], next: string | null, hasNext = next !== null): Record<string, unknown> => ({
    items: ids.map((user_id) => ({ user_id })),
    end_cursor: next,
    has_next_page: hasNext,
  });

  async function collect(client: DevinClient, query?: Array<readonly [string, string | number]>): Promise<string[]> {
    const ids: string[] = [];
    for await (const p of paginate(client, { path: LIST, ...(query ? { query } : {}) })) {
      for (const item of p.items) ids.push((item as { user_id: string }).user_id);
    }
    return ids;
  }

  it('asks first=200, then after=<end_cursor>, and stops when has_next_page is false', async () => {
    const pages: Record<string, Record<string, unknown>> = {
      '': page(['a', 'b'], 'c1'),
      c1: page(['c'], 'c/2 +|'),
      'c/2 +|': page(['d'], 'c3', false),
    };
    const { agent, calls } = mockApi((call) => {
      const query = new URLSearchParams(call.path.split('?')[1]);
      return { status: 200, body: pages[query.get('after') ?? ''] };
    });
    expect(await collect(clientFor(agent), [['email', 'x@y.z']])).toEqual(['a', 'b', 'c', 'd']);
    expect(PAGE_SIZE).toBe(200);
    expect(calls.map((c) => c.path)).toEqual([
      `${LIST}?email=x%40y.z&first=200`,
      `${LIST}?email=x%40y.z&first=200&after=c1`,
      `${LIST}?email=x%40y.z&first=200&after=c%2F2%20%2B%7C`,
    ]);
  });

  it('stops on a null end_cursor even when has_next_page says true', async () => {
    const { agent, calls } = mockApi(() => ({ status: 200, body: page(['a'], null, true) }));
    expect(await collect(clientFor(agent))).toEqual(['a']);
    expect(calls).toHaveLength(1);
  });

  it('keeps paging when has_next_page is missing but a cursor is given (issue 10: 281 of 450 members)', async () => {
    const { agent, calls } = mockApi((call) => {
      const after = new URLSearchParams(call.path.split('?')[1]).get('after');
      return { status: 200, body: after === null ? { items: [{ user_id: 'a' }], end_cursor: 'x' } : { items: [{ user_id: 'b' }], end_cursor: null } };
    });
    expect(await collect(clientFor(agent))).toEqual(['a', 'b']);
    expect(calls).toHaveLength(2);
  });

  it('a repeated cursor is an error naming the loop, not an endless read', async () => {
    const { agent, calls } = mockApi((call) => {
      const after = new URLSearchParams(call.path.split('?')[1]).get('after');
      return { status: 200, body: after === null ? page(['a'], 'c1') : after === 'c1' ? page(['b'], 'c2') : page(['c'], 'c1') };
    });
    const error = await collect(clientFor(agent)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toBe(`GET ${LIST} returned the same cursor twice (page 3): the API is looping; stopping`);
    expect(calls).toHaveLength(3);
  });

  it.each([
    ['no items', { end_cursor: null, has_next_page: false }],
    ['items not an array', { items: { user_id: 'a' }, has_next_page: false }],
    ['a JSON array instead of a page', [{ user_id: 'a' }]],
  ])('a page with %s is a clear error, never "no members"', async (_name, body) => {
    const { agent } = mockApi(() => ({ status: 200, body }));
    await expect(collect(clientFor(agent))).rejects.toThrow(`GET ${LIST} returned a page without an "items" array (page 1); refusing to guess`);
  });

  it('an end_cursor that is not a string is an error', async () => {
    const { agent } = mockApi(() => ({ status: 200, body: { items: [], end_cursor: 42, has_next_page: true } }));
    await expect(collect(clientFor(agent))).rejects.toThrow(`GET ${LIST} returned an unusable end_cursor (number)`);
  });
});

describe('scope resolution through GET /v3/self', () => {
  const self = (body: unknown, status = 200): { agent: MockAgent; calls: Call[] } => mockApi(() => ({ status, body }));

  it.each([
    ['auto', { principal_type: 'service_user', org_id: null }, ENTERPRISE],
    ['enterprise', { org_id: null }, ENTERPRISE],
    ['auto', { principal_type: 'service_user', org_id: 'org-abc123def456' }, ORG],
    ['organization', { org_id: 'org-abc123def456' }, ORG],
  ] as const)('scope %s with %j → %j', async (configured, body, expected) => {
    const { agent, calls } = self(body);
    expect(await resolveScope(clientFor(agent), configured)).toEqual(expected);
    expect(calls.map((c) => c.path)).toEqual(['/v3/self']);
  });

  it.each([
    ['organization', { org_id: null }, 200, 'invalid_permissions', /^scope is "organization" but the API key is enterprise-scoped/],
    ['enterprise', { org_id: 'org-abc123def456' }, 200, 'invalid_permissions', /^scope is "enterprise" but the API key is scoped to organization org-abc123def456/],
    ['auto', { detail: 'bad key' }, 401, 'invalid_credentials', /^the Devin API rejected the API key \(401 on GET \/v3\/self\)/],
    ['auto', { detail: 'nope' }, 403, 'invalid_permissions', /^the API key may not read GET \/v3\/self \(403\)/],
    ['auto', { org_id: ['org-a', 'org-b'] }, 200, 'invalid_permissions', /not a single organization id/],
    ['auto', { org_id: '..' }, 200, 'invalid_permissions', /not a single organization id/],
    ['auto', { org_id: '' }, 200, 'invalid_permissions', /not a single organization id/],
  ] as const)('scope %s with %j (HTTP %i) → %s', async (configured, body, status, code, message) => {
    const { agent } = self(body, status);
    const error = await resolveScope(clientFor(agent), configured).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScopeError);
    expect((error as ScopeError).code).toBe(code);
    expect((error as ScopeError).failureType).toBe('config_error');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('an answer without org_id cannot say the scope: a system error asking to set scope', async () => {
    const { agent } = self({ principal_type: 'service_user' });
    const error = await resolveScope(clientFor(agent), 'auto').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).not.toBeInstanceOf(ScopeError);
    expect((error as ConnectorError).failureType).toBe('system_error');
    expect((error as Error).message).toMatch(/no org_id field.*set scope explicitly/);
  });
});

describe('the endpoint map', () => {
  // /work/shared/reference/devin-api-v3.md §0, §3–§5: path and permission (newest name first, then the older one)
  const REFERENCE = {
    enterprise: {
      members: ['/v3/enterprise/members/users', ['ViewAccountMembership', 'ManageAccountMembership']],
      idpMembers: ['/v3/enterprise/members/idp-users', ['ViewAccountMembership', 'ManageAccountMembership']],
      userConsumption: ['/v3/enterprise/consumption/daily/users/{user_id}', ['ViewAccountConsumption', 'ManageBilling']],
      scopeConsumption: ['/v3/enterprise/consumption/daily', ['ViewAccountConsumption', 'ManageBilling']],
      prMetrics: ['/v3/enterprise/metrics/prs', ['ViewAccountMetrics']],
      // devin-api-v3-more.md §2.1, §3, §4 (older docs called it ViewOrgSessions)
      sessions: ['/v3/enterprise/sessions', ['ViewAccountSessions', 'ViewOrgSessions']],
      sessionInsights: ['/v3/enterprise/sessions/insights', ['ViewAccountSessions', 'ViewOrgSessions']],
      sessionMessages: ['/v3/enterprise/sessions/{session_id}/messages', ['ViewAccountSessions', 'ViewOrgSessions']],
      organizations: ['/v3/enterprise/organizations', ['ManageOrganizations']],
      serviceUsers: ['/v3/enterprise/members/service-users', ['ViewAccountMembership', 'ManageAccountMembership']],
      organizationConsumption: ['/v3/enterprise/consumption/daily/organizations/{organization_id}', ['ViewAccountConsumption', 'ManageBilling']],
      serviceUserConsumption: ['/v3/enterprise/consumption/daily/service-users/{service_user_id}', ['ViewAccountConsumption', 'ManageBilling']],
      consumptionCycles: ['/v3/enterprise/consumption/cycles', ['ViewAccountConsumption', 'ManageBilling']],
      // devin-api-v3-more.md §6: documented ManageEnterpriseSettings; a third-party table says ViewAccountAuditLogs
      auditLogs: ['/v3/enterprise/audit-logs', ['ManageEnterpriseSettings', 'ViewAccountAuditLogs']],
      // devin-api-v3-more.md §9
      dailyActiveUsers: ['/v3/enterprise/metrics/dau', ['ViewAccountMetrics']],
      weeklyActiveUsers: ['/v3/enterprise/metrics/wau', ['ViewAccountMetrics']],
      monthlyActiveUsers: ['/v3/enterprise/metrics/mau', ['ViewAccountMetrics']],
      // devin-api-v3-more.md §5.1, §5.2 (no enterprise secrets list: §5.3)
      playbooks: ['/v3/enterprise/playbooks', ['ManageAccountPlaybooks']],
      knowledgeNotes: ['/v3/enterprise/knowledge/notes', ['ManageAccountKnowledge']],
    },
    organization: {
      members: ['/v3beta1/organizations/{org_id}/members/users', ['ViewOrgMembership']],
      idpMembers: ['/v3beta1/organizations/{org_id}/members/idp-users', ['ViewOrgMembership']],
      userConsumption: ['/v3/organizations/{org_id}/consumption/daily/users/{user_id}', ['ManageBilling']],
      scopeConsumption: ['/v3/organizations/{org_id}/consumption/daily', ['ManageBilling']],
      prMetrics: ['/v3/organizations/{org_id}/metrics/prs', ['ViewOrgMetrics', 'ViewAccountMetrics']],
      sessions: ['/v3/organizations/{org_id}/sessions', ['ViewOrgSessions']],
      sessionInsights: ['/v3/organizations/{org_id}/sessions/insights', ['ViewOrgSessions']],
      sessionMessages: ['/v3/organizations/{org_id}/sessions/{session_id}/messages', ['ViewOrgSessions']],
      // devin-api-v3-more.md §9: "ViewAccountMetrics at the organization level" in older docs
      dailyActiveUsers: ['/v3/organizations/{org_id}/metrics/dau', ['ViewOrgMetrics', 'ViewAccountMetrics']],
      weeklyActiveUsers: ['/v3/organizations/{org_id}/metrics/wau', ['ViewOrgMetrics', 'ViewAccountMetrics']],
      monthlyActiveUsers: ['/v3/organizations/{org_id}/metrics/mau', ['ViewOrgMetrics', 'ViewAccountMetrics']],
      // §5.1–§5.3 (Airbyte's docs: ManageOrgPlaybooks, ManageOrgKnowledge)
      playbooks: ['/v3/organizations/{org_id}/playbooks', ['ManageAccountPlaybooks', 'ManageOrgPlaybooks']],
      knowledgeNotes: ['/v3/organizations/{org_id}/knowledge/notes', ['ManageAccountKnowledge', 'ManageOrgKnowledge']],
      secrets: ['/v3/organizations/{org_id}/secrets', ['ManageOrgSecrets']],
    },
  } as const;

  it('matches the API reference, path and permission, in both scopes', () => {
    expect(SELF_PATH).toBe('/v3/self');
    for (const scope of ['enterprise', 'organization'] as const) {
      const actual = Object.fromEntries(Object.entries(ENDPOINTS[scope]).map(([name, info]) => [name, [info.template, info.permission]]));
      expect(actual, scope).toEqual(REFERENCE[scope]);
    }
  });

  it('every endpoint of a scope stays inside that scope', () => {
    for (const info of Object.values(ENDPOINTS.enterprise)) expect(info.template).toMatch(/^\/v3\/enterprise\//);
    for (const info of Object.values(ENDPOINTS.organization)) expect(info.template).toMatch(/^\/v3(beta1)?\/organizations\/\{org_id\}\//);
  });
});
