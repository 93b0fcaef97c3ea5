/**
 * SPEC §10 and the path half of §9: the API key never appears in anything the connector prints —
 * not even when the API echoes it back in an error body (on a 401, and on a 500 until retries run
 * out), in either executable, in-process or as a real process — and ids containing `/ ? # .. %`
 * reach the API as one encoded path segment, so the right member's data comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type FaultRule, type Simulator } from '../../src/simulator/index.js';
import { FAST_RETRY, spawnCli, type CliRun } from '../helpers/cli.js';
import { ALL_INCREMENTAL, configuredCatalog, scratchDir } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statusesOf } from '../helpers/read.js';
import { PATIENT_FAST_RETRY, traceErrors } from './support.js';

const START = '2026-03-05';

/** The key must be in none of these, and neither may its URL-encoded form. */
function expectKeyAbsent(run: Pick<CliRun, 'stdout' | 'stderr'>, key: string): void {
  for (const form of [key, encodeURIComponent(key), Buffer.from(key).toString('base64')]) {
    expect(run.stdout.includes(form), `stdout holds ${form.slice(0, 8)}…`).toBe(false);
    expect(run.stderr.includes(form), `stderr holds ${form.slice(0, 8)}…`).toBe(false);
  }
}

describe('the API key in echoed error bodies', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ members: 6, days: 10, now: () => FIXED_NOW });
  });
  afterAll(() => sim.close());

  async function readUnder(faults: FaultRule[]): Promise<CliRun> {
    sim.setFaults(faults);
    try {
      return await readWith({
        sim,
        config: { api_key: KEY_ENTERPRISE, start_date: START },
        streams: ALL_INCREMENTAL,
        overrides: { retryPolicy: PATIENT_FAST_RETRY },
      });
    } finally {
      sim.setFaults([]);
    }
  }

  it('a 401 echoing the key on a data endpoint: config_error, detail kept, key masked', async () => {
    const run = await readUnder([{ kind: 'echo-key', status: 401, path: /consumption/ }]);
    expect(sim.requests.some((r) => r.fault === 'echo-key')).toBe(true);
    expect(run.code).toBe(1);
    const [error] = traceErrors(run);
    expect(error).toMatchObject({ stream: 'daily_consumption', failure_type: 'config_error' });
    expect(error?.internal_message).toBe('invalid token ****');
    expectKeyAbsent(run, KEY_ENTERPRISE);
  });

  it('a 500 echoing the key until retries run out: transient_error, key masked in message and logs', async () => {
    const run = await readUnder([{ kind: 'echo-key', status: 500, path: /metrics\/prs/ }]);
    expect(run.code).toBe(1);
    const [error] = traceErrors(run);
    expect(error).toMatchObject({ stream: 'pr_metrics', failure_type: 'transient_error' });
    expect(error?.message).toContain('HTTP 500: internal error while validating token ****');
    expectKeyAbsent(run, KEY_ENTERPRISE);
  });

  it('a 401 echoing the key on GET /v3/self: one trace for the whole read, every stream INCOMPLETE, key masked', async () => {
    const run = await readUnder([{ kind: 'echo-key', status: 401, path: '/v3/self' }]);
    expect(run.code).toBe(1);
    expect(traceErrors(run).map((e) => [e.stream, e.failure_type])).toEqual([[undefined, 'config_error']]);
    for (const stream of ['members', 'daily_consumption', 'pr_metrics']) expect(statusesOf(run, stream).at(-1)).toBe('INCOMPLETE');
    expectKeyAbsent(run, KEY_ENTERPRISE);
  });

  // Real processes retry on the real schedule: the 500 echoes once (then the retry succeeds), the
  // 401 is final.
  it.each(['source-devin', 'tap-devin'] as const)('%s as a real process: nothing it prints holds the key', async (bin) => {
    sim.setFaults([
      { kind: 'echo-key', status: 500, path: /metrics\/prs/, times: 1 },
      { kind: 'echo-key', status: 401, path: /consumption/ },
    ]);
    try {
      const dir = scratchDir();
      const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: START });
      const argv =
        bin === 'source-devin'
          ? ['read', '--config', config, '--catalog', dir.json('catalog.json', configuredCatalog(ALL_INCREMENTAL))]
          : ['--config', config];
      const run = await spawnCli(bin, argv);
      expect(run.code).toBe(1);
      expect(sim.requests.filter((r) => r.fault === 'echo-key').length).toBeGreaterThan(1);
      expectKeyAbsent(run, KEY_ENTERPRISE);
      // It said what failed.
      expect(`${run.stdout}\n${run.stderr}`).toContain('rejected the API key (401 on GET /v3/enterprise/consumption/daily/users/');
    } finally {
      sim.setFaults([]);
    }
  }, 30_000);

  it('a check whose /v3/self answer echoes the key: the status message is masked', async () => {
    sim.setFaults([{ kind: 'echo-key', status: 401, path: '/v3/self' }]);
    try {
      const dir = scratchDir();
      const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url });
      const run = await spawnCli('source-devin', ['check', '--config', config], {
        env: {},
      });
      expect(run.code).toBe(0);
      const status = run.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as Record<string, string>;
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(/^invalid_credentials: /);
      expectKeyAbsent(run, KEY_ENTERPRISE);
    } finally {
      sim.setFaults([]);
    }
  }, 30_000);
});

describe('ids that look like paths', () => {
  const HOSTILE_IDS = [
    'samlp|acme/jdoe',
    'email|what?x=1#frag',
    '..',
    '.',
    'weird|../../v3/self',
    '100%',
    '%2F',
    'space user|a b',
  ];
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ members: 4, days: 10, now: () => FIXED_NOW });
    // The generated members already include some of these; add the others.
    for (const [index, userId] of HOSTILE_IDS.entries()) {
      if (sim.data.member(userId) === undefined) {
        sim.data.addMember({ user_id: userId, email: `hostile${index}@example.com`, name: `Hostile ${index}` });
      }
    }
  });
  afterAll(() => sim.close());

  it('each reaches the API as one encoded segment, and the right member\'s data comes back', async () => {
    sim.clearRequests();
    const run = await readWith({
      sim,
      config: { api_key: KEY_ENTERPRISE, start_date: START },
      streams: { ...ALL_INCREMENTAL, pr_metrics_by_member: 'incremental' },
      overrides: { retryPolicy: FAST_RETRY },
    });
    expect(run.code, run.stdout.slice(-1_500)).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY });
    for (const stream of ['members', 'daily_consumption', 'pr_metrics', 'pr_metrics_by_member'] as const) {
      expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    }
    const prefix = '/v3/enterprise/consumption/daily/users/';
    for (const userId of HOSTILE_IDS) {
      const raw = `${prefix}${encodeURIComponent(userId).replace(/^\.{1,2}$/, (dots) => dots.replace(/\./g, '%2E'))}`;
      const requests = sim.requests.filter((r) => r.rawUrl.split('?')[0] === raw);
      expect(requests.length, `consumption of ${JSON.stringify(userId)} asked as ${raw}`).toBeGreaterThan(0);
      for (const request of requests) expect(request.pathSegments.at(-1)).toBe(userId);
      // pr_metrics_by_member carries the id as a query value, decoded back exactly
      expect(sim.requests.some((r) => r.path === '/v3/enterprise/metrics/prs' && r.query.user_ids?.[0] === userId)).toBe(true);
      expect(recordsOf(run, 'daily_consumption').some((r) => r.user_id === userId)).toBe(true);
    }
    // Nothing escaped into another endpoint: every request is one the read plans.
    const allowed = /^\/v3\/(self|enterprise\/members\/(users|idp-users)|enterprise\/consumption\/daily\/users\/[^/]+|enterprise\/metrics\/prs)$/;
    for (const request of sim.requests) expect(request.rawUrl.split('?')[0], request.rawUrl).toMatch(allowed);
    expect(sim.requests.filter((r) => r.path === '/v3/self')).toHaveLength(1);
  });

  it('an organization id that is not a plain id is refused before any data request', async () => {
    const orgId = 'acme/../beta?x=1#y';
    const orgSim = await startSimulator({
      members: 5,
      days: 10,
      now: () => FIXED_NOW,
      orgs: [orgId],
      keys: { cog_sim_hostile_org: { scope: 'organization', orgId, permissions: 'all' } },
    });
    try {
      const run = await readWith({
        sim: orgSim,
        config: { api_key: 'cog_sim_hostile_org', start_date: START },
        streams: ALL_INCREMENTAL,
        overrides: { retryPolicy: FAST_RETRY },
      });
      expect(run.code).toBe(1);
      // The scope cannot be resolved: one error for the read, not one per stream (SPEC §8).
      expect(traceErrors(run).map((e) => [e.stream, e.failure_type])).toEqual([[undefined, 'config_error']]);
      expect(orgSim.requests.map((r) => r.path)).toEqual(['/v3/self']);
    } finally {
      await orgSim.close();
    }
  });
});
