// The oracle agrees with what the endpoints serve: walk the API like a connector would and compare.
import { readFileSync } from 'node:fs';
import { newAjv } from '../helpers/ajv.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOfSeconds, dayStartSeconds, formatDay, parseDay } from '../../src/devin/billing-day.js';
import {
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  KEY_ORG_EMPTY,
  startSimulator,
  type ConsumptionRow,
  type GroundTruth,
  type GroundTruthQuery,
  type MemberRecord,
  type PrMetricsRecord,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, TODAY, walkItems } from './helpers.js';

/** The version-1 streams and query fields (the sessions family has its own test: sessions-ground-truth.test.ts). */
type UsageTruth = Pick<GroundTruth, 'members' | 'daily_consumption' | 'pr_metrics' | 'pr_metrics_by_member'>;
type UsageQuery = Required<Pick<GroundTruthQuery, 'key' | 'startDate' | 'endDate' | 'includeIdpUsers'>>;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 40, days: 30 });
});
afterAll(async () => {
  await sim.close();
});

const TAKEN_OVER = ['prs_taken_over_count', 'prs_taken_over_opened_count', 'prs_taken_over_merged_count', 'prs_taken_over_closed_count'];
const COUNTS = ['prs_created_count', 'prs_opened_count', 'prs_merged_count', 'prs_closed_count', ...TAKEN_OVER];

async function json(simulator: Simulator, path: string, key: string): Promise<Record<string, unknown>> {
  const reply = await get(simulator, path, key);
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.text}`);
  return asObject(reply.json);
}

/** What a correct connector would emit, read through HTTP only. */
async function readThroughApi(simulator: Simulator, query: UsageQuery): Promise<UsageTruth> {
  const orgId = (await json(simulator, '/v3/self', query.key))['org_id'] as string | null;
  const base = orgId === null ? '/v3/enterprise' : `/v3/organizations/${enc(orgId)}`;
  const membersBase = orgId === null ? '/v3/enterprise/members' : `/v3beta1/organizations/${enc(orgId)}/members`;

  const direct = await walkItems(simulator, `${membersBase}/users`, query.key, 7);
  const idp = query.includeIdpUsers ? await walkItems(simulator, `${membersBase}/idp-users`, query.key, 7) : [];
  const byId = new Map<string, MemberRecord>();
  for (const item of direct) {
    byId.set(item['user_id'] as string, {
      user_id: item['user_id'] as string,
      email: item['email'] as string | null,
      name: item['name'] as string | null,
      role_assignments: item['role_assignments'] as MemberRecord['role_assignments'],
      idp_role_assignments: null,
      org_id: orgId,
    });
  }
  for (const item of idp) {
    const known = byId.get(item['user_id'] as string);
    const assignments = item['idp_role_assignments'] as MemberRecord['idp_role_assignments'];
    if (known) known.idp_role_assignments = assignments;
    else {
      byId.set(item['user_id'] as string, {
        user_id: item['user_id'] as string,
        email: item['email'] as string | null,
        name: item['name'] as string | null,
        role_assignments: [],
        idp_role_assignments: assignments,
        org_id: orgId,
      });
    }
  }
  const members = [...byId.values()];

  const startDay = parseDay(query.startDate)!;
  const endDay = parseDay(query.endDate)!;
  const window = `time_after=${dayStartSeconds(startDay)}&time_before=${dayStartSeconds(endDay + 1)}`;
  const dailyConsumption = [];
  for (const member of members) {
    const body = await json(simulator, `${base}/consumption/daily/users/${enc(member.user_id)}?${window}`, query.key);
    for (const row of body['consumption_by_date'] as ConsumptionRow[]) {
      dailyConsumption.push({
        user_id: member.user_id,
        email: member.email,
        date: formatDay(dayOfSeconds(row.date)),
        acus: row.acus,
        acus_by_product: row.acus_by_product,
        org_id: orgId,
        is_partial_day: dayOfSeconds(row.date) === simulator.data.today(),
      });
    }
  }

  const prMetrics: PrMetricsRecord[] = [];
  const prMetricsByMember: PrMetricsRecord[] = [];
  for (let day = startDay; day <= endDay; day++) {
    const dayWindow = `time_after=${dayStartSeconds(day)}&time_before=${dayStartSeconds(day + 1)}`;
    for (const userId of [null, ...members.map((member) => member.user_id)]) {
      const filter = userId === null ? '' : `&user_ids=${enc(userId)}`;
      const body = await json(simulator, `${base}/metrics/prs?${dayWindow}${filter}`, query.key);
      const record: Record<string, unknown> = { date: formatDay(day), user_id: userId, org_id: orgId };
      for (const name of COUNTS) record[name] = body[name] ?? null;
      record.is_partial_day = day === simulator.data.today();
      (userId === null ? prMetrics : prMetricsByMember).push(record as unknown as PrMetricsRecord);
    }
  }
  return { members, daily_consumption: dailyConsumption, pr_metrics: prMetrics, pr_metrics_by_member: prMetricsByMember };
}

function complete(query: GroundTruthQuery): UsageQuery {
  return { key: KEY_ENTERPRISE, includeIdpUsers: true, ...query };
}

const schemaAjv = newAjv();
const validators = Object.fromEntries(
  ['members', 'daily_consumption', 'pr_metrics', 'pr_metrics_by_member', 'sessions', 'session_pull_requests', 'session_insights', 'session_messages', 'active_users',
   'daily_consumption_totals', 'daily_consumption_by_organization', 'daily_consumption_by_service_user', 'organizations', 'service_users', 'consumption_cycles',
   'playbooks', 'knowledge_notes', 'secrets', 'audit_logs'].map((stream) => [
    stream,
    schemaAjv.compile(JSON.parse(readFileSync(new URL(`../../schemas/${stream}.json`, import.meta.url), 'utf8')) as object),
  ]),
);

describe('ground truth', () => {
  const startDate = formatDay(TODAY - 6);
  const endDate = formatDay(TODAY);

  it.each([
    ['enterprise, idp, day', { key: KEY_ENTERPRISE, startDate, endDate }],
    ['enterprise, direct only, user_day', { key: KEY_ENTERPRISE, startDate: formatDay(TODAY - 2), endDate, includeIdpUsers: false}],
    ['organization alpha, idp, user_day', { key: KEY_ORG, startDate: formatDay(TODAY - 3), endDate}],
    ['organization beta, direct only, day', { key: KEY_ORG_BETA, startDate, endDate, includeIdpUsers: false }],
    ['organization empty', { key: KEY_ORG_EMPTY, startDate, endDate }],
  ])('matches the API: %s', async (_label, query: GroundTruthQuery) => {
    const truth = sim.groundTruth(query);
    const served = await readThroughApi(sim, complete(query));
    expect({ members: truth.members, daily_consumption: truth.daily_consumption, pr_metrics: truth.pr_metrics, pr_metrics_by_member: truth.pr_metrics_by_member }).toEqual(served);
    for (const [stream, records] of Object.entries(truth)) {
      for (const record of records as unknown[]) {
        const validate = validators[stream]!;
        expect(validate(record), `${stream}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it('has the documented shape', () => {
    const truth = sim.groundTruth({ startDate, endDate });
    const all = sim.data.members();
    expect(truth.members.map((m) => m.user_id).sort()).toEqual(all.map((m) => m.user_id).sort());
    const idpOnly = truth.members.find((m) => all.find((a) => a.user_id === m.user_id)!.listing === 'idp')!;
    expect(idpOnly.role_assignments).toEqual([]);
    expect(idpOnly.idp_role_assignments!.length).toBeGreaterThan(0);
    const directOnly = truth.members.find((m) => all.find((a) => a.user_id === m.user_id)!.listing === 'direct')!;
    expect(directOnly.idp_role_assignments).toBeNull();
    expect(truth.members.every((m) => m.org_id === null)).toBe(true);
    expect(truth.pr_metrics).toHaveLength(7);
    expect(truth.pr_metrics.every((r) => r.user_id === null && r.org_id === null)).toBe(true);
    expect(truth.daily_consumption.every((r) => r.date >= startDate && r.date <= endDate)).toBe(true);

    const noIdp = sim.groundTruth({ startDate, endDate, includeIdpUsers: false });
    expect(noIdp.members.every((m) => m.idp_role_assignments === null && m.role_assignments.length > 0)).toBe(true);
    const org = sim.groundTruth({ key: KEY_ORG, startDate, endDate });
    expect(org.members.every((m) => m.org_id === 'org-sim-alpha')).toBe(true);
    expect(org.daily_consumption.every((r) => r.org_id === 'org-sim-alpha')).toBe(true);
    expect(() => sim.groundTruth({ key: 'cog_nope', startDate, endDate })).toThrow(/unknown key/);
    expect(() => sim.groundTruth({ startDate: '2025-13-01', endDate })).toThrow(/startDate/);
  });

  it('reports null taken-over counts for an older API build, and is deterministic', async () => {
    const [a, b] = await Promise.all([
      startSimulator({ now: fixedClock, prTakenOverFields: false, logRequests: false }),
      startSimulator({ now: fixedClock, prTakenOverFields: false, logRequests: false }),
    ]);
    try {
      const query = { startDate, endDate };
      const truth = a.groundTruth(query);
      for (const record of [...truth.pr_metrics, ...truth.pr_metrics_by_member]) for (const name of TAKEN_OVER) expect(record[name as keyof PrMetricsRecord]).toBeNull();
      expect(JSON.stringify(b.groundTruth(query))).toBe(JSON.stringify(truth));
      const page = await get(a, '/v3/enterprise/members/users?first=17');
      expect((await get(b, '/v3/enterprise/members/users?first=17')).text).toBe(page.text);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('follows mutations', () => {
    const user = sim.data.members().find((m) => m.consumes)!;
    const day = TODAY - 1;
    sim.data.setConsumption(user.user_id, day, { acus: 0.5, acus_by_product: { devin: 0.5, cascade: 0, terminal: 0, review: 0 } });
    const truth = sim.groundTruth({ startDate: formatDay(day), endDate: formatDay(day) });
    expect(truth.daily_consumption.find((r) => r.user_id === user.user_id)).toMatchObject({ acus: 0.5, date: formatDay(day) });
  });
});
