/**
 * The Meltano SDK's standard tap tests (singer_sdk.testing), reproduced for tap-devin against the
 * simulator: cli prints, discovery, stream connections, valid final state, and per stream: schema is
 * valid (draft-07), returns records, records match the schema, primary keys unique and non-null.
 * Plus what the Singer spec adds: SCHEMA before the first RECORD, stdout carries messages only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { STREAM_NAMES, defaultStreams, findStream } from '../../src/streams/index.js';

/** The streams read when nothing is selected (the default streams, the same in both scopes). */
const DEFAULT_NAMES = defaultStreams(undefined).map((stream) => stream.name);
import { newAjv } from '../helpers/ajv.js';
import type { CliRun } from '../helpers/cli.js';
import { scratchDir, tempDir } from '../helpers/files.js';
import { assertRecordMatchesSchema } from '../helpers/protocol.js';
import { FIXED_TODAY, expectRecordsToEqualTruth } from '../helpers/read.js';
import { bookmarkOf, lastState, recordsOf, schemasOf, stateValues, type Json } from '../helpers/singer.js';
import { BASE_CONFIG, SIM_OPTIONS, configFile, discover, tap } from './support.js';

const files = tempDir();
let sim: Simulator;
let full: CliRun;
let catalog: { streams: Json[] };

beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
  const { config } = configFile(sim, {}, files);
  full = await tap(['--config', config]);
  catalog = await discover(config);
});
afterAll(() => sim.close());

const YESTERDAY = '2026-03-09';

describe('tap-level tests', () => {
  it('cli prints: --about, --version and --help exit 0 and print their document', async () => {
    for (const argv of [['--about'], ['--about', '--format', 'json'], ['--about', '--format', 'markdown'], ['--version'], ['--help']]) {
      const run = await tap(argv);
      expect(run.code, argv.join(' ')).toBe(0);
      expect(run.stdout.trim().length, argv.join(' ')).toBeGreaterThan(0);
      expect(run.stderr, argv.join(' ')).toBe('');
    }
  });

  it('discovery: the catalog lists every stream, and passing it back syncs every stream', async () => {
    // The enterprise key's streams (secrets is organization only).
    expect(catalog.streams.map((s) => s.tap_stream_id)).toEqual(STREAM_NAMES.filter((name) => findStream(name)?.scopes.includes('enterprise')));
    const dir = scratchDir();
    const { config } = configFile(sim);
    const run = await tap(['--config', config, '--catalog', dir.json('catalog.json', catalog)]);
    expect(run.code, run.stderr).toBe(0);
    for (const stream of DEFAULT_NAMES) expect(recordsOf(run, stream).length).toBeGreaterThan(0);
  });

  it('stream connections: a sync without a catalog syncs every stream and exits 0', () => {
    expect(full.code, full.stderr).toBe(0);
    expect(schemasOf(full).map((s) => s.stream)).toEqual(DEFAULT_NAMES);
    expect(full.stderr).not.toMatch(/^(ERROR|CRITICAL) /m);
  });

  it('valid final state: bookmarks for every stream, cursors are billing days no later than yesterday', async () => {
    const state = lastState(full);
    expect(Object.keys(state.bookmarks as Json).sort()).toEqual([...DEFAULT_NAMES].sort());
    expect(bookmarkOf(state, 'members')).toEqual({});
    for (const stream of ['daily_consumption', 'pr_metrics']) {
      const bookmark = bookmarkOf(state, stream) as Json;
      expect(bookmark.replication_key).toBe('date');
      expect(bookmark.replication_key_value).toBe(YESTERDAY);
      expect(bookmark.progress).toBeUndefined();
    }
    // The final state is a valid --state input.
    const dir = scratchDir();
    const { config } = configFile(sim);
    const again = await tap(['--config', config, '--state', dir.json('state.json', state)]);
    expect(again.code, again.stderr).toBe(0);
  });

  it('every STATE carries the whole state: a stream bookmark, once present, stays in every later STATE', () => {
    const seen = new Set<string>();
    for (const value of stateValues(full)) {
      const names = Object.keys(value.bookmarks as Json);
      for (const name of seen) expect(names).toContain(name);
      for (const name of names) seen.add(name);
    }
    expect([...seen].sort()).toEqual([...DEFAULT_NAMES].sort());
  });
});

describe.each(DEFAULT_NAMES)('stream-level tests: %s', (stream) => {
  it('schema is valid: the SCHEMA message carries a valid draft-07 object schema with its key properties', () => {
    const [schema, ...more] = schemasOf(full, stream);
    expect(more).toHaveLength(0);
    const ajv = newAjv();
    expect(ajv.validateSchema(schema?.schema as Json), JSON.stringify(ajv.errors)).toBe(true);
    const properties = Object.keys((schema?.schema as Json).properties as Json);
    for (const key of schema?.key_properties as string[]) expect(properties).toContain(key);
    for (const key of schema?.bookmark_properties as string[]) expect(properties).toContain(key);
    expect(schema?.bookmark_properties).toEqual(findStream(stream)?.cursor ? [findStream(stream)?.cursor?.field] : []);
  });

  it('SCHEMA comes before the first RECORD of the stream', () => {
    const schemaAt = full.messages.findIndex((m) => m.type === 'SCHEMA' && m.stream === stream);
    const recordAt = full.messages.findIndex((m) => m.type === 'RECORD' && m.stream === stream);
    expect(schemaAt).toBeGreaterThanOrEqual(0);
    expect(recordAt).toBeGreaterThan(schemaAt);
  });

  it('returns records, equal to the simulator ground truth', () => {
    const records = recordsOf(full, stream);
    expect(records.length).toBeGreaterThan(0);
    const truth = sim.groundTruth({ startDate: BASE_CONFIG.start_date, endDate: FIXED_TODAY });
    expectRecordsToEqualTruth(stream, records, truth[stream as keyof typeof truth] as unknown as Json[]);
  });

  it('records match the stream schema: each validates, and every record key is a schema property', () => {
    const schema = schemasOf(full, stream)[0]?.schema as Json;
    const validate = newAjv().compile(schema);
    const properties = Object.keys(schema.properties as Json);
    for (const record of recordsOf(full, stream)) {
      expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
      assertRecordMatchesSchema(stream, record);
      for (const key of Object.keys(record)) expect(properties).toContain(key);
    }
  });

  it('primary keys are unique and non-null', () => {
    const keys = schemasOf(full, stream)[0]?.key_properties as string[];
    expect(keys.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const record of recordsOf(full, stream)) {
      for (const key of keys) expect(record[key], `${stream}.${key}`).not.toBeNull();
      for (const key of keys) expect(record[key], `${stream}.${key}`).not.toBeUndefined();
      const id = JSON.stringify(keys.map((key) => record[key]));
      expect(seen.has(id), `duplicate key ${id}`).toBe(false);
      seen.add(id);
    }
  });
});

describe('organization scope', () => {
  it('syncs every stream with org_id set, equal to the ground truth of the organization key', async () => {
    const { config } = configFile(sim, { api_key: KEY_ORG });
    const run = await tap(['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ORG, startDate: BASE_CONFIG.start_date, endDate: FIXED_TODAY });
    for (const stream of DEFAULT_NAMES) {
      const records = recordsOf(run, stream);
      expectRecordsToEqualTruth(stream, records, truth[stream as keyof typeof truth] as unknown as Json[]);
      // playbooks and knowledge_notes carry the item's own org: null for enterprise-wide ones (SPEC §5.4).
      const own = ['playbooks', 'knowledge_notes'].includes(stream) ? [null, 'org-sim-alpha'] : ['org-sim-alpha'];
      for (const record of records) expect(own, stream).toContain(record.org_id);
    }
  });
});
