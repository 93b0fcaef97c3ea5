/**
 * Seeded chaos: for each of 20 seeds, a simulator with a random mix of retryable faults (429 with
 * each Retry-After form, 5xx bursts, resets mid-body, truncated/malformed/HTML bodies, slow answers
 * past the request timeout), a read killed after a random STATE, then resumes with the last state
 * until a read succeeds. Nothing may be lost, every message must be valid, failures must be
 * reported as such, and no key may leak (checked on every run).
 *
 * Everything runs in virtual time (test/helpers/virtual-time.ts): the connector's deadlines, retry
 * waits and pacing, and the simulator's latency and slow answers share one clock that moves only
 * when nothing real is happening, and retry jitter comes from the seed. So a seed is one run, not a
 * race against the machine's load: replaying it gives the same requests, records and states.
 */
import { describe, expect, it } from 'vitest';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { KEY_ENTERPRISE, startSimulator, type FaultRule, type Simulator } from '../../src/simulator/index.js';
import { createRandom } from '../../src/simulator/hash.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { assertAirbyteMessage, parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, primaryKey, recordsOf, statesOf, statusesOf } from '../helpers/read.js';
import { assertNoSecrets } from '../helpers/secrets.js';
import { CollectingStream, KillAfterStates } from '../helpers/streams.js';
import { VirtualTime, REPLAY_ID_HEADER } from '../helpers/virtual-time.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const STREAMS = { members: 'full_refresh', daily_consumption: 'incremental', pr_metrics: 'incremental' } as const;
const START = '2026-02-15';
const CHAOS_RETRY = { ...FAST_RETRY, requestTimeoutMs: 150 };

const PATHS: Array<RegExp | undefined> = [undefined, /consumption/, /metrics\/prs/, /members/];

function chaosFaults(random: () => number): FaultRule[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const kinds = ['429', '500', '502', '503', 'reset', 'truncated', 'malformed', 'html', 'slow'] as const;
  return Array.from({ length: 2 + Math.floor(random() * 3) }, (): FaultRule => {
    const kind = pick(kinds);
    const path = pick(PATHS);
    const where = path ? { path } : {};
    if (kind === '429' || kind === '503') {
      // Rate limiting comes in bursts (a 429 storm), not as a coin flip on every request.
      const retryAfter = pick([null, { seconds: 0 }, { httpDate: FIXED_NOW - 1_000 }]); // virtual time starts at FIXED_NOW
      return { kind, after: Math.floor(random() * 40), times: 2 + Math.floor(random() * 5), retryAfter, ...where };
    }
    const rule: FaultRule = { kind, probability: 0.05 + random() * 0.15, ...where };
    if (kind === 'slow') rule.delayMs = 400;
    return rule;
  });
}


interface Run {
  code: number;
  messages: Array<Record<string, unknown>>;
}

/** What one read needs besides the simulator: the virtual clock and the seed's jitter. */
interface Replay {
  time: VirtualTime;
  random: () => number;
}

async function read(sim: Simulator, replay: Replay, state: unknown[] | undefined, killAfter: number | undefined): Promise<Run> {
  const dir = scratchDir();
  const argv = [
    'read',
    '--config',
    dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: START, window_days: 7, max_concurrency: 3 }),
    '--catalog',
    dir.json('catalog.json', configuredCatalog(STREAMS)),
  ];
  if (state) argv.push('--state', dir.json('state.json', state));
  const stdout = killAfter === undefined ? new CollectingStream() : new KillAfterStates(killAfter);
  const stderr = new CollectingStream();
  const code = await replay.time.run(
    runSourceDevin(argv, {
      stdout,
      stderr,
      env: {},
      now: () => FIXED_NOW,
      retryPolicy: CHAOS_RETRY,
      checkpointPolicy: { everyUnits: 4, everyMs: 60_000 },
      dispatcher: replay.time.dispatcher,
      httpClock: replay.time.httpClock,
      random: replay.random,
    }),
  );
  assertNoSecrets({ stdout: stdout.text, stderr: stderr.text });
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertAirbyteMessage(message);
  return { code, messages };
}


/** The state Airbyte would pass next: the latest state per stream seen so far, across runs. */
function mergeStates(previous: unknown[] | undefined, run: Run): unknown[] | undefined {
  const byStream = new Map<string, unknown>();
  for (const entry of previous ?? []) byStream.set((entry as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name, entry);
  for (const state of statesOf(run)) {
    const { sourceStats: _stats, ...rest } = state;
    byStream.set((state.stream as { stream_descriptor: { name: string } }).stream_descriptor.name, rest);
  }
  return byStream.size > 0 ? [...byStream.values()] : undefined;
}

interface Chaos {
  runs: Run[];
  /** Every answer the simulator gave, in the order it gave them (request id, URL, status, fault). */
  answers: string[];
  truth: ReturnType<Simulator['groundTruth']>;
}

/** One seed: the faults it draws, a first read killed after a random STATE (or not), resumes. */
async function chaos(seed: number, extra: { faults?: FaultRule[]; killAfter?: number } = {}): Promise<Chaos> {
  const random = createRandom(seed);
  const time = new VirtualTime(FIXED_NOW);
  const replay: Replay = { time, random: createRandom(seed * 7_919 + 1) };
  const answers: string[] = [];
  const sim = await startSimulator({
    seed,
    members: 10,
    days: 30,
    now: () => FIXED_NOW,
    faults: [...(extra.faults ?? []), ...chaosFaults(random)],
    latencyMs: 1, // every request waits at the simulator on the virtual clock (see virtual-time.ts)
    timers: time.simulatorTimers,
    onRequest: (entry) => answers.push(`${entry.headers[REPLAY_ID_HEADER]} ${entry.rawUrl} ${entry.status} ${entry.fault ?? ''}`),
  });
  try {
    const truth = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY });
    const runs: Run[] = [];
    let state: unknown[] | undefined;
    // First read, killed after a random checkpoint (or not at all).
    const drawn = random() < 0.8 ? 1 + Math.floor(random() * 12) : undefined;
    const killAfter = extra.killAfter ?? drawn;
    let run = await read(sim, replay, undefined, killAfter);
    runs.push(run);
    state = mergeStates(state, run);
    for (let attempt = 0; run.code !== 0 && attempt < 12; attempt += 1) {
      if (killAfter === undefined || attempt > 0 || statesOf(run).length < killAfter) {
        // A failed read must say so: INCOMPLETE and an error trace for the stream that failed.
        const failedStreams = Object.keys(STREAMS).filter((s) => statusesOf(run, s).at(-1) === 'INCOMPLETE');
        const errors = run.messages.filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR');
        expect(failedStreams.length + errors.length, `seed ${seed}: a failed read without a trace`).toBeGreaterThan(0);
      }
      run = await read(sim, replay, state, undefined);
      runs.push(run);
      state = mergeStates(state, run);
    }
    expect(run.code, `seed ${seed}: never recovered`).toBe(0);
    return { runs, answers, truth };
  } finally {
    await sim.close();
    await time.close();
  }
}

describe('seeded chaos: faults, a kill, resumes', () => {
  it.each(SEEDS)('seed %i loses nothing', async (seed) => {
    const { runs, truth } = await chaos(seed);
    for (const stream of Object.keys(STREAMS) as Array<keyof typeof STREAMS>) {
      const union = new Map<string, Record<string, unknown>>();
      for (const r of runs) for (const record of recordsOf(r, stream)) union.set(primaryKey(stream, record), record);
      expectRecordsToEqualTruth(stream, [...union.values()], truth[stream]);
    }
  });

  it('a seed replays exactly: the same answers, records and states, slow answers and a kill included', async () => {
    // Slow answers past the (virtual) request timeout on every endpoint, on top of the seed's faults.
    const slow: FaultRule = { kind: 'slow', probability: 0.1, delayMs: 400 };
    const first = await chaos(5, { faults: [slow], killAfter: 3 });
    const second = await chaos(5, { faults: [slow], killAfter: 3 });
    expect(first.answers.filter((answer) => answer.endsWith(' slow')).length).toBeGreaterThan(0);
    expect(first.runs.length).toBeGreaterThan(1); // killed, then resumed
    expect(second.answers).toEqual(first.answers);
    expect(second.runs.map(({ code, messages }) => ({ code, messages }))).toEqual(first.runs.map(({ code, messages }) => ({ code, messages })));
  });
});
