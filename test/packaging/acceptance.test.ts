/**
 * Airbyte's connector acceptance tests (CAT) need Docker; this file replays their main assertions for our
 * acceptance-test-config.yml in-process, against the same simulator the config points at (started here on
 * a free port, with the fixed clock the expected records were generated with). What CAT would fail on, this
 * fails on: spec/check/discover message counts, expected records, state messages, a TRACE on a bad catalog,
 * later emitted_at on a second full refresh, the two-sequential-reads and sequential-slices rules of the
 * incremental suite, and the future state.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { findStream } from '../../src/streams/index.js';
import { VERSION } from '../../src/version.js';
import { runAirbyte, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { assertRecordMatchesSchema } from '../helpers/protocol.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

interface AirbyteStream {
  name: string;
  json_schema: { properties: Record<string, { type?: string | string[] }> };
  supported_sync_modes: string[];
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
}
interface ConfiguredStream {
  stream: AirbyteStream;
  sync_mode: string;
  destination_sync_mode: string;
  cursor_field?: string[];
}
interface RecordMessage {
  stream: string;
  data: Record<string, unknown>;
  emitted_at: number;
}
interface StateMessage {
  type?: string;
  stream?: { stream_descriptor: { name: string }; stream_state?: Record<string, unknown> };
  sourceStats?: { recordCount?: number };
}

/** CAT's make_hashable: records compare as canonical JSON (keys sorted at every level). */
/** The field a stream's cursor lives under, in its records and its state (`date`, `updated_at`, …). */
function cursorFieldOf(stream: string): string {
  const field = findStream(stream)?.cursor?.field;
  if (field === undefined) throw new Error(`${stream} has no cursor`);
  return field;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const recordsOf = (result: CliRun): RecordMessage[] =>
  result.messages.filter((message) => message.type === 'RECORD').map((message) => message.record as RecordMessage);
const statesOf = (result: CliRun): StateMessage[] =>
  result.messages.filter((message) => message.type === 'STATE').map((message) => message.state as StateMessage);
const ofType = (result: CliRun, type: string) => result.messages.filter((message) => message.type === type);

function byStream(records: RecordMessage[]): Map<string, RecordMessage[]> {
  const grouped = new Map<string, RecordMessage[]>();
  for (const record of records) grouped.set(record.stream, [...(grouped.get(record.stream) ?? []), record]);
  return grouped;
}

/** CAT rebuilds the whole per-stream state from the STATE messages, last one per stream wins. */
function latestStates(states: StateMessage[]): Map<string, Record<string, unknown>> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const state of states) {
    if (state.type === 'STREAM' && state.stream) latest.set(state.stream.stream_descriptor.name, state.stream.stream_state ?? {});
  }
  return latest;
}

function stateInput(states: Map<string, Record<string, unknown>>): unknown[] {
  return [...states].map(([name, streamState]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: streamState } }));
}

describe('CAT suites of acceptance-test-config.yml, replayed against the simulator', () => {
  const files = tempDir();
  let simulator: Simulator;
  let configPath: string;
  let invalidConfigPath: string;
  let expected: RecordMessage[];
  let configured: { streams: ConfiguredStream[] };
  let discovered: AirbyteStream[];
  // Every call advances the connector's clock by 1 ms: emitted_at strictly increases from one read to the next.
  let clockMs = 0;
  const now = (): number => clockMs++;
  const airbyte = (argv: string[]): Promise<CliRun> => runAirbyte(argv, { now });
  let fileCount = 0;
  const jsonFile = (value: unknown): string => files.json(`input-${fileCount++}.json`, value);
  const read = (catalog: unknown, state?: unknown): Promise<CliRun> =>
    airbyte(['read', '--config', configPath, '--catalog', jsonFile(catalog), ...(state === undefined ? [] : ['--state', jsonFile(state)])]);
  const incrementalOnly = () => ({ streams: configured.streams.filter((stream) => stream.sync_mode === 'incremental') });

  beforeAll(async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'scripts/gen-expected-records.mjs'), '--print'], {
      cwd: ROOT,
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const settings = (JSON.parse(stdout) as { simulator: { seed: number; members: number; days: number; sessions: number; fixedNowMs: number } }).simulator;
    clockMs = settings.fixedNowMs;
    simulator = await startSimulator({ seed: settings.seed, members: settings.members, days: settings.days, sessions: settings.sessions, now: () => settings.fixedNowMs });
    configPath = files.json('config.json', { ...readJson<object>('integration_tests/config.json'), api_url: simulator.url });
    invalidConfigPath = files.json('invalid_config.json', { ...readJson<object>('integration_tests/invalid_config.json'), api_url: simulator.url });
    expected = readFileSync(join(ROOT, 'integration_tests/expected_records.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordMessage);
    configured = readJson('integration_tests/configured_catalog.json');
    const discover = await airbyte(['discover', '--config', configPath]);
    discovered = (ofType(discover, 'CATALOG')[0]?.catalog as { streams: AirbyteStream[] }).streams;
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('spec: exactly one SPEC message', async () => {
    const result = await airbyte(['spec']);
    expect(result.code).toBe(0);
    expect(ofType(result, 'SPEC')).toHaveLength(1);
  });

  it('connection: the config succeeds and the invalid config fails, each with exactly one status', async () => {
    const good = await airbyte(['check', '--config', configPath]);
    const bad = await airbyte(['check', '--config', invalidConfigPath]);
    expect([good.code, bad.code]).toEqual([0, 0]);
    const status = (result: CliRun) => ofType(result, 'CONNECTION_STATUS').map((message) => message.connectionStatus as { status: string; message?: string });
    expect(status(good).map((s) => s.status)).toEqual(['SUCCEEDED']);
    expect(status(bad).map((s) => s.status)).toEqual(['FAILED']);
    expect(status(bad)[0]!.message).toMatch(/^invalid_credentials: /);
  });

  it('discovery: unique streams whose cursor and primary-key paths exist and are scalar', () => {
    expect(new Set(discovered.map((stream) => stream.name)).size).toBe(discovered.length);
    for (const stream of discovered) {
      expect(stream.supported_sync_modes.length).toBeGreaterThan(0);
      for (const path of [...(stream.default_cursor_field ? [stream.default_cursor_field] : []), ...(stream.source_defined_primary_key ?? [])]) {
        const property = stream.json_schema.properties[path[0]!];
        expect(property, `${stream.name}.${path.join('.')}`).toBeDefined();
        expect([property!.type].flat()).not.toContain('object');
        expect([property!.type].flat()).not.toContain('array');
      }
    }
  });

  it('basic_read: the catalog CAT builds from discover yields exactly the expected records, valid, with per-stream state', async () => {
    const catalog = { streams: discovered.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
    const result = await read(catalog);
    expect(result.code).toBe(0);
    const records = recordsOf(result);
    for (const stream of discovered) {
      const own = records.filter((record) => record.stream === stream.name);
      expect(own.length, `${stream.name} has records`).toBeGreaterThan(0);
      for (const record of own) {
        assertRecordMatchesSchema(stream.name, record.data);
        // fail_on_extra_columns: no top-level field the schema does not declare
        expect(Object.keys(record.data).filter((key) => !(key in stream.json_schema.properties))).toEqual([]);
        for (const path of stream.source_defined_primary_key ?? []) expect(record.data[path[0]!]).not.toBeNull();
      }
    }
    for (const [stream, expectedOfStream] of byStream(expected)) {
      const actual = new Set(records.filter((record) => record.stream === stream).map((record) => canonical(record.data)));
      const wanted = new Set(expectedOfStream.map((record) => canonical(record.data)));
      expect([...wanted].filter((record) => !actual.has(record)), `${stream}: missing expected records`).toEqual([]);
      expect([...actual].filter((record) => !wanted.has(record)), `${stream}: records not in expected_records.jsonl`).toEqual([]);
    }
    const states = statesOf(result);
    expect(states.length).toBeGreaterThanOrEqual(discovered.length);
    for (const state of states) {
      expect(state.type).toBe('STREAM');
      expect(typeof state.stream?.stream_descriptor.name).toBe('string');
      expect(state.sourceStats).toBeDefined();
    }
  });

  it('basic_read: a catalog with an unknown stream and an invalid sync mode gets a TRACE ERROR', async () => {
    const result = await read({
      streams: [
        {
          stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: { type: 'object', properties: { f1: { type: 'string' } } }, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'INVALID',
          destination_sync_mode: 'INVALID',
        },
      ],
    });
    const errors = ofType(result, 'TRACE').filter((message) => (message.trace as { type: string }).type === 'ERROR');
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('full_refresh: a second read emits the same records, every one later than all of the first read', async () => {
    const catalog = { streams: configured.streams.map((stream) => ({ ...stream, sync_mode: 'full_refresh' })) };
    const first = recordsOf(await read(catalog));
    const second = recordsOf(await read(catalog));
    expect(first.length).toBeGreaterThan(0);
    expect(Math.min(...second.map((record) => record.emitted_at))).toBeGreaterThan(Math.max(...first.map((record) => record.emitted_at)));
    expect(second.map((record) => canonical(record.data)).sort()).toEqual(first.map((record) => canonical(record.data)).sort());
  });

  it('incremental: two sequential reads, the second from the first one\'s state, change the records and never go back', async () => {
    const catalog = incrementalOnly();
    expect(catalog.streams.length).toBeGreaterThan(0);
    const first = await read(catalog);
    expect(statesOf(first).length).toBeGreaterThan(0);
    const records1 = byStream(recordsOf(first));
    expect(records1.size).toBe(catalog.streams.length);
    const second = await read(catalog, stateInput(latestStates(statesOf(first))));
    const records2 = byStream(recordsOf(second));
    // Day streams re-read the cursor's billing day; a timestamp cursor at the range's end reads nothing more.
    const dayStreams = [...records1.keys()].filter((stream) => findStream(stream)?.cursor?.kind === 'billing-day');
    expect(dayStreams.length).toBeGreaterThan(0);
    expect([...records2.keys()].filter((stream) => dayStreams.includes(stream)).sort()).toEqual(dayStreams.sort());
    for (const [stream, streamRecords1] of records1) {
      const streamRecords2 = records2.get(stream) ?? [];
      const cursor = (record: RecordMessage) => record.data[cursorFieldOf(stream)] as string;
      const max1 = streamRecords1.map(cursor).sort().at(-1)!;
      if (!dayStreams.includes(stream)) {
        for (const record of streamRecords2) expect(cursor(record) >= max1, `${stream}: ${cursor(record)} < ${max1}`).toBe(true);
        continue;
      }
      const data = (records: RecordMessage[]) => records.map((record) => canonical(record.data)).sort();
      expect(data(streamRecords2), `${stream} should change between reads`).not.toEqual(data(streamRecords1));
      const min2 = streamRecords2.map(cursor).sort()[0]!;
      expect(min2 >= max1, `${stream}: second read starts at ${min2}, before the first read's last cursor ${max1}`).toBe(true);
    }
  });

  it('incremental: a read resumed from any checkpoint of a full read emits nothing older than that checkpoint', async () => {
    const catalog = incrementalOnly();
    const full = await read(catalog);
    const records = recordsOf(full);
    const finalStates = latestStates(statesOf(full));
    for (const record of records) {
      const field = cursorFieldOf(record.stream);
      expect(record.data[field] as string <= (finalStates.get(record.stream)![field] as string)).toBe(true);
    }

    const checkpoints = statesOf(full).filter((state, index, all) => all.findIndex((other) => canonical(other) === canonical(state)) === index);
    expect(checkpoints.length).toBeGreaterThan(catalog.streams.length);
    // CAT samples about a tenth of the checkpoints (at least 10); so do we, to stay fast
    const every = checkpoints.length >= 10 ? Math.floor(checkpoints.length / 10) : 1;
    const accumulated = new Map<string, Record<string, unknown>>();
    for (const [index, checkpoint] of checkpoints.entries()) {
      if (checkpoint.stream?.stream_state) accumulated.set(checkpoint.stream.stream_descriptor.name, checkpoint.stream.stream_state);
      if (index % every !== 0) continue;
      const resumed = await read(catalog, stateInput(accumulated));
      expect(resumed.code).toBe(0);
      for (const record of recordsOf(resumed)) {
        const field = cursorFieldOf(record.stream);
        const cursor = accumulated.get(record.stream)?.[field];
        if (typeof cursor === 'string') expect(record.data[field] as string >= cursor, `${record.stream} ${String(record.data[field])} < ${cursor}`).toBe(true);
      }
    }
  });

  it('incremental: the future state yields no records and at least one STATE', async () => {
    const result = await read(incrementalOnly(), readJson('integration_tests/abnormal_state.json'));
    expect(result.code).toBe(0);
    expect(recordsOf(result)).toEqual([]);
    expect(statesOf(result).length).toBeGreaterThanOrEqual(1);
  });

  it('every request the reads made carried the package version in its User-Agent', () => {
    expect(simulator.requests.length).toBeGreaterThan(0);
    for (const request of simulator.requests) expect(request.headers['user-agent']).toMatch(new RegExp(`^source-devin/${VERSION.replace(/\./g, '\\.')} `));
  });
});
