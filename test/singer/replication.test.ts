/**
 * Replication methods: `forced-replication-method`, the `replication-method` metadata (what Meltano
 * writes), the entry-level `replication_method` (what the Meltano SDK reads) and `replication-key`.
 * INCREMENTAL resumes from the bookmark; FULL_TABLE reads from start_date whatever the state says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { editCatalog, metadataAt, recordsOf, schemasOf, streamsSynced, type Json } from '../helpers/singer.js';
import { BASE_CONFIG, configFile, discover, linesAt, SIM_OPTIONS, tap } from './support.js';

const files = tempDir();
let sim: Simulator;
let config: string;
let catalog: { streams: Json[] };
let counter = 0;

/** A state whose cursors sit at 2026-03-05 (lookback_days is 0 in BASE_CONFIG). */
const CURSOR = '2026-03-05';
const STATE = {
  bookmarks: {
    daily_consumption: { replication_key: 'date', replication_key_value: CURSOR },
    pr_metrics: { replication_key: 'date', replication_key_value: CURSOR, granularity: 'day' },
  },
};

beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
  config = configFile(sim, {}, files).config;
  catalog = await discover(config);
});
afterAll(() => sim.close());

/** Syncs daily_consumption only, with the catalog entry edited, from STATE. */
async function syncConsumption(edit: (entry: Json) => void, expectedCode = 0): Promise<CliRun> {
  const edited = editCatalog(catalog, (entry) => {
    metadataAt(entry, []).selected = entry.tap_stream_id === 'daily_consumption';
    if (entry.tap_stream_id === 'daily_consumption') edit(entry);
  });
  counter += 1;
  const run = await tap([
    '--config',
    config,
    '--catalog',
    files.json(`catalog-${counter}.json`, edited),
    '--state',
    files.json(`state-${counter}.json`, STATE),
  ]);
  expect(run.code, run.stderr).toBe(expectedCode);
  return run;
}

function firstDate(run: CliRun, stream = 'daily_consumption'): string {
  return recordsOf(run, stream)
    .map((r) => String(r.date))
    .sort()[0] as string;
}

function expectIncremental(run: CliRun): void {
  expect(firstDate(run)).toBe(CURSOR);
  expect(schemasOf(run, 'daily_consumption')[0]?.bookmark_properties).toEqual(['date']);
  expect(run.stderr).toContain("Beginning incremental sync of 'daily_consumption'");
}

function expectFullTable(run: CliRun): void {
  expect(firstDate(run)).toBe(BASE_CONFIG.start_date);
  expect(schemasOf(run, 'daily_consumption')[0]?.bookmark_properties).toEqual([]);
  expect(run.stderr).toContain("Beginning full_table sync of 'daily_consumption'");
}

describe('replication method resolution', () => {
  it('the discovered catalog as is: INCREMENTAL, resuming at the bookmark', async () => {
    expectIncremental(await syncConsumption(() => undefined));
  });

  it('no catalog at all: incremental streams are INCREMENTAL', async () => {
    const run = await tap(['--config', config, '--state', files.json('state-nocat.json', STATE)]);
    expect(run.code, run.stderr).toBe(0);
    expect(firstDate(run)).toBe(CURSOR);
    expect(firstDate(run, 'pr_metrics')).toBe(CURSOR);
  });

  it('replication-method FULL_TABLE (metadata, as Meltano writes it) ignores the bookmark', async () => {
    expectFullTable(await syncConsumption((entry) => (metadataAt(entry, [])['replication-method'] = 'FULL_TABLE')));
  });

  it('entry-level replication_method FULL_TABLE (as the Meltano SDK reads it) ignores the bookmark', async () => {
    expectFullTable(await syncConsumption((entry) => (entry.replication_method = 'FULL_TABLE')));
  });

  it('the replication-method metadata wins over the entry-level replication_method', async () => {
    const run = await syncConsumption((entry) => {
      entry.replication_method = 'FULL_TABLE';
      metadataAt(entry, [])['replication-method'] = 'incremental';
    });
    expectIncremental(run);
  });

  it('forced-replication-method wins over a requested method, with a WARNING', async () => {
    const run = await syncConsumption((entry) => {
      metadataAt(entry, [])['forced-replication-method'] = 'FULL_TABLE';
      metadataAt(entry, [])['replication-method'] = 'INCREMENTAL';
    });
    expectFullTable(run);
    expect(linesAt(run.stderr, 'WARNING').join('\n')).toContain('forced to FULL_TABLE');
  });

  it('a replication-key alone (no method anywhere) means INCREMENTAL; neither key nor method means FULL_TABLE', async () => {
    const keyOnly = await syncConsumption((entry) => {
      delete entry.replication_method;
      delete entry.replication_key;
      metadataAt(entry, [])['replication-key'] = 'date';
    });
    expectIncremental(keyOnly);
    const neither = await syncConsumption((entry) => {
      delete entry.replication_method;
      delete entry.replication_key;
    });
    expectFullTable(neither);
  });

  it('members cannot be incremental: a requested INCREMENTAL is overridden by its forced FULL_TABLE, with a WARNING', async () => {
    const edited = editCatalog(catalog, (entry) => {
      metadataAt(entry, []).selected = entry.tap_stream_id === 'members';
      metadataAt(entry, [])['replication-method'] = 'INCREMENTAL';
    });
    const run = await tap(['--config', config, '--catalog', files.json('members-inc.json', edited)]);
    expect(run.code, run.stderr).toBe(0);
    expect(streamsSynced(run)).toEqual(['members']);
    expect(recordsOf(run, 'members')).toHaveLength(SIM_OPTIONS.members);
    expect(linesAt(run.stderr, 'WARNING').join('\n')).toContain('members: replication method INCREMENTAL was requested');
  });
});

describe('replication settings the tap cannot honour: CRITICAL naming the catalog file, exit 1', () => {
  it.each([
    ['an invalid replication-key', (entry: Json) => (metadataAt(entry, [])['replication-key'] = 'user_id'), 'replication key "user_id" is not valid'],
    ['LOG_BASED', (entry: Json) => (metadataAt(entry, [])['replication-method'] = 'LOG_BASED'), 'does not support LOG_BASED'],
    ['an unknown method', (entry: Json) => (entry.replication_method = 'SNAPSHOT'), 'must be FULL_TABLE or INCREMENTAL'],
  ])('%s', async (_label, edit, message) => {
    const run = await syncConsumption(edit, 1);
    expect(run.stdout).toBe('');
    const critical = linesAt(run.stderr, 'CRITICAL');
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatch(/^CRITICAL catalog file \S+catalog-\d+\.json: /);
    expect(critical[0]).toContain(message);
  });

  it('members forced to INCREMENTAL', async () => {
    const edited = editCatalog(catalog, (entry) => {
      if (entry.tap_stream_id === 'members') metadataAt(entry, [])['forced-replication-method'] = 'INCREMENTAL';
    });
    const run = await tap(['--config', config, '--catalog', files.json('members-forced.json', edited)]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'CRITICAL')[0]).toContain('members has no replication key, so it cannot be forced to INCREMENTAL');
  });
});
