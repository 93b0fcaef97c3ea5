/**
 * discover (SPEC §4, §5): exactly one CATALOG with the streams of the resolved scope (offline for an
 * explicit scope, one GET /v3/self for `auto`), their sync modes, source-defined cursor and primary
 * keys (never depending on the config), is_resumable; every key and cursor path exists in the schema
 * and no key field is an object or array. The ready-to-use configured catalogs in catalog/*.json match
 * discover and are accepted by `read` against the simulator.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { newAjv } from '../helpers/ajv.js';
import { REPO_ROOT, runAirbyte } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { assertRecordMatchesSchema } from '../helpers/protocol.js';
import { FIXED_NOW, statusesOf } from '../helpers/read.js';
import { checkStreamSchemaRules } from './airbyte-schema-rules.js';
import { findStream, streamsOfScope } from '../../src/streams/index.js';
import { messagesOf, onlyMessage, type Json } from './support.js';

const dir = tempDir();
const clock = { now: () => FIXED_NOW };

async function discover(config: Json): Promise<Json[]> {
  const run = await runAirbyte(['discover', '--config', dir.json(`discover-${Object.values(config).join("-").replace(/[^a-z0-9_-]/gi, "_")}.json`, config)], clock);
  expect(run.code).toBe(0);
  // pr_metrics_granularity is retired: its WARN (SPEC §3) may precede the catalog.
  const retired = (m: Json): boolean => m.type === 'LOG' && String((m.log as Json).message).includes('"pr_metrics_granularity" is retired');
  const catalog = onlyMessage({ ...run, messages: run.messages.filter((m) => !retired(m)) }, 'CATALOG').catalog as Json;
  return catalog.streams as Json[];
}

const schemaFile = (stream: string): Json => JSON.parse(readFileSync(`${REPO_ROOT}schemas/${stream}.json`, 'utf8')) as Json;

/** SPEC §5, transcribed. */
const EXPECTED = {
  members: { supported_sync_modes: ['full_refresh'], source_defined_cursor: false, source_defined_primary_key: [['user_id']], is_resumable: false },
  daily_consumption: {
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['date'],
    source_defined_primary_key: [['user_id'], ['date']],
    is_resumable: true,
  },
  pr_metrics: {
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['date'],
    source_defined_primary_key: [['date']],
    is_resumable: true,
  },
  pr_metrics_by_member: {
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['date'],
    source_defined_primary_key: [['date'], ['user_id']],
    is_resumable: true,
  },
};
const ENTERPRISE_STREAMS = streamsOfScope('enterprise').map((stream) => stream.name);
const ORGANIZATION_STREAMS = streamsOfScope('organization').map((stream) => stream.name);

function propertyAt(schema: Json, path: string[]): Json | undefined {
  let node: Json | undefined = schema;
  for (const name of path) node = (node?.properties as Record<string, Json> | undefined)?.[name];
  return node;
}

describe('discover', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ members: 3, days: 3, now: () => FIXED_NOW });
  });
  afterAll(() => sim.close());

  it('emits exactly one CATALOG with the streams of the scope, as SPEC §5 says', async () => {
    const streams = await discover({ api_key: 'cog_discover_key', scope: 'enterprise' });
    expect(streams.map((s) => s.name)).toEqual(ENTERPRISE_STREAMS);
    expect(ENTERPRISE_STREAMS.slice(0, 4)).toEqual(['members', 'daily_consumption', 'pr_metrics', 'pr_metrics_by_member']);
    for (const stream of streams) {
      const name = stream.name as keyof typeof EXPECTED;
      const { json_schema: schema, name: _name, ...rest } = stream;
      if (EXPECTED[name]) expect(rest, name).toEqual(EXPECTED[name]);
      expect(schema, `${name}: the schema is schemas/${name}.json`).toEqual(schemaFile(name));
    }
    const organization = await discover({ api_key: 'cog_discover_key', scope: 'organization' });
    expect(organization.map((s) => s.name)).toEqual(ORGANIZATION_STREAMS);
  });

  it('with scope auto asks GET /v3/self once and lists the streams of the key\'s scope; an explicit scope asks nothing', async () => {
    for (const [key, names] of [[KEY_ENTERPRISE, ENTERPRISE_STREAMS], [KEY_ORG, ORGANIZATION_STREAMS]] as const) {
      sim.clearRequests();
      const streams = await discover({ api_key: key, api_url: sim.url });
      expect(streams.map((s) => s.name)).toEqual(names);
      expect(sim.requests.map((r) => r.path)).toEqual(['/v3/self']);
    }
    sim.clearRequests();
    await discover({ api_key: KEY_ENTERPRISE, api_url: sim.url, scope: 'enterprise' });
    expect(sim.requests).toEqual([]);
  });

  it('primary keys never depend on the config: pr_metrics is keyed by day, pr_metrics_by_member by day and member', async () => {
    const keyOf = (streams: Json[], name: string): unknown => streams.find((s) => s.name === name)?.source_defined_primary_key;
    const plain = await discover({ api_key: 'cog_discover_key', scope: 'enterprise' });
    const retired = await discover({ api_key: 'cog_discover_key', scope: 'enterprise', pr_metrics_granularity: 'user_day' });
    expect(keyOf(plain, 'pr_metrics')).toEqual([['date']]);
    expect(keyOf(plain, 'pr_metrics_by_member')).toEqual([['date'], ['user_id']]);
    expect(retired).toEqual(plain);
  });

  it('every key and cursor path exists in the schema; key fields are scalars; schemas pass the acceptance rules', async () => {
    for (const scope of ['enterprise', 'organization']) {
      for (const stream of await discover({ api_key: 'cog_discover_key', scope })) {
        const schema = stream.json_schema as Json;
        const paths = [...(stream.source_defined_primary_key as string[][]), ...(stream.default_cursor_field ? [stream.default_cursor_field as string[]] : [])];
        for (const path of paths) {
          const property = propertyAt(schema, path);
          expect(property, `${String(stream.name)}: ${path.join('.')}`).toBeDefined();
          const types = ([] as unknown[]).concat(property?.type);
          expect(types, `${String(stream.name)}: ${path.join('.')} is a scalar`).not.toContain('object');
          expect(types).not.toContain('array');
        }
        expect(newAjv().validateSchema(schema)).toBe(true);
        expect(checkStreamSchemaRules(schema), String(stream.name)).toEqual([]);
      }
    }
  });
});

describe('catalog/*.json', () => {
  const protocol = parseYaml(readFileSync(`${REPO_ROOT}test/reference/airbyte_protocol.yaml`, 'utf8')) as Json;
  const ajv = newAjv();
  ajv.addSchema(protocol, 'airbyte');
  const validateConfigured = ajv.compile({ $ref: 'airbyte#/definitions/ConfiguredAirbyteCatalog' });
  const load = (name: string): Json => JSON.parse(readFileSync(`${REPO_ROOT}catalog/${name}.json`, 'utf8')) as Json;

  const modesOf = (incremental: boolean): Record<string, string> =>
    Object.fromEntries(ORGANIZATION_STREAMS.map((name) => [name, incremental && findStream(name)?.cursor ? 'incremental' : 'full_refresh']));
  it.each([
    ['full_refresh', modesOf(false)],
    ['incremental', modesOf(true)],
  ])('%s.json is a ConfiguredAirbyteCatalog of what discover says, with the real schemas', async (name, modes) => {
    const catalog = load(name);
    expect(validateConfigured(catalog), JSON.stringify(validateConfigured.errors)).toBe(true);
    // Streams both scopes offer, so the catalogs work with either key (npm run gen writes them).
    const discovered = (await discover({ api_key: 'cog_discover_key', scope: 'enterprise' })).filter((s) =>
      ORGANIZATION_STREAMS.includes(s.name as string),
    );
    const configured = catalog.streams as Json[];
    expect(configured.map((c) => c.stream)).toEqual(discovered);
    for (const entry of configured) {
      const stream = entry.stream as Json;
      const mode = modes[stream.name as keyof typeof modes];
      expect(entry.sync_mode, String(stream.name)).toBe(mode);
      expect(entry.primary_key).toEqual(stream.source_defined_primary_key);
      if (mode === 'incremental') {
        expect(entry.cursor_field).toEqual([findStream(stream.name as string)?.cursor?.field]);
        expect(entry.destination_sync_mode).toBe('append_dedup');
      } else {
        expect(entry).not.toHaveProperty('cursor_field');
        expect(entry.destination_sync_mode).toBe('overwrite');
      }
    }
  });

  describe('are accepted by read against the simulator', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ members: 6, days: 12, now: () => FIXED_NOW });
    });
    afterAll(() => sim.close());

    it.each([
      ['full_refresh', KEY_ENTERPRISE],
      ['incremental', KEY_ORG],
    ])('%s.json (%s)', async (name, apiKey) => {
      const config = dir.json(`read-${name}.json`, { api_key: apiKey, api_url: sim.url, start_date: '2026-03-01' });
      const run = await runAirbyte(['read', '--config', config, '--catalog', `${REPO_ROOT}catalog/${name}.json`], clock);
      expect(run.code, run.stdout.slice(-2000)).toBe(0);
      // The catalogs hold the streams both scopes offer (secrets, organization only, is not one of them).
      const inCatalog = ORGANIZATION_STREAMS.filter((stream) => findStream(stream)?.scopes.includes('enterprise'));
      expect(inCatalog.length).toBeGreaterThan(10);
      for (const stream of inCatalog) {
        const records = messagesOf(run, 'RECORD').filter((m) => (m.record as Json).stream === stream);
        expect(records.length, stream).toBeGreaterThan(0);
        for (const record of records) assertRecordMatchesSchema(stream, (record.record as Json).data);
        expect(statusesOf(run, stream)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      }
      expect(messagesOf(run, 'STATE').length).toBeGreaterThanOrEqual(3);
    });
  });
});
