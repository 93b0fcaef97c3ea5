/**
 * audit_logs against the simulator (SPEC §5.4, §13): full refresh and incremental equal the ground
 * truth with `created_at` in seconds and milliseconds mixed; the requests ask for `order=asc` windows
 * of at most 100 days that tile the range exactly; the cursor is the end of the last complete window
 * and never passes the read's start; a second incremental read starts at cursor − lookback; a server
 * that ignores the filter is read once with one WARN; the stream exists in enterprise scope only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type AuditLogRow, type Simulator } from '../../src/simulator/index.js';
import { MAX_WINDOW_SECONDS } from '../../src/engine/time-range.js';
import { formatTimestamp, parseTimestamp } from '../../src/engine/state.js';
import { runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, lastStateArray, readWith, recordsOf, statesOf, streamStateOf } from '../helpers/read.js';
import { configErrorTrace } from '../foundation/support.js';
import { logsOf } from '../resilience/support.js';

const START = '2025-06-01';
const RANGE_START = Date.parse('2025-06-01T08:00:00Z') / 1000;
const READ_START = FIXED_NOW / 1000;
const DAY = 86_400;
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: START, lookback_days: 2 };
const INC = { audit_logs: 'incremental' } as const;

let clock = FIXED_NOW;
let sim: Simulator;

/** An entry at an exact moment (`created_at` as given: seconds, or milliseconds above 10^11). */
function entry(id: string, createdAt: number): AuditLogRow {
  return { audit_log_id: id, action: 'login', created_at: createdAt, org_id: null, user_id: 'email|edge', user_email: 'edge@example.com', service_user_id: null, service_user_name: null, data: { edge: id } };
}

beforeAll(async () => {
  sim = await startSimulator({ members: 4, days: 300, sessions: 0, now: () => clock, auditLogs: { perDay: 3 } });
  // Entries on the edges of the range and of the first window, in both units.
  sim.data.auditLogs.add(entry('edge-range-start', RANGE_START));
  sim.data.auditLogs.add(entry('edge-before-start-ms', RANGE_START * 1000 - 1));
  sim.data.auditLogs.add(entry('edge-window-end', RANGE_START + MAX_WINDOW_SECONDS));
  sim.data.auditLogs.add(entry('edge-window-end-ms', (RANGE_START + MAX_WINDOW_SECONDS) * 1000 - 1));
  sim.data.auditLogs.add(entry('edge-read-start-ms', FIXED_NOW));
});
afterAll(() => sim.close());

const auditRequests = () => sim.requests.filter((r) => r.pathSegments.join('/') === 'v3/enterprise/audit-logs');
const windowsAsked = () => [...new Map(auditRequests().map((r) => [`${r.query.time_after}-${r.query.time_before}`, [Number(r.query.time_after), Number(r.query.time_before)] as const])).values()];
const cursorsOf = (run: Parameters<typeof statesOf>[0]) => statesOf(run, 'audit_logs').map((s) => streamStateOf(s).created_at as string);

describe('audit_logs equals the ground truth', () => {
  it.each(['full_refresh', 'incremental'] as const)('%s, created_at in seconds and milliseconds', async (mode) => {
    const run = await readWith({ sim, config: CONFIG, streams: { audit_logs: mode }, now: clock });
    expect(run.code, run.stderr).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY, readStart: READ_START }).audit_logs;
    expectRecordsToEqualTruth('audit_logs', recordsOf(run, 'audit_logs'), truth);
    expect(truth.length).toBeGreaterThan(500);
    // Milliseconds are read as such: no row looks outside its window (which would read as an ignored filter).
    expect(logsOf(run, 'WARN')).toEqual([]);
    const ids = new Set(truth.map((record) => record.audit_log_id));
    // Half-open everywhere: the range's first second is in, the read's start and the moment before the range are not.
    expect(['edge-range-start', 'edge-window-end', 'edge-window-end-ms'].every((id) => ids.has(id))).toBe(true);
    expect(ids.has('edge-read-start-ms') || ids.has('edge-before-start-ms')).toBe(false);
    const raw = sim.data.auditLogs.rows().filter((row) => ids.has(row.audit_log_id));
    expect(raw.filter((row) => row.created_at > 1e11).length).toBeGreaterThan(50);
    expect(raw.filter((row) => row.created_at < 1e11).length).toBeGreaterThan(50);
  });
});

describe('requests', () => {
  it.each([
    ['to the read\'s start', {}, READ_START],
    ['to end_date + 1 08:00Z', { end_date: '2026-01-20' }, Date.parse('2026-01-21T08:00:00Z') / 1000],
  ])('order=asc windows of at most 100 days tile the range exactly (%s)', async (_label, extra, rangeEnd) => {
    sim.clearRequests();
    const run = await readWith({ sim, config: { ...CONFIG, ...extra }, streams: { audit_logs: 'full_refresh' }, now: clock });
    expect(run.code, run.stderr).toBe(0);
    expect(auditRequests().length).toBeGreaterThan(windowsAsked().length); // some windows take more than one page
    expect(auditRequests().every((r) => r.query.order?.join() === 'asc')).toBe(true);
    const windows = windowsAsked();
    expect(windows.length).toBe(Math.ceil((rangeEnd - RANGE_START) / MAX_WINDOW_SECONDS));
    expect(windows[0]?.[0]).toBe(RANGE_START);
    expect(windows.at(-1)?.[1]).toBe(rangeEnd);
    for (const [index, [after, before]] of windows.entries()) {
      expect(before - after).toBeGreaterThan(0);
      expect(before - after).toBeLessThanOrEqual(100 * DAY);
      if (index > 0) expect(after).toBe(windows[index - 1]?.[1]);
    }
  });
});

describe('the cursor', () => {
  it('moves to the end of each complete window, and ends at the read\'s start even when the API has later entries', async () => {
    // The simulated API's clock is two hours ahead of the read's start: it already has later entries.
    clock = FIXED_NOW + 2 * 3_600_000;
    sim.data.auditLogs.add(entry('after-read-start', READ_START + 60));
    try {
      const run = await readWith({ sim, config: CONFIG, streams: INC, now: FIXED_NOW });
      expect(run.code, run.stderr).toBe(0);
      const windowEnds = [RANGE_START + MAX_WINDOW_SECONDS, RANGE_START + 2 * MAX_WINDOW_SECONDS, READ_START].map(formatTimestamp);
      // Before the first window completes a STATE may only say how far into it the read is (no cursor yet).
      expect([...new Set(cursorsOf(run).filter((cursor) => cursor !== undefined))]).toEqual(windowEnds);
      const records = recordsOf(run, 'audit_logs');
      expect(records.every((record) => (parseTimestamp(record.created_at) as number) < READ_START)).toBe(true);
      expect(records.some((record) => record.audit_log_id === 'after-read-start')).toBe(false);
      expectRecordsToEqualTruth('audit_logs', records, sim.data.auditLogs.truth({ start: RANGE_START, end: READ_START }));
    } finally {
      clock = FIXED_NOW;
    }
  });

  it('a second incremental read returns exactly the entries since cursor − lookback_days', async () => {
    const first = await readWith({ sim, config: CONFIG, streams: INC, now: clock });
    const cursor = parseTimestamp(cursorsOf(first).at(-1)) as number;
    expect(cursor).toBe(READ_START);
    clock = FIXED_NOW + 3 * DAY * 1000;
    try {
      sim.data.auditLogs.add(entry('new-in-seconds', clock / 1000 - 3_600));
      sim.data.auditLogs.add(entry('new-in-ms', clock - 1_800_500));
      const second = await readWith({ sim, config: CONFIG, streams: INC, state: lastStateArray(first), now: clock });
      expect(second.code, second.stderr).toBe(0);
      const records = recordsOf(second, 'audit_logs');
      expectRecordsToEqualTruth('audit_logs', records, sim.data.auditLogs.truth({ start: cursor - 2 * DAY, end: clock / 1000 }));
      expect(records.map((r) => r.audit_log_id)).toEqual(expect.arrayContaining(['new-in-seconds', 'new-in-ms']));
      expect(records.length).toBeLessThan(recordsOf(first, 'audit_logs').length / 10);
      expect(cursorsOf(second).at(-1)).toBe(formatTimestamp(clock / 1000));
    } finally {
      clock = FIXED_NOW;
    }
  });
});

describe('a server that ignores time_after/time_before', () => {
  it('is read once to its end with one WARN, keeping the rows inside the range', async () => {
    const honest = await readWith({ sim, config: CONFIG, streams: INC, now: clock });
    sim.data.auditLogs.ignoreTimeFilters = true;
    sim.clearRequests();
    try {
      const ignoring = await readWith({ sim, config: CONFIG, streams: INC, now: clock });
      expect(ignoring.code, ignoring.stderr).toBe(0);
      expectRecordsToEqualTruth('audit_logs', recordsOf(ignoring, 'audit_logs'), recordsOf(honest, 'audit_logs'));
      expect(logsOf(ignoring, 'WARN').filter((m) => /ignored time_after\/time_before/.test(m))).toHaveLength(1);
      // One pass over the whole list (plus the first window's first page, which revealed it).
      expect(auditRequests().length).toBeLessThanOrEqual(Math.ceil(sim.data.auditLogs.rows().length / 200) + 1);
      expect(cursorsOf(ignoring).at(-1)).toBe(formatTimestamp(READ_START));
    } finally {
      sim.data.auditLogs.ignoreTimeFilters = false;
    }
  });
});

describe('scopes', () => {
  async function discovered(apiKey: string): Promise<Array<Record<string, unknown>>> {
    const config = scratchDir().json('config.json', { api_key: apiKey, api_url: sim.url });
    const run = await runAirbyte(['discover', '--config', config], { now: () => clock });
    expect(run.code, run.stderr).toBe(0);
    const catalog = run.messages.find((m) => m.type === 'CATALOG')?.catalog as { streams: Array<Record<string, unknown>> };
    return catalog.streams;
  }

  it('discover lists audit_logs for an enterprise key (incremental on created_at) and not for an organization key', async () => {
    const enterprise = (await discovered(KEY_ENTERPRISE)).find((s) => s.name === 'audit_logs');
    expect(enterprise).toMatchObject({ supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: ['created_at'], source_defined_primary_key: [['audit_log_id']] });
    expect((await discovered(KEY_ORG)).map((s) => s.name)).not.toContain('audit_logs');
  });

  it('selecting it with an organization key is a config_error naming the stream', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { audit_logs: 'full_refresh' }, now: clock });
    expect(configErrorTrace(run)).toContain('audit_logs');
  });
});
