/**
 * Issue 10, points 2 and 3: a progress mark inside a fan-out proves which partitions it covers.
 * - Members that appear between a kill and its resume (added, or listed because include_idp_users
 *   was switched on) get their full range, even when their user_id sorts before `done_through`.
 * - A mark never claims today's partial billing day, so a resume days later still corrects it.
 * When membership did not change, the resume asks only the unfinished members (the existing
 * request-economy test in resume.test.ts holds that).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dayStartSeconds, formatDay, parseDay } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { FIXED_NOW, FIXED_TODAY, byKey, readWith, recordsOf, statesOf, streamStateOf } from '../helpers/read.js';

const POLICY = { everyUnits: 3, everyMs: 60_000 };
const START = '2026-02-20';
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: START, window_days: 30, lookback_days: 1, max_concurrency: 2 };
const STREAM = { daily_consumption: 'incremental' } as const;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type State = { date?: string; progress?: { to: string; done_through: string; covered?: string } };

/** The first mid-slice progress state of a read, as Airbyte would pass it back. */
function firstProgress(run: Awaited<ReturnType<typeof readWith>>): { array: unknown[]; state: State } {
  const found = statesOf(run, 'daily_consumption').find((s) => streamStateOf(s).progress !== undefined);
  if (!found) throw new Error('the read wrote no progress state');
  const { sourceStats: _ignored, ...rest } = found;
  return { array: [rest], state: streamStateOf(found) as State };
}

describe('members that appear between a kill and its resume', () => {
  it('get their full range even when they sort before done_through (added members)', async () => {
    sim = await startSimulator({ members: 12, days: 30, now: () => FIXED_NOW });
    const killed = await readWith({ sim, config: CONFIG, streams: STREAM, policy: POLICY });
    const { array, state } = firstProgress(killed);
    const doneThrough = state.progress?.done_through as string;
    // New members whose ids sort before everything (so before done_through), with consumption.
    for (const id of ['!new|one', '!new|two', '0new|three']) sim.data.addMember({ user_id: id, email: `${id}@example.com` });
    expect('!new|one' < doneThrough).toBe(true);

    const resumed = await readWith({ sim, config: CONFIG, streams: STREAM, policy: POLICY, state: array });
    expect(resumed.code).toBe(0);
    const truth = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY });
    const got = byKey('daily_consumption', recordsOf(resumed, 'daily_consumption'));
    const newRows = truth.daily_consumption.filter((r) => r.user_id.includes('new|'));
    expect(newRows.length).toBeGreaterThan(20);
    const missing = newRows.filter((r) => !got.has(JSON.stringify(r.user_id) + '@' + JSON.stringify(r.date)));
    expect(missing, 'days of new members the resume never read').toEqual([]);
  });

  it('get their full range when include_idp_users is switched on between the runs', async () => {
    sim = await startSimulator({ members: 16, days: 30, now: () => FIXED_NOW });
    const killed = await readWith({ sim, config: { ...CONFIG, include_idp_users: false }, streams: STREAM, policy: POLICY });
    const { array } = firstProgress(killed);
    const resumed = await readWith({ sim, config: CONFIG, streams: STREAM, policy: POLICY, state: array });
    expect(resumed.code).toBe(0);
    const union = byKey('daily_consumption', [...recordsOf(killed, 'daily_consumption'), ...recordsOf(resumed, 'daily_consumption')]);
    const truth = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY });
    const missing = [...byKey('daily_consumption', truth.daily_consumption as unknown as Record<string, unknown>[]).keys()].filter((key) => !union.has(key));
    expect(missing).toEqual([]);
  });

  it('a mark from before this version (no covered digest) proves nothing: every member gets the full slice', async () => {
    sim = await startSimulator({ members: 8, days: 30, now: () => FIXED_NOW });
    const killed = await readWith({ sim, config: CONFIG, streams: STREAM, policy: POLICY });
    const { state } = firstProgress(killed);
    const legacy = { date: state.date, progress: { to: state.progress?.to, done_through: state.progress?.done_through } };
    sim.clearRequests();
    const array = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'daily_consumption' }, stream_state: legacy } }];
    const resumed = await readWith({ sim, config: CONFIG, streams: STREAM, policy: POLICY, state: array });
    expect(resumed.code).toBe(0);
    const sliceEnd = dayStartSeconds((parseDay(state.progress?.to as string) as number) + 1);
    const members = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY }).members.length;
    const fullSlice = sim.requests.filter((r) => r.path.includes('/consumption/daily/users/') && Number(r.query.time_before?.[0]) === sliceEnd);
    expect(fullSlice).toHaveLength(members);
  });
});

describe('today is never frozen by a kill', () => {
  it('no progress mark claims today, even when the slice reaches it', async () => {
    sim = await startSimulator({ members: 12, days: 30, now: () => FIXED_NOW });
    const run = await readWith({ sim, config: { ...CONFIG, start_date: '2026-03-05' }, streams: STREAM, policy: POLICY });
    const marks = statesOf(run, 'daily_consumption').map((s) => (streamStateOf(s) as State).progress).filter(Boolean);
    expect(marks.length).toBeGreaterThan(0);
    for (const mark of marks) expect(mark?.to, 'a mark past yesterday').toBe(formatDay((parseDay(FIXED_TODAY) as number) - 1));
  });

  it('a resume days later re-reads the day that was partial when the read was killed, for every member', async () => {
    sim = await startSimulator({ members: 10, days: 40, now: () => FIXED_NOW + 9 * 86_400_000 });
    // Killed mid-slice on 2026-03-10, while that billing day was still partial.
    const first = await readWith({ sim, config: { ...CONFIG, start_date: '2026-03-05' }, streams: STREAM, policy: POLICY });
    const { array } = firstProgress(first);
    sim.clearRequests();
    // lookback_days + 2 days later.
    const later = FIXED_NOW + (CONFIG.lookback_days + 2) * 86_400_000;
    const resumed = await readWith({ sim, config: { ...CONFIG, start_date: '2026-03-05' }, streams: STREAM, policy: POLICY, state: array, now: later });
    expect(resumed.code).toBe(0);
    const dayAt = dayStartSeconds(parseDay(FIXED_TODAY) as number);
    const coverToday = sim.requests.filter(
      (r) => r.path.includes('/consumption/daily/users/') && Number(r.query.time_after?.[0]) <= dayAt && Number(r.query.time_before?.[0]) > dayAt,
    );
    const members = sim.groundTruth({ startDate: '2026-03-05', endDate: FIXED_TODAY }).members.length;
    expect(new Set(coverToday.map((r) => r.pathSegments.at(-1))).size).toBe(members);
  });
});
