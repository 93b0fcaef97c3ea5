/**
 * `check` (SPEC §7) against the simulator: exactly one CONNECTION_STATUS, exit 0 even when FAILED, a
 * message that starts with the right code — invalid_credentials, invalid_permissions, unauthorized /
 * forbidden (every missing permission and every refusing endpoint named), no_resources,
 * connection_error (the host named), config_error — and the key never echoed.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KEY_ENTERPRISE,
  KEY_ENT_NO_BILLING,
  KEY_ENT_NO_METRICS,
  KEY_ENT_ONLY_MEMBERS,
  KEY_ORG,
  KEY_ORG_EMPTY,
  KEY_ORG_NO_MEMBERS,
  KEY_SELF_FORBIDDEN,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { connectionStatus, type Json } from './support.js';

const dir = tempDir();
let sim: Simulator;
let host: string;

beforeAll(async () => {
  sim = await startSimulator({ members: 8, days: 10, now: () => FIXED_NOW });
  host = new URL(sim.url).host;
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.setFaults([]);
  sim.clearRequests();
});

async function check(config: Json): Promise<{ status: string; message: string }> {
  const path = dir.json(`check-${Math.random().toString(36).slice(2)}.json`, { api_url: sim.url, ...config });
  const run = await runAirbyte(['check', '--config', path], { now: () => FIXED_NOW });
  const status = connectionStatus(run);
  const key = config.api_key;
  if (typeof key === 'string' && key.length > 0) expect(run.stdout + run.stderr).not.toContain(key);
  return status;
}

const GRANT = '. Grant these to the service user and check again';

describe('check succeeds', () => {
  it.each([
    [KEY_ENTERPRISE, 'an enterprise-scoped key'],
    [KEY_ORG, 'a key scoped to organization org-sim-alpha'],
  ])('with %s, after probing all three streams', async (apiKey, scopeText) => {
    expect(await check({ api_key: apiKey })).toEqual({ status: 'SUCCEEDED', message: `connected to ${host} with ${scopeText}; members, consumption and PR metrics are readable` });
    const paths = sim.requests.map((r) => r.rawUrl.split('?')[0] ?? '');
    const base = apiKey === KEY_ORG ? ['/v3beta1/organizations/org-sim-alpha/members/', '/v3/organizations/org-sim-alpha/'] : ['/v3/enterprise/members/', '/v3/enterprise/'];
    expect(paths[0]).toBe('/v3/self');
    expect(paths).toContain(`${base[0]}users`);
    expect(paths).toContain(`${base[0]}idp-users`);
    expect(paths).toContain(`${base[1]}metrics/prs`);
    expect(paths.some((p) => p.startsWith(`${base[1]}consumption/daily/users/`))).toBe(true);
  });

  it('does not ask for IdP members when include_idp_users is false', async () => {
    expect((await check({ api_key: KEY_ENTERPRISE, include_idp_users: false })).status).toBe('SUCCEEDED');
    expect(sim.requests.map((r) => r.path)).not.toContainEqual(expect.stringContaining('idp-users'));
  });
});

describe('check fails with a code a person can act on', () => {
  it('invalid_credentials: the API rejects the key (401 on /v3/self)', async () => {
    expect(await check({ api_key: 'cog_not_a_key_the_api_knows' })).toEqual({
      status: 'FAILED',
      message:
        'invalid_credentials: the Devin API rejected the API key (401 on GET /v3/self): check that it is a current service-user credential (cog_…)',
    });
  });

  it('invalid_credentials: the key is empty (no request is made)', async () => {
    expect(await check({ api_key: '' })).toEqual({
      status: 'FAILED',
      message: 'invalid_credentials: api_key is empty: paste a Devin service-user credential (cog_…)',
    });
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    [
      'GET /v3/self is forbidden',
      { api_key: KEY_SELF_FORBIDDEN },
      'invalid_permissions: the API key may not read GET /v3/self (403): give the service user ReadAccountMeta, or use a v3 service-user key',
    ],
    [
      'scope organization with an enterprise key',
      { api_key: KEY_ENTERPRISE, scope: 'organization' },
      'invalid_permissions: scope is "organization" but the API key is enterprise-scoped (GET /v3/self has no org_id): use an organization service-user key, or set scope to "enterprise" or "auto"',
    ],
    [
      'scope enterprise with an organization key',
      { api_key: KEY_ORG, scope: 'enterprise' },
      'invalid_permissions: scope is "enterprise" but the API key is scoped to organization org-sim-alpha: use an enterprise service-user key, or set scope to "organization" or "auto"',
    ],
  ])('invalid_permissions: %s', async (_name, config, message) => {
    expect(await check(config)).toEqual({ status: 'FAILED', message });
  });

  it.each([
    [
      'no PR-metrics permission',
      KEY_ENT_NO_METRICS,
      'forbidden: the API key is missing ViewAccountMetrics for the PR metrics (403 on GET /v3/enterprise/metrics/prs)',
    ],
    [
      'no consumption permission',
      KEY_ENT_NO_BILLING,
      'forbidden: the API key is missing ViewAccountConsumption (ManageBilling in older docs) for the daily consumption (403 on GET /v3/enterprise/consumption/daily/users/{user_id})',
    ],
    [
      'members only: both missing permissions and both refusing endpoints',
      KEY_ENT_ONLY_MEMBERS,
      'forbidden: the API key is missing ViewAccountConsumption (ManageBilling in older docs) for the daily consumption (403 on GET /v3/enterprise/consumption/daily/users/{user_id}); ' +
        'ViewAccountMetrics for the PR metrics (403 on GET /v3/enterprise/metrics/prs)',
    ],
    [
      'an organization key without membership permission',
      KEY_ORG_NO_MEMBERS,
      'forbidden: the API key is missing ViewOrgMembership for the member list (403 on GET /v3beta1/organizations/{org_id}/members/users); ' +
        'ViewOrgMembership for the IdP-group member list (403 on GET /v3beta1/organizations/{org_id}/members/idp-users)',
    ],
  ])('forbidden: %s', async (_name, apiKey, message) => {
    expect(await check({ api_key: apiKey })).toEqual({ status: 'FAILED', message: message + GRANT });
    // every stream was probed, not just the first that failed
    const paths = sim.requests.map((r) => r.path);
    expect(paths.some((p) => p.includes('/members/users'))).toBe(true);
    expect(paths.some((p) => p.includes('/consumption/daily'))).toBe(true);
    expect(paths.some((p) => p.endsWith('/metrics/prs'))).toBe(true);
  });

  it('unauthorized: a data endpoint answers 401 (and its body echoing the key does not leak it)', async () => {
    sim.setFaults([{ kind: 'echo-key', status: 401, path: /\/metrics\/prs$/ }]);
    expect(await check({ api_key: KEY_ENTERPRISE })).toEqual({
      status: 'FAILED',
      message: `unauthorized: the API key is missing ViewAccountMetrics for the PR metrics (401 on GET /v3/enterprise/metrics/prs)${GRANT}`,
    });
    expect(sim.requests.some((r) => r.fault === 'echo-key')).toBe(true);
  });

  it('no_resources: the key is valid and permitted but there are no members', async () => {
    expect(await check({ api_key: KEY_ORG_EMPTY })).toEqual({
      status: 'FAILED',
      message: 'no_resources: the API key is valid but organization org-sim-empty has no members, so there is nothing to import',
    });
  });

  it('connection_error: nothing listens on the port (the host is named)', async () => {
    const port = await closedPort();
    const status = await check({ api_key: KEY_ENTERPRISE, api_url: `http://127.0.0.1:${port}` });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(new RegExp(`^connection_error: cannot reach the Devin API at 127\\.0\\.0\\.1:${port}: GET /v3/self failed \\d+ times; last: .*ECONNREFUSED`));
  });

  it('connection_error: the server keeps answering 500 on /v3/self', async () => {
    sim.setFaults([{ kind: '500', path: /\/v3\/self$/ }]);
    const status = await check({ api_key: KEY_ENTERPRISE });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(new RegExp(`^connection_error: cannot reach the Devin API at ${host.replace(/\./g, '\\.')}: GET /v3/self failed 4 times; last: HTTP 500`));
    expect(sim.requests.filter((r) => r.path.endsWith('/v3/self'))).toHaveLength(4);
  });

  it('connection_error: a data endpoint keeps answering 503', async () => {
    sim.setFaults([{ kind: '503', path: /\/metrics\/prs$/ }]);
    const status = await check({ api_key: KEY_ENTERPRISE });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(
      new RegExp(`^connection_error: cannot reach the Devin API at ${host.replace(/\./g, '\\.')}: GET /v3/enterprise/metrics/prs failed 4 times; last: HTTP 503`),
    );
  });

  it('a transient 500 is retried and the check succeeds', async () => {
    sim.setFaults([{ kind: '500', path: /\/v3\/self$/, times: 2 }]);
    expect((await check({ api_key: KEY_ENTERPRISE })).status).toBe('SUCCEEDED');
  });

  it('config_error: an invalid config names the key and makes no request', async () => {
    expect(await check({ api_key: KEY_ENTERPRISE, window_days: 0 })).toEqual({
      status: 'FAILED',
      message: 'config_error: window_days must be at least 1 (got 0)',
    });
    expect(sim.requests).toHaveLength(0);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
