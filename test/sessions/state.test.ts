/** Sessions state (SPEC §6, §13): the cursor is a date-time under the cursor field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { parseStreamState } from '../../src/engine/state.js';
import { sessionsStream } from '../../src/streams/sessions.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statusesOf } from '../helpers/read.js';

const START = '2026-02-20';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 8, days: 30, sessions: 80, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

const stateOf = (stream_state: Record<string, unknown>) => [{ type: 'STREAM', stream: { stream_descriptor: { name: 'sessions' }, stream_state } }];
describe('sessions state', () => {
  it('keeps a saved page only when it is {window_from, window_to, after}; anything else is a state not understood', () => {
    const good = { updated_at: '2026-03-01T00:00:00Z', page: { window_from: '2026-02-01T08:00:00Z', window_to: '2026-03-01T00:00:00Z', after: 'abc' } };
    expect(parseStreamState(sessionsStream.cursor, good)).toEqual({ state: good });
    expect(parseStreamState(sessionsStream.cursor, { updated_at: '2026-03-01T00:00:00Z', page: { after: 3 } })).toEqual({
      problem: expect.stringMatching(/place inside a window/),
    });
  });

  it('a cursor that is a billing day, not a date-time, is a WARN naming the stream and the unit, and the stream reads from start_date', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { sessions: 'incremental' }, state: stateOf({ updated_at: '2026-03-01' }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('the state of stream sessions has updated_at \\"2026-03-01\\", not a YYYY-MM-DDTHH:MM:SSZ timestamp');
    const truth = sim.groundTruth({ key: KEY_ORG, startDate: START, endDate: FIXED_TODAY });
    expectRecordsToEqualTruth('sessions', recordsOf(run, 'sessions'), truth.sessions);
  });

  it('a date-time cursor resumes at cursor − lookback', async () => {
    const run = await readWith({
      sim,
      config: { api_key: KEY_ORG, start_date: START, lookback_days: 2 },
      streams: { sessions: 'incremental' },
      state: stateOf({ updated_at: '2026-03-05T00:00:00Z' }),
    });
    expect(run.code).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ORG, startDate: START, endDate: FIXED_TODAY, sessionsRange: { start: Date.parse('2026-03-03T00:00:00Z') / 1000, end: FIXED_NOW / 1000 } });
    expect(truth.sessions.length).toBeGreaterThan(0);
    expectRecordsToEqualTruth('sessions', recordsOf(run, 'sessions'), truth.sessions);
  });

  it('a cursor later than the read start yields no records but a STATE with the cursor kept', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { sessions: 'incremental' }, state: stateOf({ updated_at: '2099-01-01T00:00:00Z' }) });
    expect(run.code).toBe(0);
    expect(recordsOf(run, 'sessions')).toEqual([]);
    const states = run.messages.filter((m) => m.type === 'STATE');
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(states.at(-1))).toContain('"updated_at":"2099-01-01T00:00:00Z"');
  });
});

describe('a child stream that fails', () => {
  it('fails alone: sessions and their PRs finish and equal the ground truth, the messages stream is INCOMPLETE, exit 1', async () => {
    sim.setFaults([{ kind: '500', path: /\/messages$/ }]);
    try {
      const run = await readWith({
        sim,
        config: { api_key: KEY_ORG, start_date: START },
        streams: { sessions: 'full_refresh', session_pull_requests: 'full_refresh', session_messages: 'full_refresh' },
        overrides: { retryPolicy: FAST_RETRY },
      });
      expect(run.code).toBe(1);
      const truth = sim.groundTruth({ key: KEY_ORG, startDate: START, endDate: FIXED_TODAY });
      expectRecordsToEqualTruth('sessions', recordsOf(run, 'sessions'), truth.sessions);
      expectRecordsToEqualTruth('session_pull_requests', recordsOf(run, 'session_pull_requests'), truth.session_pull_requests);
      expect(statusesOf(run, 'sessions').at(-1)).toBe('COMPLETE');
      expect(statusesOf(run, 'session_messages').at(-1)).toBe('INCOMPLETE');
    } finally {
      sim.setFaults([]);
    }
  });
});
