/**
 * Issue 13, point 1: the consumption streams beyond members resume like daily_consumption. Kill a
 * read after its k-th STATE, resume with the last STATE: the union holds every record of an
 * uninterrupted read. A service user, and an organization, created between the kill and the resume (its
 * id sorting before every other) gets its full range. A second incremental read asks only from the cursor on.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayStartSeconds, parseDay } from '../../src/devin/billing-day.js';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { assertAirbyteMessage, parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, FIXED_TODAY, byKey, lastStateArray, primaryKey, readWith, recordsOf, statesOf, streamStateOf } from '../helpers/read.js';
import { KillAfterStates } from '../helpers/streams.js';

const STREAMS = {
  daily_consumption_totals: 'incremental',
  daily_consumption_by_organization: 'incremental',
  daily_consumption_by_service_user: 'incremental',
} as const;
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: '2026-02-05', window_days: 10, lookback_days: 2, max_concurrency: 2 };
const POLICY = { everyUnits: 2, everyMs: 60_000 };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 8, days: 40, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

async function readKilledAfter(k: number, streams: Record<string, 'incremental'> = STREAMS): Promise<{ messages: Array<Record<string, unknown>>; code: number }> {
  const dir = scratchDir();
  const stdout = new KillAfterStates(k);
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await runSourceDevin(
    ['read', '--config', dir.json('config.json', { ...CONFIG, api_url: sim.url }), '--catalog', dir.json('catalog.json', configuredCatalog(streams))],
    { stdout, stderr, env: {}, now: () => FIXED_NOW, retryPolicy: FAST_RETRY, checkpointPolicy: POLICY },
  );
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertAirbyteMessage(message);
  return { messages, code };
}

function missingFrom(full: readonly object[], runs: Array<{ messages: Array<Record<string, unknown>> }>, stream: string): string[] {
  const union = new Map<string, unknown>();
  for (const run of runs) for (const record of recordsOf(run, stream)) union.set(primaryKey(stream, record), record);
  return (full as Array<Record<string, unknown>>).map((record) => primaryKey(stream, record)).filter((key) => !union.has(key));
}

describe('kill after the k-th STATE, resume with the last STATE', () => {
  it('loses no record of any of the three streams, for every k', async () => {
    const full = await readWith({ sim, config: CONFIG, streams: STREAMS, policy: POLICY });
    expect(full.code).toBe(0);
    const total = statesOf(full).length;
    expect(total).toBeGreaterThan(8);
    expect(statesOf(full, 'daily_consumption_by_service_user').some((s) => streamStateOf(s).progress !== undefined)).toBe(true);
    for (let k = 1; k < total; k += 1) {
      const killed = await readKilledAfter(k);
      expect(killed.code, `k=${k}`).not.toBe(0);
      const resumed = await readWith({ sim, config: CONFIG, streams: STREAMS, policy: POLICY, state: lastStateArray(killed) });
      expect(resumed.code, `k=${k}`).toBe(0);
      for (const stream of Object.keys(STREAMS)) expect(missingFrom(recordsOf(full, stream), [killed, resumed], stream), `k=${k} ${stream}`).toEqual([]);
    }
  }, 120_000);

  it('gives a service user created between the kill and the resume its full range', async () => {
    const stream = { daily_consumption_by_service_user: 'incremental' } as const;
    const full = await readWith({ sim, config: CONFIG, streams: stream, policy: POLICY });
    const k = statesOf(full).findIndex((s) => streamStateOf(s).progress !== undefined) + 1;
    expect(k).toBeGreaterThan(0);
    const killed = await readKilledAfter(k, stream);
    const doneThrough = (streamStateOf(statesOf(killed).at(-1)!).progress as { done_through: string }).done_through;
    const added = sim.data.addServiceUser('org-sim-alpha', 'service-user-0000added', 'added between runs');
    expect(added.service_user_id < doneThrough).toBe(true);
    const resumed = await readWith({ sim, config: CONFIG, streams: stream, policy: POLICY, state: lastStateArray(killed) });
    expect(resumed.code).toBe(0);
    const truth = sim.groundTruth({ startDate: CONFIG.start_date, endDate: FIXED_TODAY }).daily_consumption_by_service_user;
    const newRows = truth.filter((r) => r.service_user_id === added.service_user_id);
    expect(newRows.length).toBeGreaterThan(5);
    expect(missingFrom(truth, [killed, resumed], 'daily_consumption_by_service_user')).toEqual([]);
  });

  it('gives an organization created between the kill and the resume its full range', async () => {
    const stream = { daily_consumption_by_organization: 'incremental' } as const;
    const full = await readWith({ sim, config: CONFIG, streams: stream, policy: POLICY });
    const k = statesOf(full).findIndex((s) => streamStateOf(s).progress !== undefined) + 1;
    expect(k).toBeGreaterThan(0);
    const killed = await readKilledAfter(k, stream);
    const doneThrough = (streamStateOf(statesOf(killed).at(-1)!).progress as { done_through: string }).done_through;
    // A new organization consumes through its own service user, from the first day of history.
    const added = sim.data.addOrganization('org-sim-aaa-added', 'added between runs');
    sim.data.addServiceUser(added.org_id, 'service-user-of-the-added-org');
    expect(added.org_id < doneThrough).toBe(true);
    const resumed = await readWith({ sim, config: CONFIG, streams: stream, policy: POLICY, state: lastStateArray(killed) });
    expect(resumed.code).toBe(0);
    const truth = sim.groundTruth({ startDate: CONFIG.start_date, endDate: FIXED_TODAY }).daily_consumption_by_organization;
    const newRows = truth.filter((r) => r.org_id === added.org_id);
    expect(newRows.length).toBeGreaterThan(5);
    expect(newRows.map((r) => r.date)).toContain(CONFIG.start_date);
    expect(missingFrom(truth, [killed, resumed], 'daily_consumption_by_organization')).toEqual([]);
  });
});

describe('a second incremental read', () => {
  it('asks only from the cursor (minus lookback) on, and re-emits nothing older', async () => {
    const first = await readWith({ sim, config: CONFIG, streams: STREAMS });
    expect(first.code).toBe(0);
    sim.clearRequests();
    const second = await readWith({ sim, config: CONFIG, streams: STREAMS, state: lastStateArray(first) });
    expect(second.code).toBe(0);
    for (const name of Object.keys(STREAMS)) {
      const cursor = streamStateOf(lastStateArray(first).find((s) => (s as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name === name) as Record<string, unknown>).date as string;
      const fromDay = (parseDay(cursor) as number) - CONFIG.lookback_days;
      const records = recordsOf(second, name);
      expect(records.length, name).toBeGreaterThan(0);
      for (const record of records) expect(parseDay(record.date as string)! >= fromDay, `${name} ${String(record.date)}`).toBe(true);
      // And what it re-reads equals the first read's rows.
      const before = byKey(name, recordsOf(first, name));
      for (const record of records) expect(record).toEqual(before.get(primaryKey(name, record)));
    }
    const consumption = sim.requests.filter((r) => r.path.startsWith('/v3/enterprise/consumption/daily'));
    expect(consumption.length).toBeGreaterThan(0);
    const earliest = dayStartSeconds(parseDay(FIXED_TODAY)! - CONFIG.lookback_days - 1);
    for (const request of consumption) expect(Number(request.query.time_after?.[0])).toBeGreaterThanOrEqual(earliest);
  });
});
