/**
 * --state forms in both front doors alike (SPEC §6). The legacy blobs older Airbyte versions saved
 * (`{"data": …}`, `{"type": "LEGACY", "data": …}`) resume from their cursor. A stream's state that does
 * not fit the stream (cursor value or key, shape, progress, bookmark) is one WARN naming the stream, and
 * that stream reads from start_date; the read succeeds. File-level problems stay a config_error
 * (hostile-inputs.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatDay } from '../../src/devin/billing-day.js';
import { parseAirbyteState } from '../../src/protocol/airbyte-state.js';
import { parseSingerState } from '../../src/protocol/singer-state.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte, type CliRun } from '../helpers/cli.js';
import { configuredCatalog, tempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { linesAt, tap } from '../singer/support.js';
import { messagesOf, type Json } from './support.js';

const dir = tempDir();
const START = '2026-02-25';
const CURSOR = '2026-03-05';
let counter = 0;
const file = (name: string, value: unknown): string => dir.json(`${name}-${(counter += 1)}.json`, value);
const streamState = (name: string, state: unknown): Json => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 20, now: () => FIXED_NOW });
});
afterAll(() => sim.close());
beforeEach(() => sim.clearRequests());

/** The first billing day pr_metrics asked for (lookback 0: the cursor day, or start_date). */
function firstPrDay(): string {
  const afters = sim.requests.filter((r) => r.path.endsWith('/metrics/prs')).map((r) => Number(r.query.time_after?.[0]));
  return formatDay(Math.floor((Math.min(...afters) - 8 * 3600) / 86_400));
}

interface DoorRun {
  run: CliRun;
  /** The warnings about the state file, as the door printed them. */
  stateWarnings: string[];
}

const DOORS = {
  'source-devin': async (state: unknown): Promise<DoorRun> => {
    const config = file('config', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: START, lookback_days: 0 });
    const catalog = file('catalog', configuredCatalog({ pr_metrics: 'incremental' }));
    const run = await runAirbyte(['read', '--config', config, '--catalog', catalog, '--state', file('state', state)], { now: () => FIXED_NOW });
    const logs = messagesOf(run, 'LOG').map((message) => message.log as { level: string; message: string });
    return { run, stateWarnings: logs.filter((log) => log.level === 'WARN' && log.message.startsWith('state file ')).map((log) => log.message) };
  },
  'tap-devin': async (state: unknown): Promise<DoorRun> => {
    const config = file('config', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: START, lookback_days: 0 });
    const catalog = file('catalog', { streams: [{ tap_stream_id: 'pr_metrics', replication_method: 'INCREMENTAL', schema: {} }] });
    const run = await tap(['--config', config, '--catalog', catalog, '--state', file('state', state)]);
    return { run, stateWarnings: linesAt(run.stderr, 'WARNING').filter((line) => line.startsWith('WARNING state file ')) };
  },
} as const;

const DOOR_NAMES = Object.keys(DOORS) as Array<keyof typeof DOORS>;

const LEGACY: Array<[string, unknown]> = [
  ['{"data": {stream: state}}', { data: { pr_metrics: { date: CURSOR } } }],
  ['{"type": "LEGACY", "data": …}', { type: 'LEGACY', data: { pr_metrics: { date: CURSOR } } }],
  ['[{"type": "LEGACY", "data": …}]', [{ type: 'LEGACY', data: { pr_metrics: { date: CURSOR } } }]],
  ['{"data": {"bookmarks": …}}', { data: { bookmarks: { pr_metrics: { replication_key: 'date', replication_key_value: CURSOR } } } }],
];

describe.each(DOOR_NAMES)('%s: legacy state blobs resume from their cursor', (door) => {
  it.each(LEGACY)('%s', async (_label, state) => {
    const { run, stateWarnings } = await DOORS[door](state);
    expect(run.code, run.stderr || run.stdout.slice(-800)).toBe(0);
    expect(stateWarnings).toEqual([]);
    expect(firstPrDay()).toBe(CURSOR);
  });
});

/** [label, state, what the warning says]: each is a state of pr_metrics that does not fit it. */
const NOT_UNDERSTOOD: Array<[string, unknown, string]> = [
  ['an impossible date', [streamState('pr_metrics', { date: '2026-02-30' })], 'has date "2026-02-30", not a YYYY-MM-DD billing day'],
  ['a numeric date', [streamState('pr_metrics', { date: 1764921600 })], 'has date 1764921600, not a YYYY-MM-DD billing day'],
  ['a stream_state that is a string', [streamState('pr_metrics', CURSOR)], `is "${CURSOR}", not an object`],
  ['another stream kind\'s cursor key', [streamState('pr_metrics', { updated_at: '2026-03-05T08:00:00Z' })], 'keeps a cursor under updated_at, but its cursor field is date'],
  ['a progress of the wrong shape', [streamState('pr_metrics', { date: CURSOR, progress: { to: 'soon' } })], 'has a progress entry that is not {to: YYYY-MM-DD, done_through: id}'],
  ['a GLOBAL stream state with a bad date', [{ type: 'GLOBAL', global: { stream_states: [{ stream_descriptor: { name: 'pr_metrics' }, stream_state: { date: 'yesterday' } }] } }], 'has date "yesterday", not a YYYY-MM-DD billing day'],
  ['a legacy object with a bad date', { pr_metrics: { date: '03/01/2026' } }, 'has date "03/01/2026", not a YYYY-MM-DD billing day'],
  ['a {"data": …} blob whose state is not an object', { data: { pr_metrics: CURSOR } }, `is "${CURSOR}", not an object`],
  ['a bookmark value that is not a billing day', { bookmarks: { pr_metrics: { replication_key: 'date', replication_key_value: '03/08/2026' } } }, 'has replication_key_value "03/08/2026", not a YYYY-MM-DD billing day'],
  ['a bookmark with another replication key', { bookmarks: { pr_metrics: { replication_key: 'updated_at', replication_key_value: CURSOR } } }, 'has replication_key "updated_at", but its replication key is date'],
  ['a bookmark that is not an object', { bookmarks: { pr_metrics: 'x' } }, 'is "x", not a bookmark object'],
];

describe.each(DOOR_NAMES)('%s: a stream state that is not understood is one WARN naming the stream, and the stream reads from start_date', (door) => {
  it.each(NOT_UNDERSTOOD)('%s', async (_label, state, problem) => {
    const { run, stateWarnings } = await DOORS[door](state);
    expect(run.code, run.stderr || run.stdout.slice(-800)).toBe(0);
    expect(stateWarnings).toHaveLength(1);
    expect(stateWarnings[0]).toContain(`: the state of stream pr_metrics ${problem}, so pr_metrics reads from start_date`);
    expect(firstPrDay()).toBe(START);
  });
});

describe('state parsing', () => {
  it('keeps the streams it understands and names the ones it does not, in both formats', () => {
    const airbyte = parseAirbyteState([streamState('daily_consumption', { date: CURSOR }), streamState('pr_metrics', { date: 'soon' }), streamState('sessions_of_another_connector', 7)]);
    expect([...airbyte.streams]).toEqual([['daily_consumption', { date: CURSOR }]]);
    expect(airbyte.warnings).toEqual([{ stream: 'pr_metrics', problem: 'has date "soon", not a YYYY-MM-DD billing day' }]);

    const singer = parseSingerState({ bookmarks: { daily_consumption: { replication_key: 'date', replication_key_value: CURSOR }, pr_metrics: [] } });
    expect([...singer.streams]).toEqual([['daily_consumption', { date: CURSOR }]]);
    expect(singer.warnings).toEqual([{ stream: 'pr_metrics', problem: 'is [], not a bookmark object' }]);
    // the bookmark that was not understood is still carried through for the streams this run does not read
    expect((singer.document.bookmarks as Json).pr_metrics).toEqual([]);
  });

  it('a later state of the same stream replaces an earlier one, a broken one too', () => {
    const states = parseAirbyteState([streamState('pr_metrics', { date: CURSOR }), streamState('pr_metrics', { date: 'later' })]);
    expect(states.streams.has('pr_metrics')).toBe(false);
    expect(states.warnings.map((warning) => warning.stream)).toEqual(['pr_metrics']);
  });
});
