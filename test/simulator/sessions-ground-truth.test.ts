// The sessions-family and active_users oracle: valid against schemas/*.json, and equal to what a
// correct connector reads through the API (SPEC §5.3, §5.5, §13).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayStartSeconds, formatDay, parseDay } from '../../src/devin/billing-day.js';
import {
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_EMPTY,
  startSimulator,
  type ActiveUsersPoint,
  type GroundTruth,
  type Simulator,
} from '../../src/simulator/index.js';
import { newAjv } from '../helpers/ajv.js';
import { asObject, enc, fixedClock, get, NOW_MS, TODAY } from './helpers.js';
import { walkList } from './session-helpers.js';

const NOW = NOW_MS / 1000;
const STREAMS = ['sessions', 'session_pull_requests', 'session_insights', 'session_messages', 'active_users'] as const;
const KEYS: Record<(typeof STREAMS)[number], string[]> = {
  sessions: ['session_id'],
  session_pull_requests: ['session_id', 'pr_url'],
  session_insights: ['session_id'],
  session_messages: ['session_id', 'event_id'],
  active_users: ['period', 'period_start'],
};
const ajv = newAjv();
const validators = Object.fromEntries(
  STREAMS.map((stream) => [stream, ajv.compile(JSON.parse(readFileSync(new URL(`../../schemas/${stream}.json`, import.meta.url), 'utf8')) as object)]),
);
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 30, sessions: 250 });
});
afterAll(async () => {
  await sim.close();
});

function asRecord(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, created_at: iso(row['created_at'] as number), updated_at: iso(row['updated_at'] as number) };
}

/** What a correct connector emits for the sessions family, read through HTTP only. */
async function readSessionsFamily(key: string, startDate: string, endDate: string, readStart: number): Promise<Partial<GroundTruth>> {
  const orgId = asObject((await get(sim, '/v3/self', key)).json)['org_id'] as string | null;
  const base = orgId === null ? '/v3/enterprise' : `/v3/organizations/${enc(orgId)}`;
  const window: Array<[string, number]> = [
    ['updated_after', dayStartSeconds(parseDay(startDate)!)],
    ['updated_before', Math.min(dayStartSeconds(parseDay(endDate)! + 1), readStart)],
  ];
  const rows = (await walkList(sim, `${base}/sessions`, window, key, 17)).items;
  const insights = (await walkList(sim, `${base}/sessions/insights`, window, key, 17)).items;
  const messages = [];
  for (const row of rows) {
    const query: Array<[string, string]> = orgId === null ? [['org_id', row['org_id'] as string]] : [];
    for (const message of (await walkList(sim, `${base}/sessions/${enc(row['session_id'] as string)}/messages`, query, key, 50)).items) {
      messages.push({
        session_id: row['session_id'], event_id: message['event_id'], source: message['source'], message: message['message'],
        created_at: iso(message['created_at'] as number), org_id: row['org_id'], user_id: row['user_id'], session_updated_at: iso(row['updated_at'] as number),
      });
    }
  }
  return {
    sessions: rows.map(asRecord) as unknown as GroundTruth['sessions'],
    session_insights: insights.map(asRecord) as unknown as GroundTruth['session_insights'],
    session_messages: messages as unknown as GroundTruth['session_messages'],
  };
}

describe('schemas of the sessions family and active_users', () => {
  it.each(STREAMS)('%s: the primary key is required and non-null, every other field nullable, date-times typed for Airbyte', (stream) => {
    const schema = JSON.parse(readFileSync(new URL(`../../schemas/${stream}.json`, import.meta.url), 'utf8')) as {
      required: string[];
      additionalProperties: unknown;
      properties: Record<string, { type: string | string[]; format?: string; airbyte_type?: string }>;
    };
    expect(schema.required).toEqual(KEYS[stream]);
    expect(schema.additionalProperties).toBe(true);
    for (const [field, property] of Object.entries(schema.properties)) {
      if (KEYS[stream].includes(field)) expect(property.type, field).toBe('string');
      else expect(property.type, field).toContain('null');
      if (property.format === 'date-time') expect(property.airbyte_type, field).toBe('timestamp_with_timezone');
    }
    const dateTimes = Object.entries(schema.properties).filter(([, p]) => p.format === 'date-time').map(([name]) => name);
    const expected: Record<(typeof STREAMS)[number], string[]> = {
      sessions: ['created_at', 'updated_at'],
      session_insights: ['created_at', 'updated_at'],
      session_pull_requests: ['session_created_at', 'session_updated_at'],
      session_messages: ['created_at', 'session_updated_at'],
      active_users: ['period_start', 'period_end'],
    };
    expect(dateTimes).toEqual(expected[stream]);
    // a record with a broken date-time fails, one with a field from a newer API passes
    const validate = validators[stream]!;
    const sample = Object.fromEntries(KEYS[stream].map((field) => [field, field === 'period_start' ? '2025-12-01T00:00:00Z' : 'x']));
    expect(validate({ ...sample, a_newer_field: 1 })).toBe(true);
    expect(validate({ ...sample, [dateTimes[1]!]: '2025-12-01 25:00' })).toBe(false);
  });
});

describe('sessions ground truth', () => {
  const startDate = formatDay(TODAY - 9);
  const endDate = formatDay(TODAY);

  it.each([
    ['enterprise', KEY_ENTERPRISE],
    ['organization', KEY_ORG],
    ['empty organization', KEY_ORG_EMPTY],
  ])('%s: matches the API and validates against the schemas', async (_label, key) => {
    const truth = sim.groundTruth({ key, startDate, endDate });
    const served = await readSessionsFamily(key, startDate, endDate, NOW);
    expect(truth.sessions).toEqual(served.sessions);
    expect(truth.session_insights).toEqual(served.session_insights);
    expect(truth.session_messages).toEqual(served.session_messages);
    if (key !== KEY_ORG_EMPTY) {
      expect(truth.sessions.length).toBeGreaterThan(10);
      expect(truth.session_pull_requests.length).toBeGreaterThan(0);
      expect(truth.session_messages.length).toBeGreaterThan(truth.sessions.length);
    }
    for (const stream of STREAMS) {
      const records = truth[stream] as unknown as Array<Record<string, unknown>>;
      for (const record of records) expect(validators[stream]!(record), `${stream}: ${JSON.stringify(validators[stream]!.errors)}`).toBe(true);
      const keys = records.map((record) => JSON.stringify(KEYS[stream].map((field) => record[field])));
      expect(new Set(keys).size, `${stream} primary keys are unique`).toBe(keys.length);
    }
  });

  it('session_pull_requests: one per PR of each session, with the session’s fields and the expected parse', () => {
    const truth = sim.groundTruth({ startDate, endDate });
    const expected = truth.sessions.flatMap((session) =>
      sim.data.sessionPullRequests(session.session_id).map((pr) => ({
        session_id: session.session_id, pr_url: pr.pr_url, pr_state: pr.pr_state, ...pr.expected,
        user_id: session.user_id, service_user_id: session.service_user_id, org_id: session.org_id,
        session_created_at: session.created_at, session_updated_at: session.updated_at,
      })),
    );
    expect(truth.session_pull_requests).toEqual(expected);
    const fromRows = truth.sessions.flatMap((s) => s.pull_requests.map((pr) => [s.session_id, pr.pr_url, pr.pr_state]));
    expect(truth.session_pull_requests.map((pr) => [pr.session_id, pr.pr_url, pr.pr_state])).toEqual(fromRows);
    expect(new Set(truth.session_pull_requests.map((pr) => pr.provider)).size).toBeGreaterThan(2);
  });

  it('the range ends at the read start (or end_date+1 08:00Z) and can be given explicitly', () => {
    const readStart = NOW - 2 * 86_400;
    const cut = sim.groundTruth({ startDate, endDate, readStart });
    expect(cut.sessions.every((s) => Date.parse(s.updated_at) / 1000 < readStart)).toBe(true);
    const early = sim.groundTruth({ startDate, endDate: formatDay(TODAY - 5) });
    expect(early.sessions.every((s) => Date.parse(s.updated_at) / 1000 < dayStartSeconds(TODAY - 4))).toBe(true);
    expect(early.sessions.every((s) => Date.parse(s.updated_at) / 1000 >= dayStartSeconds(TODAY - 9))).toBe(true);
    const explicit = sim.groundTruth({ startDate, endDate, sessionsRange: { start: NOW - 86_400, end: NOW } });
    const all = sim.data.sessions();
    expect(explicit.sessions.map((s) => s.session_id)).toEqual(all.filter((s) => s.updated_at >= NOW - 86_400 && s.updated_at < NOW).map((s) => s.session_id));
  });

  it('active_users: whole periods from start_date’s day / Monday / month to the read start, the running one partial, as the API counts them', async () => {
    // start_date 2025-11-19 is a Wednesday; the read starts 2025-12-10T12:00:00Z
    const truth = sim.groundTruth({ key: KEY_ORG, startDate: '2025-11-19', endDate: '2025-12-10' });
    const byPeriod = (period: string) => truth.active_users.filter((r) => r.period === period);
    expect(byPeriod('day')).toHaveLength(22);
    expect(byPeriod('day')[0]!.period_start).toBe('2025-11-19T00:00:00Z');
    expect(byPeriod('week').map((r) => [r.period_start, r.period_end])).toEqual([
      ['2025-11-17T00:00:00Z', '2025-11-23T23:59:59Z'], ['2025-11-24T00:00:00Z', '2025-11-30T23:59:59Z'],
      ['2025-12-01T00:00:00Z', '2025-12-07T23:59:59Z'], ['2025-12-08T00:00:00Z', '2025-12-14T23:59:59Z'],
    ]);
    expect(byPeriod('month').map((r) => r.period_start)).toEqual(['2025-11-01T00:00:00Z', '2025-12-01T00:00:00Z']);
    for (const period of ['day', 'week', 'month']) {
      const rows = byPeriod(period);
      expect(rows.filter((r) => r.is_partial_period)).toEqual([rows.at(-1)]);
      expect(rows.every((r) => r.org_id === 'org-sim-alpha')).toBe(true);
    }
    const api = async (name: string, from: number, to: number): Promise<ActiveUsersPoint[]> =>
      (await get(sim, `/v3/organizations/org-sim-alpha/metrics/${name}?time_after=${from}&time_before=${to}`, KEY_ORG)).json as ActiveUsersPoint[];
    const weeks = await api('wau', Date.parse('2025-11-17T00:00:00Z') / 1000, NOW);
    expect(byPeriod('week').map((r) => r.active_users)).toEqual(weeks.map((p) => p.active_users));
    expect(byPeriod('week').map((r) => r.period_end)).toEqual(weeks.map((p) => iso(p.end_time)));
    const months = await api('mau', Date.parse('2025-11-01T00:00:00Z') / 1000, NOW);
    expect(byPeriod('month').map((r) => r.active_users)).toEqual(months.map((p) => p.active_users));
    const days = await api('dau', Date.parse('2025-11-19T00:00:00Z') / 1000, NOW);
    expect(byPeriod('day').map((r) => r.active_users)).toEqual(days.map((p) => p.active_users));
    expect(byPeriod('month')[0]!.active_users).toBeGreaterThan(0);
  });

  it('follows changes: a touched session moves into the range with its new fields', async () => {
    const local = await startSimulator({ now: fixedClock, members: 10, sessions: 40 });
    try {
      const old = local.data.sessions().at(-1)!;
      const query = { startDate: formatDay(TODAY), endDate: formatDay(TODAY), sessionsRange: { start: NOW, end: NOW + 1 } };
      expect(local.groundTruth(query).sessions).toEqual([]);
      local.data.touchSession(old.session_id, { title: 'reopened' });
      const truth = local.groundTruth(query);
      expect(truth.sessions.map((s) => [s.session_id, s.title, s.updated_at])).toEqual([[old.session_id, 'reopened', iso(NOW)]]);
      expect(truth.session_messages.every((m) => m.session_updated_at === iso(NOW))).toBe(true);
    } finally {
      await local.close();
    }
  });
});
