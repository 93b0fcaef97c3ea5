/**
 * Stream and field selection through catalog metadata, with the Meltano SDK's rules: `selected`
 * (booleans or "true"/"false"), `selected-by-default`, automatic fields always kept, deselected
 * available fields dropped (from RECORDs and from SCHEMA), streams missing from the catalog not read,
 * the legacy --properties flag and the legacy `selected` inside the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { defaultStreams } from '../../src/streams/index.js';
import { tempDir } from '../helpers/files.js';
import { editCatalog, metadataAt, recordsOf, schemasOf, streamsSynced, type Json } from '../helpers/singer.js';
import { configFile, discover, linesAt, SIM_OPTIONS, tap } from './support.js';

const files = tempDir();
let sim: Simulator;
let config: string;
let catalog: { streams: Json[] };

beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
  config = configFile(sim, {}, files).config;
  catalog = await discover(config);
});
afterAll(() => sim.close());

let counter = 0;
async function syncWith(document: unknown, flag: '--catalog' | '--properties' = '--catalog') {
  counter += 1;
  const run = await tap(['--config', config, flag, files.json(`catalog-${counter}.json`, document)]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** Selects only the named streams (root `selected`), as `meltano select` writes it. */
function selectOnly(names: string[], selected: (name: string) => unknown = (name) => names.includes(name)) {
  return editCatalog(catalog, (entry) => {
    metadataAt(entry, []).selected = selected(String(entry.tap_stream_id));
  });
}

describe('stream selection', () => {
  it('a deselected stream is not read at all: no SCHEMA, RECORD, bookmark or request', async () => {
    sim.clearRequests();
    const run = await syncWith(selectOnly(['members', 'daily_consumption']));
    expect(streamsSynced(run)).toEqual(['members', 'daily_consumption']);
    expect(recordsOf(run, 'pr_metrics')).toEqual([]);
    const last = run.messages.filter((m) => m.type === 'STATE').at(-1)?.value as Json;
    expect(Object.keys(last.bookmarks as Json).sort()).toEqual(['daily_consumption', 'members']);
    expect(sim.requests.filter((r) => r.path.includes('/metrics/prs'))).toEqual([]);
  });

  it('"true"/"false" strings work like booleans (the Singer docs example form)', async () => {
    const run = await syncWith(selectOnly(['pr_metrics'], (name) => (name === 'pr_metrics' ? 'true' : 'false')));
    expect(streamsSynced(run)).toEqual(['pr_metrics']);
    const upper = await syncWith(selectOnly(['pr_metrics'], (name) => (name === 'pr_metrics' ? 'TRUE' : 'False')));
    expect(streamsSynced(upper)).toEqual(['pr_metrics']);
  });

  it('without `selected`, selected-by-default decides; with neither, the stream is not selected', async () => {
    const byDefault = editCatalog(catalog, (entry) => {
      if (entry.tap_stream_id === 'members') metadataAt(entry, [])['selected-by-default'] = false;
    });
    // The other default streams of the key's scope (enterprise) stay selected.
    const defaults = defaultStreams('enterprise').map((stream) => stream.name);
    expect(streamsSynced(await syncWith(byDefault))).toEqual(defaults.filter((name) => name !== 'members'));
    const neither = editCatalog(catalog, (entry) => {
      if (entry.tap_stream_id === 'daily_consumption') delete metadataAt(entry, [])['selected-by-default'];
    });
    expect(streamsSynced(await syncWith(neither))).toEqual(defaults.filter((name) => name !== 'daily_consumption'));
  });

  it('an entry without metadata is selected; a stream missing from the catalog is not', async () => {
    const minimal = { streams: [{ tap_stream_id: 'members', stream: 'members', schema: {} }] };
    const run = await syncWith(minimal);
    expect(streamsSynced(run)).toEqual(['members']);
    expect(recordsOf(run, 'members').length).toBe(SIM_OPTIONS.members);
  });

  it('the legacy `"selected": true` inside the schema selects a stream whose metadata is silent', async () => {
    const legacy = {
      streams: [
        { tap_stream_id: 'members', schema: { selected: false } },
        { tap_stream_id: 'pr_metrics', schema: { selected: true } },
      ],
    };
    expect(streamsSynced(await syncWith(legacy))).toEqual(['pr_metrics']);
  });

  it('--properties is the legacy name of --catalog', async () => {
    const run = await syncWith(selectOnly(['members']), '--properties');
    expect(streamsSynced(run)).toEqual(['members']);
  });

  it('a catalog that selects nothing: a WARNING, no messages, exit 0', async () => {
    const run = await syncWith(selectOnly([]));
    expect(run.stdout).toBe('');
    expect(linesAt(run.stderr, 'WARNING').join('\n')).toContain('selects no stream');
  });
});

describe('field selection', () => {
  it('a deselected available field is dropped from every RECORD and from the SCHEMA', async () => {
    const edited = editCatalog(selectOnly(['daily_consumption']), (entry) => {
      if (entry.tap_stream_id !== 'daily_consumption') return;
      metadataAt(entry, ['properties', 'email']).selected = false;
      metadataAt(entry, ['properties', 'acus_by_product']).selected = 'false';
    });
    const run = await syncWith(edited);
    const records = recordsOf(run, 'daily_consumption');
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(Object.keys(record).sort()).toEqual(['acus', 'date', 'is_partial_day', 'org_id', 'user_id']);
    }
    const schema = schemasOf(run, 'daily_consumption')[0]?.schema as Json;
    expect(Object.keys(schema.properties as Json).sort()).toEqual(['acus', 'date', 'is_partial_day', 'org_id', 'user_id']);
    expect(schema.required).toEqual(['user_id', 'date']);
  });

  it('automatic fields are always kept, even when the catalog deselects them', async () => {
    const edited = editCatalog(selectOnly(['daily_consumption', 'members']), (entry) => {
      for (const property of Object.keys((entry.schema as Json).properties as Json)) {
        metadataAt(entry, ['properties', property]).selected = false;
      }
    });
    const run = await syncWith(edited);
    for (const record of recordsOf(run, 'daily_consumption')) expect(Object.keys(record).sort()).toEqual(['date', 'user_id']);
    for (const record of recordsOf(run, 'members')) expect(Object.keys(record)).toEqual(['user_id']);
    expect(schemasOf(run, 'members')[0]?.key_properties).toEqual(['user_id']);
  });

  it('selected-by-default false on a field drops it unless `selected` says otherwise', async () => {
    const edited = editCatalog(selectOnly(['members']), (entry) => {
      if (entry.tap_stream_id !== 'members') return;
      for (const property of ['email', 'name', 'role_assignments', 'idp_role_assignments', 'org_id']) {
        metadataAt(entry, ['properties', property])['selected-by-default'] = false;
      }
      metadataAt(entry, ['properties', 'email']).selected = true;
    });
    const run = await syncWith(edited);
    for (const record of recordsOf(run, 'members')) expect(Object.keys(record).sort()).toEqual(['email', 'user_id']);
  });

  it('a field marked unsupported is never emitted; a field the catalog marks automatic is kept', async () => {
    const edited = editCatalog(selectOnly(['members']), (entry) => {
      if (entry.tap_stream_id !== 'members') return;
      metadataAt(entry, ['properties', 'name']).inclusion = 'unsupported';
      metadataAt(entry, ['properties', 'name']).selected = true;
      metadataAt(entry, ['properties', 'email']).inclusion = 'automatic';
      metadataAt(entry, ['properties', 'email']).selected = false;
    });
    const run = await syncWith(edited);
    for (const record of recordsOf(run, 'members')) {
      expect(record).not.toHaveProperty('name');
      expect(record).toHaveProperty('email');
    }
  });

  it('with nothing deselected, records carry every field', async () => {
    const run = await syncWith(selectOnly(['members']));
    for (const record of recordsOf(run, 'members')) {
      expect(Object.keys(record).sort()).toEqual(['email', 'idp_role_assignments', 'name', 'org_id', 'role_assignments', 'user_id']);
    }
  });
});

describe('catalog errors: a CRITICAL line naming the file and the problem, exit 1, nothing on stdout', () => {
  it.each([
    ['not a catalog', [1, 2], 'must be a Singer catalog'],
    ['an unknown selected stream', { streams: [{ tap_stream_id: 'repositories', schema: {} }] }, 'unknown stream "repositories"'],
    [
      'a selected value that is not a boolean',
      { streams: [{ tap_stream_id: 'members', metadata: [{ breadcrumb: [], metadata: { selected: 'yes' } }] }] },
      'selected must be true or false (got "yes")',
    ],
    ['a stream listed twice', { streams: [{ tap_stream_id: 'members' }, { tap_stream_id: 'members' }] }, 'listed twice'],
    ['metadata that is not a list', { streams: [{ tap_stream_id: 'members', metadata: {} }] }, 'metadata must be a list'],
  ])('%s', async (_label, document, message) => {
    const path = files.json(`bad-${counter++}.json`, document);
    const run = await tap(['--config', config, '--catalog', path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const critical = linesAt(run.stderr, 'CRITICAL');
    expect(critical).toHaveLength(1);
    expect(critical[0]).toContain(`catalog file ${path}`);
    expect(critical[0]).toContain(message);
  });

  it('an unknown stream that is not selected is ignored', async () => {
    const document = {
      streams: [
        { tap_stream_id: 'playbooks', schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: false } }] },
        { tap_stream_id: 'members', schema: {} },
      ],
    };
    expect(streamsSynced(await syncWith(document))).toEqual(['members']);
  });
});
