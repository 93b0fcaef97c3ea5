/**
 * Checkpoints inside a window (SPEC §6): after a sessions page every stream has all of, the state
 * holds the window and the next page's cursor. Killed there and resumed, the union holds the full
 * read — also when sessions change between the runs; a cursor the API refuses re-reads the window.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { assertAirbyteMessage, parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, lastStateArray, primaryKey, readWith, recordsOf, statesOf, streamStateOf } from '../helpers/read.js';
import { KillAfterStates } from '../helpers/streams.js';

const STREAMS = { sessions: 'incremental', session_pull_requests: 'incremental', session_messages: 'incremental' } as const;
// One window (40 days), several pages of sessions.
const CONFIG = { api_key: KEY_ORG, start_date: '2026-01-30', lookback_days: 0, max_concurrency: 4 };

let clock = FIXED_NOW;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 10, days: 40, sessions: 1600, now: () => clock });
});
afterAll(() => sim.close());

async function readKilledAfter(k: number): Promise<Array<Record<string, unknown>>> {
  const dir = scratchDir();
  const stdout = new KillAfterStates(k);
  const argv = ['read', '--config', dir.json('config.json', { ...CONFIG, api_url: sim.url }), '--catalog', dir.json('catalog.json', configuredCatalog(STREAMS))];
  await runSourceDevin(argv, { stdout, stderr: new Writable({ write: (_c, _e, cb) => cb() }), env: {}, now: () => clock, retryPolicy: FAST_RETRY });
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertAirbyteMessage(message);
  return messages;
}

function expectUnion(runs: Array<{ messages: Array<Record<string, unknown>> }>, full: { messages: Array<Record<string, unknown>> }, label: string): void {
  for (const stream of Object.keys(STREAMS)) {
    const union = new Map<string, unknown>();
    for (const run of runs) for (const record of recordsOf(run, stream)) union.set(primaryKey(stream, record), record);
    const missing = recordsOf(full, stream).filter((record) => !union.has(primaryKey(stream, record)));
    expect(missing.length, `${label}: ${stream} lost records`).toBe(0);
  }
}

describe('a kill inside a window', () => {
  it('resumes at the saved page and loses nothing, also when sessions change between the runs', async () => {
    const full = await readWith({ sim, config: CONFIG, streams: STREAMS, now: clock });
    expect(full.code).toBe(0);
    const pageStates = statesOf(full, 'sessions').filter((state) => streamStateOf(state).page !== undefined);
    expect(pageStates.length).toBeGreaterThanOrEqual(2);
    const states = statesOf(full);
    // Kill points: right after each sessions page mark.
    const kills = states.flatMap((state, index) => (streamStateOf(state).page !== undefined ? [index + 1] : []));
    for (const k of kills) {
      const killed = await readKilledAfter(k);
      const saved = lastStateArray({ messages: killed });
      expect(JSON.stringify(saved)).toContain('"page"');
      // Between the runs: a session changes (it leaves the window for a later one).
      const session = sim.data.sessions('org-sim-alpha')[5]!;
      clock += 60_000;
      sim.data.touchSession(session.session_id, { title: `changed at ${clock}` });
      clock += 60_000;
      sim.clearRequests();
      const resumed = await readWith({ sim, config: CONFIG, streams: STREAMS, state: saved, now: clock });
      expect(resumed.code).toBe(0);
      // It went on from the saved page, not from the window's start.
      const firstList = sim.requests.find((r) => r.pathSegments.at(-1) === 'sessions');
      expect(firstList?.query.after, `k=${k}`).toBeDefined();
      expectUnion([{ messages: killed }, resumed], full, `k=${k}`);
      expect(recordsOf(resumed, 'sessions').some((s) => s.session_id === session.session_id && s.title === `changed at ${clock - 60_000}`)).toBe(true);
    }
  }, 240_000);

  it('reads the window again from its start when the API refuses the saved cursor', async () => {
    const full = await readWith({ sim, config: CONFIG, streams: { sessions: 'incremental' }, now: clock });
    const from = streamStateOf(statesOf(full, 'sessions').find((s) => streamStateOf(s).page !== undefined)!).page as Record<string, string>;
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'sessions' }, stream_state: { page: { ...from, after: 'not-a-cursor' } } } }];
    const resumed = await readWith({ sim, config: CONFIG, streams: { sessions: 'incremental' }, state, now: clock });
    expect(resumed.code).toBe(0);
    expect(resumed.messages.some((m) => m.type === 'LOG' && /refused the saved page cursor/.test(String((m.log as { message: string }).message)))).toBe(true);
    expectUnion([resumed], full, 'refused cursor');
  });
});
