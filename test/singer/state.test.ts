/**
 * Singer state: STATE after every checkpoint carrying the whole `{"bookmarks": …}` value, written only
 * after the records it covers; `--state` resumes from the last STATE value (also after a kill at any
 * STATE, inside a slice too); other input shapes; carried-through bookmarks; state file errors.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTapDevin } from '../../src/cli/singer-main.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { STREAM_NAMES, defaultStreams } from '../../src/streams/index.js';

/** The streams read when nothing is selected (the default streams, the same in both scopes). */
const DEFAULT_NAMES = defaultStreams(undefined).map((stream) => stream.name);
import { FAST_RETRY, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, FIXED_TODAY, primaryKey } from '../helpers/read.js';
import { assertSingerMessage, bookmarkOf, lastState, recordsOf, stateValues, type Json } from '../helpers/singer.js';
import { linesAt, tap } from './support.js';
import { KillAfterStates } from '../helpers/streams.js';

const files = tempDir();
let sim: Simulator;
let counter = 0;

/** Several slices (window 4) over 12 days, many members, a checkpoint after every member or day. */
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: '2026-02-27', lookback_days: 0, window_days: 4, max_concurrency: 2 };
const POLICY = { everyUnits: 2, everyMs: 60_000 };

beforeAll(async () => {
  sim = await startSimulator({ members: 10, days: 20, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

function json(name: string, value: unknown): string {
  counter += 1;
  return files.json(`${name}-${counter}.json`, value);
}

function configPath(extra: Json = {}): string {
  return json('config', { ...CONFIG, api_url: sim.url, ...extra });
}

async function sync(options: { state?: unknown; config?: Json; catalog?: unknown } = {}): Promise<CliRun> {
  const argv = ['--config', configPath(options.config)];
  if (options.state !== undefined) argv.push('--state', json('state', options.state));
  if (options.catalog !== undefined) argv.push('--catalog', json('catalog', options.catalog));
  return tap(argv, { checkpointPolicy: POLICY });
}

type Records = Map<string, Map<string, Json>>;

function recordMaps(...runs: Array<Pick<CliRun, 'messages'>>): Records {
  return new Map(
    STREAM_NAMES.map((stream) => {
      const map = new Map<string, Json>();
      for (const run of runs) for (const record of recordsOf(run, stream)) map.set(primaryKey(stream, record), record);
      return [stream, map];
    }),
  );
}

function expectUnionToContain(union: Records, full: Records, label: string): void {
  for (const [stream, records] of full) {
    const got = union.get(stream) as Map<string, Json>;
    expect([...records.keys()].filter((key) => !got.has(key)), `${label}: ${stream} lost records`).toEqual([]);
    for (const [key, record] of records) expect(got.get(key), `${label} ${stream} ${key}`).toEqual(record);
  }
}

describe('STATE messages', () => {
  it('come after every checkpoint, each carrying every bookmark so far, and never cover a record still to come', async () => {
    const run = await sync();
    expect(run.code, run.stderr).toBe(0);
    const states = stateValues(run);
    expect(states.length).toBeGreaterThan(10);
    // A STATE covers the days up to each cursor: no record of those days may come after it.
    run.messages.forEach((message, index) => {
      if (message.type !== 'STATE') return;
      for (const stream of ['daily_consumption', 'pr_metrics']) {
        const cursor = bookmarkOf(message.value as Json, stream)?.replication_key_value as string | undefined;
        if (!cursor) continue;
        const late = run.messages
          .slice(index + 1)
          .filter((m) => m.type === 'RECORD' && m.stream === stream && String((m.record as Json).date) <= cursor);
        expect(late, `${stream} records at or before ${cursor} after its STATE`).toEqual([]);
      }
    });
    // In-slice progress rides in the bookmark, beside the cursor.
    const progress = states.map((s) => bookmarkOf(s, 'daily_consumption')?.progress).find(Boolean) as Json | undefined;
    expect(progress).toMatchObject({ to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), done_through: expect.any(String) });
    expect(bookmarkOf(lastState(run), 'pr_metrics')).toEqual({ replication_key: 'date', replication_key_value: '2026-03-09' });
  });
});

describe('resuming with --state', () => {
  it('resumes from the last STATE value: the second sync starts at the cursor, and both together are complete', async () => {
    const first = await sync({ config: { end_date: '2026-03-04' } });
    expect(first.code, first.stderr).toBe(0);
    const state = lastState(first);
    expect(bookmarkOf(state, 'daily_consumption')?.replication_key_value).toBe('2026-03-04');
    sim.clearRequests();
    const second = await sync({ state });
    expect(second.code, second.stderr).toBe(0);
    for (const stream of ['daily_consumption', 'pr_metrics']) {
      const dates = recordsOf(second, stream).map((r) => String(r.date));
      expect(dates.sort()[0], stream).toBe('2026-03-04');
    }
    // pr_metrics asks one billing day at a time: no request before the cursor day.
    const prDays = sim.requests.filter((r) => r.path.endsWith('/metrics/prs')).length;
    expect(prDays).toBe(7); // 2026-03-04 … 2026-03-10
    const truth = sim.groundTruth({ startDate: CONFIG.start_date, endDate: FIXED_TODAY });
    const union = recordMaps(first, second);
    for (const stream of DEFAULT_NAMES) {
      expect(union.get(stream)?.size, stream).toBe((truth[stream as keyof typeof truth] as unknown[]).length);
    }
  });

  it('after a kill at any STATE, resuming from the last STATE that got out loses no record', async () => {
    const full = await sync();
    const fullRecords = recordMaps(full);
    const total = stateValues(full).length;
    expect(total).toBeGreaterThan(10);
    for (let k = 1; k < total; k += 1) {
      const killed = await syncKilledAfter(k);
      expect(killed.code, `k=${k}`).toBe(1);
      expect(stateValues(killed), `k=${k}`).toHaveLength(k);
      const resumed = await sync({ state: lastState(killed) });
      expect(resumed.code, `k=${k}`).toBe(0);
      expectUnionToContain(recordMaps(killed, resumed), fullRecords, `k=${k}`);
    }
  });

  it('a bookmark without replication_key_value means no cursor: the stream reads from start_date', async () => {
    const run = await sync({ state: { bookmarks: { daily_consumption: { replication_key: 'date' } } } });
    expect(run.code, run.stderr).toBe(0);
    expect(recordsOf(run, 'daily_consumption').map((r) => String(r.date)).sort()[0]).toBe(CONFIG.start_date);
  });

  it('accepts a saved STATE line and an Airbyte state array from the same connector', async () => {
    const value = { bookmarks: { pr_metrics: { replication_key: 'date', replication_key_value: '2026-03-08', granularity: 'day' } } };
    for (const state of [
      { type: 'STATE', value },
      [{ type: 'STREAM', stream: { stream_descriptor: { name: 'pr_metrics' }, stream_state: { date: '2026-03-08', granularity: 'day' } } }],
    ]) {
      const run = await sync({ state });
      expect(run.code, run.stderr).toBe(0);
      expect(recordsOf(run, 'pr_metrics').map((r) => String(r.date)).sort()[0]).toBe('2026-03-08');
    }
  });

  it('carries through bookmarks of streams it does not read and any other top-level keys', async () => {
    const state = {
      currently_syncing: null,
      bookmarks: {
        retired_stream: { replication_key_value: 'x' },
        pr_metrics: { replication_key: 'date', replication_key_value: '2026-03-01', granularity: 'day' },
      },
    };
    const catalog = { streams: [{ tap_stream_id: 'members', schema: {} }] };
    const run = await sync({ state, catalog });
    expect(run.code, run.stderr).toBe(0);
    for (const value of stateValues(run)) {
      expect(value.currently_syncing).toBeNull();
      expect(bookmarkOf(value, 'retired_stream')).toEqual({ replication_key_value: 'x' });
      expect(bookmarkOf(value, 'pr_metrics')).toEqual(state.bookmarks.pr_metrics);
    }
    expect(bookmarkOf(lastState(run), 'members')).toEqual({});
  });

  it('a bookmark for the other pr_metrics granularity is not reused (WARNING) and is replaced', async () => {
    const state = { bookmarks: { pr_metrics: { replication_key: 'date', replication_key_value: '2026-03-08', granularity: 'user_day' } } };
    const run = await sync({ state, catalog: { streams: [{ tap_stream_id: 'pr_metrics', replication_method: 'INCREMENTAL', schema: {} }] } });
    expect(run.code, run.stderr).toBe(0);
    expect(linesAt(run.stderr, 'WARNING').join('\n')).toContain('granularity user_day');
    expect(recordsOf(run, 'pr_metrics').map((r) => String(r.date)).sort()[0]).toBe(CONFIG.start_date);
    expect(bookmarkOf(lastState(run), 'pr_metrics')).toEqual({ replication_key: 'date', replication_key_value: '2026-03-09' });
  });

  it('an empty state file is no state', async () => {
    const path = files.text('empty-state.json', '');
    const run = await tap(['--config', configPath(), '--state', path]);
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('state file errors: one CRITICAL line naming the file and the problem, exit 1', () => {
  // A bookmark that does not fit its stream is a WARNING, not an error: test/foundation/state-forms.test.ts.
  it.each([
    ['bookmarks that are not an object', { bookmarks: [] }, 'bookmarks must be an object'],
    ['a Singer state that is not an object', { type: 'STATE', value: 7 }, 'entry 0 has none of stream, global or data'],
  ])('%s', async (_label, state, message) => {
    const path = json('state', state);
    const run = await tap(['--config', configPath(), '--state', path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const critical = linesAt(run.stderr, 'CRITICAL');
    expect(critical).toHaveLength(1);
    expect(critical[0]).toContain(`state file ${path}: `);
    expect(critical[0]).toContain(message);
  });
});


async function syncKilledAfter(k: number): Promise<CliRun> {
  const stdout = new KillAfterStates(k);
  let stderr = '';
  const code = await runTapDevin(['--config', configPath()], {
    stdout,
    stderr: new Writable({ write: (chunk: Buffer, _e, cb) => ((stderr += chunk.toString()), cb()) }),
    env: {},
    now: () => FIXED_NOW,
    retryPolicy: FAST_RETRY,
    checkpointPolicy: POLICY,
  });
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertSingerMessage(message);
  expect(stderr).not.toContain(KEY_ENTERPRISE);
  return { code, stdout: stdout.text, stderr, messages };
}
