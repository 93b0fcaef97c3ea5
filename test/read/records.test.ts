/**
 * A full read returns exactly the simulator's ground truth, in both scopes and both PR granularities,
 * with members de-duplicated, every record valid against its schema and every message valid against
 * the Airbyte protocol (checked by runAirbyte).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ALL_FULL_REFRESH } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statesOf, statusesOf } from '../helpers/read.js';

const START = '2026-02-01';
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ members: 24, days: 45, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

describe.each([
  { scope: 'enterprise', key: KEY_ENTERPRISE, orgId: null },
  { scope: 'organization', key: KEY_ORG, orgId: 'org-sim-alpha' },
])('a full read in $scope scope', ({ key, orgId }) => {
  it('returns exactly the ground truth of every stream', async () => {
    const run = await readWith({ sim, config: { api_key: key, start_date: START }, streams: ALL_FULL_REFRESH });
    expect(run.code).toBe(0);
    const truth = sim.groundTruth({ key, startDate: START, endDate: FIXED_TODAY });
    for (const stream of ['members', 'daily_consumption', 'pr_metrics'] as const) {
      expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    }
    expect(truth.daily_consumption.length).toBeGreaterThan(50);
    for (const record of recordsOf(run, 'daily_consumption')) expect(record.org_id).toBe(orgId);
  });

  it('asks the scope\'s own paths', async () => {
    sim.clearRequests();
    await readWith({ sim, config: { api_key: key, start_date: START }, streams: ALL_FULL_REFRESH });
    const paths = new Set(sim.requests.map((r) => r.pathSegments.slice(0, orgId ? 3 : 2).join('/')));
    if (orgId) {
      expect(paths).toEqual(new Set(['v3/self', 'v3beta1/organizations/org-sim-alpha', 'v3/organizations/org-sim-alpha']));
    } else {
      expect(paths).toEqual(new Set(['v3/self', 'v3/enterprise']));
    }
  });
});

describe('members', () => {
  it('is one record per user: direct fields plus IdP assignments, [] roles for IdP-only members', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams: { members: 'full_refresh' } });
    const members = recordsOf(run, 'members');
    expect(new Set(members.map((m) => m.user_id)).size).toBe(members.length);
    const both = members.filter((m) => Array.isArray(m.idp_role_assignments) && (m.role_assignments as unknown[]).length > 0);
    const idpOnly = members.filter((m) => Array.isArray(m.idp_role_assignments) && (m.role_assignments as unknown[]).length === 0);
    const directOnly = members.filter((m) => m.idp_role_assignments === null);
    expect(both.length).toBeGreaterThan(0);
    expect(idpOnly.length).toBeGreaterThan(0);
    expect(directOnly.length).toBeGreaterThan(0);
    expect(both.length + idpOnly.length + directOnly.length).toBe(members.length);
  });

  it('lists direct members only when include_idp_users is false', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: START, include_idp_users: false };
    sim.clearRequests();
    const run = await readWith({ sim, config, streams: { members: 'full_refresh', daily_consumption: 'full_refresh' } });
    expect(sim.requests.some((r) => r.path.includes('idp-users'))).toBe(false);
    const truth = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY, includeIdpUsers: false });
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), truth.members);
    expectRecordsToEqualTruth(
      'daily_consumption',
      recordsOf(run, 'daily_consumption'),
      truth.daily_consumption,
    );
    for (const member of recordsOf(run, 'members')) expect(member.idp_role_assignments).toBeNull();
  });
});

describe('pr_metrics_by_member', () => {
  it('returns one row per member per billing day, asked with user_ids for exactly one day each', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2026-03-01' };
    sim.clearRequests();
    const run = await readWith({ sim, config, streams: { pr_metrics_by_member: 'incremental' } });
    expect(run.code).toBe(0);
    const truth = sim.groundTruth({ startDate: '2026-03-01', endDate: FIXED_TODAY });
    expectRecordsToEqualTruth('pr_metrics_by_member', recordsOf(run, 'pr_metrics_by_member'), truth.pr_metrics_by_member);
    const prRequests = sim.requests.filter((r) => r.path.endsWith('metrics/prs'));
    const members = truth.members.length;
    expect(prRequests).toHaveLength(members * 10);
    for (const request of prRequests) {
      expect(request.query.user_ids).toHaveLength(1);
      expect(Number(request.query.time_before?.[0]) - Number(request.query.time_after?.[0])).toBe(86_400);
    }
    expect(statesOf(run, 'pr_metrics_by_member').at(-1)?.stream).toMatchObject({ stream_state: { date: '2026-03-09' } });
  });
});

describe('messages around the records', () => {
  it('gives every stream STARTED → RUNNING → COMPLETE, an ESTIMATE, a summary LOG and a STATE with recordCount', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams: ALL_FULL_REFRESH });
    for (const stream of ['members', 'daily_consumption', 'pr_metrics']) {
      expect(statusesOf(run, stream)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      const estimate = run.messages.find(
        (m) => m.type === 'TRACE' && (m.trace as { estimate?: { name: string } }).estimate?.name === stream,
      );
      expect(estimate, stream).toBeDefined();
      const summary = run.messages.find(
        (m) => m.type === 'LOG' && new RegExp(`^${stream}: \\d+ records, \\d+ requests, [\\d.]+ s$`).test((m.log as { message: string }).message),
      );
      expect(summary, stream).toBeDefined();
      const states = statesOf(run, stream);
      expect(states.length).toBeGreaterThan(0);
      const counted = states.reduce((sum, s) => sum + Number((s.sourceStats as { recordCount: number }).recordCount), 0);
      expect(counted).toBe(recordsOf(run, stream).length);
    }
    const memberEstimate = run.messages.find(
      (m) => m.type === 'TRACE' && (m.trace as { estimate?: { name: string } }).estimate?.name === 'members',
    );
    expect((memberEstimate?.trace as { estimate: { row_estimate: number } }).estimate.row_estimate).toBe(recordsOf(run, 'members').length);
    expect(run.stdout).toMatch(/"recordCount":\d+\.0\}/);
  });
});
