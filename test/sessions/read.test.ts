/**
 * The sessions family against the simulator (SPEC §5.3, §13): full refresh and incremental equal the
 * ground truth in both scopes, a second incremental read returns exactly what changed since
 * cursor − lookback, the filter-ignoring mode gives the same records in at most one pass, and each
 * sessions page is fetched once when the streams are read together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { parseTimestamp } from '../../src/engine/state.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, lastStateArray, readWith, recordsOf, statesOf, streamStateOf } from '../helpers/read.js';

const START = '2026-01-15';
const FAMILY = ['sessions', 'session_pull_requests', 'session_insights', 'session_messages'] as const;
const all = (mode: 'full_refresh' | 'incremental') => Object.fromEntries(FAMILY.map((stream) => [stream, mode])) as Record<string, typeof mode>;

let clock = FIXED_NOW;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 12, days: 60, sessions: 120, now: () => clock });
});
afterAll(() => sim.close());

describe.each([
  { scope: 'enterprise', key: KEY_ENTERPRISE },
  { scope: 'organization', key: KEY_ORG },
])('the sessions family in $scope scope', ({ key }) => {
  it.each(['full_refresh', 'incremental'] as const)('a %s read equals the ground truth of all four streams', async (mode) => {
    const run = await readWith({ sim, config: { api_key: key, start_date: START }, streams: all(mode), now: clock });
    expect(run.code, run.stderr).toBe(0);
    const truth = sim.groundTruth({ key, startDate: START, endDate: FIXED_TODAY });
    for (const stream of FAMILY) expectRecordsToEqualTruth(stream, recordsOf(run, stream), truth[stream]);
    expect(truth.sessions.length).toBeGreaterThan(20);
    expect(truth.session_pull_requests.length).toBeGreaterThan(10);
    expect(truth.session_messages.length).toBeGreaterThan(100);
    // Every stream ends on the same cursor: the read's start (the range's end).
    for (const stream of FAMILY) {
      const states = statesOf(run, stream);
      const last = streamStateOf(states[states.length - 1] as Record<string, unknown>);
      const field = stream === 'sessions' || stream === 'session_insights' ? 'updated_at' : 'session_updated_at';
      expect(last[field]).toBe(new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }
  });
});

describe('incremental', () => {
  it('a second read after the data changed returns exactly the sessions updated since cursor − lookback', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: START, lookback_days: 1 };
    const first = await readWith({ sim, config, streams: all('incremental'), now: clock });
    expect(first.code).toBe(0);
    const cursor = parseTimestamp(streamStateOf(statesOf(first, 'sessions').at(-1) as Record<string, unknown>).updated_at) as number;

    clock += 3 * 3_600_000;
    const old = sim.data.sessions().filter((s) => s.updated_at < cursor - 5 * 86_400).slice(0, 3);
    expect(old).toHaveLength(3);
    for (const session of old) sim.data.touchSession(session.session_id, { title: `changed ${session.session_id}` });
    sim.data.addSession({ pull_requests: [{ pr_url: 'https://github.com/acme/new/pull/7', pr_state: 'open', expected: { host: 'github.com', provider: 'github', repository: 'acme/new', pr_number: 7 } }], messages: [{ source: 'user', message: 'hi' }] });
    // A session updated at the read's very start is left for the next read (the range is half-open).
    clock += 60_000;

    const second = await readWith({ sim, config, streams: all('incremental'), state: lastStateArray(first), now: clock });
    expect(second.code, second.stderr).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ENTERPRISE, startDate: START, endDate: FIXED_TODAY, sessionsRange: { start: cursor - 86_400, end: clock / 1000 } });
    for (const stream of FAMILY) expectRecordsToEqualTruth(stream, recordsOf(second, stream), truth[stream]);
    const ids = new Set(recordsOf(second, 'sessions').map((s) => s.session_id));
    for (const session of old) expect(ids.has(session.session_id)).toBe(true);
    expect(recordsOf(second, 'session_pull_requests').some((pr) => pr.repository === 'acme/new' && pr.pr_number === 7)).toBe(true);
    // Far fewer sessions than the first read: the old, untouched ones are not read again.
    expect(ids.size).toBeLessThan(recordsOf(first, 'sessions').length);
  });
});

describe('requests', () => {
  const pathsOf = () =>
    sim.requests.filter((r) => r.pathSegments.join('/') !== 'v3/self').map((r) => r.pathSegments.slice(2).join('/').replace(/^organizations\/[^/]+\//, ''));

  it('reads each sessions page once for sessions, PRs and messages together, and one messages listing per session', async () => {
    sim.clearRequests();
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams: all('full_refresh'), now: clock });
    expect(run.code).toBe(0);
    const sessions = recordsOf(run, 'sessions').length;
    const counts = new Map<string, number>();
    for (const request of sim.requests) {
      const path = request.pathSegments.slice(2).join('/');
      if (request.pathSegments.join('/') === 'v3/self') continue;
      // First pages only: a long chat takes more than one page of messages.
      const route = path.startsWith('sessions/') && path.endsWith('/messages') ? `sessions/{id}/messages${request.query.after ? ' after' : ''}` : path;
      counts.set(route, (counts.get(route) ?? 0) + 1);
    }
    const pages = Math.ceil(sessions / 200);
    const { ['sessions/{id}/messages after']: _later, ...firstPages } = Object.fromEntries(counts);
    expect(firstPages).toEqual({ sessions: pages, 'sessions/insights': pages, 'sessions/{id}/messages': sessions });
    // No request twice.
    expect(new Set(sim.requests.map((r) => r.rawUrl)).size).toBe(sim.requests.length);
    // Enterprise scope names the session's org on its messages listing.
    const messages = sim.requests.filter((r) => r.path.endsWith('/messages'));
    expect(messages.every((r) => r.query.org_id?.length === 1)).toBe(true);
  });

  it('reads the list on its own for a child in another sync mode', async () => {
    sim.clearRequests();
    const run = await readWith({
      sim,
      config: { api_key: KEY_ENTERPRISE, start_date: START },
      streams: { sessions: 'full_refresh', session_pull_requests: 'incremental' },
      now: clock,
    });
    expect(run.code).toBe(0);
    expect(pathsOf().filter((p) => p === 'sessions')).toHaveLength(2);
  });
});

describe('a server that ignores the time filters', () => {
  it('gives the same records in at most one pass, with one WARN', async () => {
    const config = { api_key: KEY_ENTERPRISE, start_date: '2025-06-01' };
    const streams = { sessions: 'incremental', session_pull_requests: 'incremental', session_messages: 'incremental' } as const;
    const honest = await readWith({ sim, config, streams, now: clock });
    sim.setSessionsIgnoreTimeFilters(true);
    sim.clearRequests();
    try {
      const ignoring = await readWith({ sim, config, streams, now: clock });
      expect(ignoring.code).toBe(0);
      for (const stream of Object.keys(streams)) expectRecordsToEqualTruth(stream, recordsOf(ignoring, stream), recordsOf(honest, stream));
      const warnings = ignoring.messages.filter((m) => m.type === 'LOG' && /ignored updated_after\/updated_before/.test(String((m.log as { message: string }).message)));
      expect(warnings).toHaveLength(1);
      // The 2025-06-01 range is three windows; the list is read once (plus the first window's first page).
      const listPages = sim.requests.filter((r) => r.pathSegments.at(-1) === 'sessions').length;
      const total = sim.data.sessions().length;
      expect(listPages).toBeLessThanOrEqual(Math.ceil(total / 200) + 1);
      const last = streamStateOf(statesOf(ignoring, 'sessions').at(-1) as Record<string, unknown>);
      expect(last.updated_at).toBe(new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    } finally {
      sim.setSessionsIgnoreTimeFilters(false);
    }
  });
});
