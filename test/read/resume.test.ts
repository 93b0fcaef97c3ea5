/**
 * Kill a read right after its k-th STATE (for many k), resume with the last STATE it emitted, and the
 * union of both runs' records contains every record of an uninterrupted run — including kills inside
 * a slice, where the state carries member progress. Also with real processes and SIGKILL.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayStartSeconds, parseDay } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { FAST_RETRY, spawnCli } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { assertAirbyteMessage, parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, byKey, lastStateArray, primaryKey, readWith, recordsOf, statesOf, streamStateOf } from '../helpers/read.js';
import { KillAfterStates } from '../helpers/streams.js';

const STREAMS = { members: 'full_refresh', daily_consumption: 'incremental', pr_metrics: 'incremental' } as const;
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: '2026-02-05', window_days: 10, lookback_days: 2, max_concurrency: 2 };
/** Frequent checkpoints, so kills land inside slices too. */
const POLICY = { everyUnits: 3, everyMs: 60_000 };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 16, days: 40, now: () => FIXED_NOW });
});
afterAll(() => sim.close());


async function readKilledAfter(k: number): Promise<{ messages: Array<Record<string, unknown>>; code: number }> {
  const dir = scratchDir();
  const stdout = new KillAfterStates(k);
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await runSourceDevin(
    ['read', '--config', dir.json('config.json', { ...CONFIG, api_url: sim.url }), '--catalog', dir.json('catalog.json', configuredCatalog(STREAMS))],
    { stdout, stderr, env: {}, now: () => FIXED_NOW, retryPolicy: FAST_RETRY, checkpointPolicy: POLICY },
  );
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertAirbyteMessage(message);
  return { messages, code };
}

type Records = Map<string, Map<string, Record<string, unknown>>>;

function recordMaps(...runs: Array<{ messages: Array<Record<string, unknown>> }>): Records {
  const maps: Records = new Map();
  for (const stream of Object.keys(STREAMS)) {
    const map = new Map<string, Record<string, unknown>>();
    for (const run of runs) for (const record of recordsOf(run, stream)) map.set(primaryKey(stream, record), record);
    maps.set(stream, map);
  }
  return maps;
}

function expectUnionToContain(union: Records, full: Records, label: string): void {
  for (const [stream, records] of full) {
    const got = union.get(stream) as Map<string, Record<string, unknown>>;
    const missing = [...records.keys()].filter((key) => !got.has(key));
    expect(missing, `${label}: ${stream} lost records`).toEqual([]);
    for (const [key, record] of records) expect(got.get(key), `${label} ${stream} ${key}`).toEqual(record);
  }
}

describe('kill after the k-th STATE, resume with the last STATE', () => {
  it('loses no record, for every k', async () => {
    const full = await readWith({ sim, config: CONFIG, streams: STREAMS, policy: POLICY });
    expect(full.code).toBe(0);
    const fullRecords = recordMaps(full);
    const totalStates = statesOf(full).length;
    expect(totalStates).toBeGreaterThan(12);
    // Progress states (kills inside a slice) must be among the kill points.
    expect(statesOf(full).some((s) => streamStateOf(s).progress !== undefined)).toBe(true);

    for (let k = 1; k < totalStates; k += 1) {
      const killed = await readKilledAfter(k);
      expect(killed.code, `k=${k}`).not.toBe(0);
      expect(statesOf(killed)).toHaveLength(k);
      const resumed = await readWith({ sim, config: CONFIG, streams: STREAMS, policy: POLICY, state: lastStateArray(killed) });
      expect(resumed.code, `k=${k}`).toBe(0);
      expectUnionToContain(recordMaps(killed, resumed), fullRecords, `k=${k}`);
    }
  }, 120_000);

  it('resumes a slice with only the members the killed read had not finished', async () => {
    const config = { ...CONFIG, lookback_days: 0 };
    const full = await readWith({ sim, config, streams: { daily_consumption: 'incremental' }, policy: POLICY });
    const progressState = statesOf(full, 'daily_consumption').find((s) => streamStateOf(s).progress !== undefined);
    expect(progressState).toBeDefined();
    const { progress, date } = streamStateOf(progressState as Record<string, unknown>) as {
      date?: string;
      progress: { to: string; done_through: string };
    };
    sim.clearRequests();
    const resumed = await readWith({
      sim,
      config,
      streams: { daily_consumption: 'incremental' },
      policy: POLICY,
      state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'daily_consumption' }, stream_state: { date, progress } } }],
    });
    expect(resumed.code).toBe(0);
    const firstSliceEnd = dayStartSeconds((parseDay(progress.to) as number) + 1);
    const firstSlice = sim.requests.filter(
      (r) => r.path.includes('/consumption/daily/users/') && Number(r.query.time_before?.[0]) <= firstSliceEnd,
    );
    const doneMembers = firstSlice.filter((r) => (r.pathSegments.at(-1) as string) <= progress.done_through);
    const openMembers = firstSlice.filter((r) => (r.pathSegments.at(-1) as string) > progress.done_through);
    expect(openMembers.length).toBeGreaterThan(0);
    // Finished members were done through `to`: at most the cursor day is re-read for them.
    for (const request of doneMembers) {
      expect(Number(request.query.time_before?.[0])).toBeLessThanOrEqual(dayStartSeconds((parseDay(date ?? '2026-02-04') as number) + 1));
    }
    for (const request of openMembers) expect(Number(request.query.time_before?.[0])).toBe(firstSliceEnd);
  });
});

describe('a real process killed with SIGKILL', () => {
  it.each([2, 7, 15])('resumes from the last STATE it got out (kill at STATE %i)', async (k) => {
    const dir = scratchDir();
    const catalog = dir.json('catalog.json', configuredCatalog(STREAMS));
    // The spawned connector runs on the real clock; so does its own ground truth here.
    const realSim = await startSimulator({ members: 16, days: 40 });
    try {
      const realConfig = dir.json('real-config.json', { ...CONFIG, api_url: realSim.url });
      const fullRun = await spawnCli('source-devin', ['read', '--config', realConfig, '--catalog', catalog]);
      expect(fullRun.code).toBe(0);
      let seen = 0;
      const killed = await spawnCli('source-devin', ['read', '--config', realConfig, '--catalog', catalog], {
        onStdoutLine: (line, kill) => {
          if (line.startsWith('{"type":"STATE"') && (seen += 1) === k) kill();
        },
      });
      expect(killed.signal).toBe('SIGKILL');
      const state = dir.json('state.json', lastStateArray(killed));
      const resumed = await spawnCli('source-devin', ['read', '--config', realConfig, '--catalog', catalog, '--state', state]);
      expect(resumed.code).toBe(0);
      expectUnionToContain(recordMaps(killed, resumed), recordMaps(fullRun), `SIGKILL at ${k}`);
    } finally {
      await realSim.close();
    }
  });
});

describe('sourceStats', () => {
  it('counts the records of its stream since that stream\'s previous STATE', async () => {
    const run = await readWith({ sim, config: CONFIG, streams: STREAMS, policy: POLICY });
    for (const stream of Object.keys(STREAMS)) {
      let since = 0;
      for (const message of run.messages) {
        if (message.type === 'RECORD' && (message.record as { stream: string }).stream === stream) since += 1;
        if (message.type === 'STATE') {
          const state = message.state as { stream: { stream_descriptor: { name: string } }; sourceStats: { recordCount: number } };
          if (state.stream.stream_descriptor.name !== stream) continue;
          expect(state.sourceStats.recordCount).toBe(since);
          since = 0;
        }
      }
    }
    expect(byKey('members', recordsOf(run, 'members')).size).toBe(recordsOf(run, 'members').length);
  });
});
