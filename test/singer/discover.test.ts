/**
 * `tap-devin --discover`: the Singer catalog document of the scope's streams, with Meltano SDK metadata
 * breadcrumbs, keys that never depend on the config, and the SDK's leniency (discovery does not need an
 * api_key: then it lists the streams of both scopes).
 */
import { describe, expect, it } from 'vitest';
import { STREAMS, streamsOfScope } from '../../src/streams/index.js';
import { newAjv } from '../helpers/ajv.js';
import { scratchDir } from '../helpers/files.js';
import type { Json } from '../helpers/singer.js';
import { linesAt, tap } from './support.js';

type Entry = Json & { metadata: Array<{ breadcrumb: string[]; metadata: Json }> };

async function discoverWith(config: Json | undefined): Promise<{ code: number; stdout: string; stderr: string; streams: Entry[] }> {
  const argv = config === undefined ? ['--discover'] : ['--config', scratchDir().json('config.json', config), '--discover'];
  const run = await tap(argv);
  const streams = run.code === 0 ? (JSON.parse(run.stdout) as { streams: Entry[] }).streams : [];
  return { ...run, streams };
}

function entry(streams: Entry[], name: string): Entry {
  const found = streams.find((s) => s.tap_stream_id === name);
  if (!found) throw new Error(`no catalog entry ${name}`);
  return found;
}

function md(e: Entry, breadcrumb: string[]): Json | undefined {
  return e.metadata.find((m) => JSON.stringify(m.breadcrumb) === JSON.stringify(breadcrumb))?.metadata;
}

describe('tap-devin --discover', () => {
  it('prints one pretty-printed catalog document: every stream, tap_stream_id = stream, with schema, keys and replication', async () => {
    const run = await discoverWith({ api_key: 'cog_discover_only', scope: 'enterprise' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').length).toBeGreaterThan(10);
    expect(run.streams.map((s) => s.tap_stream_id)).toEqual(streamsOfScope('enterprise').map((s) => s.name));
    for (const s of run.streams) expect(s.stream).toBe(s.tap_stream_id);

    expect(entry(run.streams, 'members')).toMatchObject({ key_properties: ['user_id'], replication_method: 'FULL_TABLE' });
    expect(entry(run.streams, 'members').replication_key).toBeUndefined();
    expect(entry(run.streams, 'daily_consumption')).toMatchObject({
      key_properties: ['user_id', 'date'],
      replication_key: 'date',
      replication_method: 'INCREMENTAL',
    });
    expect(entry(run.streams, 'pr_metrics')).toMatchObject({ key_properties: ['date'], replication_key: 'date', replication_method: 'INCREMENTAL' });
  });

  it('schemas are valid draft-07 object schemas, the same as schemas/*.json', async () => {
    const run = await discoverWith({ api_key: 'cog_discover_only', scope: 'enterprise' });
    const ajv = newAjv();
    for (const stream of streamsOfScope('enterprise')) {
      const schema = entry(run.streams, stream.name).schema as Json;
      expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
      expect(schema).toEqual(stream.schema);
    }
  });

  it('root metadata: inclusion available, selected-by-default, table-key-properties, valid-replication-keys, forced-replication-method for members', async () => {
    const run = await discoverWith({ api_key: 'cog_discover_only', scope: 'enterprise' });
    expect(md(entry(run.streams, 'members'), [])).toEqual({
      inclusion: 'available',
      'selected-by-default': true,
      'table-key-properties': ['user_id'],
      'forced-replication-method': 'FULL_TABLE',
    });
    expect(md(entry(run.streams, 'daily_consumption'), [])).toEqual({
      inclusion: 'available',
      'selected-by-default': true,
      'table-key-properties': ['user_id', 'date'],
      'valid-replication-keys': ['date'],
    });
  });

  it('field metadata: primary key and replication key are automatic, every other property is available; one breadcrumb per property', async () => {
    const run = await discoverWith({ api_key: 'cog_discover_only', scope: 'enterprise' });
    for (const stream of streamsOfScope('enterprise')) {
      const e = entry(run.streams, stream.name);
      const properties = Object.keys(stream.schema.properties as Json);
      const fieldCrumbs = e.metadata.filter((m) => m.breadcrumb.length > 0);
      expect(fieldCrumbs.map((m) => m.breadcrumb)).toEqual(properties.map((p) => ['properties', p]));
      const automatic = new Set([...(e.key_properties as string[]), ...(stream.cursor ? [stream.cursor.field] : [])]);
      for (const property of properties) {
        expect(md(e, ['properties', property]), `${stream.name}.${property}`).toEqual({
          inclusion: automatic.has(property) ? 'automatic' : 'available',
          'selected-by-default': true,
        });
      }
    }
    expect(md(entry(run.streams, 'daily_consumption'), ['properties', 'email'])?.inclusion).toBe('available');
    expect(md(entry(run.streams, 'pr_metrics'), ['properties', 'user_id'])?.inclusion).toBe('available');
  });

  it('pr_metrics_by_member is keyed by date and user_id (both automatic) and not selected by default', async () => {
    const run = await discoverWith({ api_key: 'cog_discover_only', scope: 'enterprise', pr_metrics_granularity: 'user_day' });
    const pr = entry(run.streams, 'pr_metrics_by_member');
    expect(pr.key_properties).toEqual(['date', 'user_id']);
    expect(md(pr, [])?.['table-key-properties']).toEqual(['date', 'user_id']);
    expect(md(pr, [])?.['selected-by-default']).toBe(false);
    expect(md(pr, ['properties', 'user_id'])?.inclusion).toBe('automatic');
    expect(entry(run.streams, 'pr_metrics').key_properties).toEqual(['date']);
  });

  it('works without any config, and with an incomplete one (a WARNING, as the Meltano SDK does)', async () => {
    const bare = await discoverWith(undefined);
    expect(bare.code).toBe(0);
    expect(bare.streams).toHaveLength(STREAMS.length);
    expect(bare.stderr).toBe('');

    const incomplete = await discoverWith({ start_date: '2026-01-01' });
    expect(incomplete.code).toBe(0);
    expect(incomplete.streams).toHaveLength(STREAMS.length);
    const warnings = linesAt(incomplete.stderr, 'WARNING');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('api_key is required');
  });

  it('an invalid scope stops discovery (it decides the streams): a CRITICAL line naming the file and key, exit 1', async () => {
    const dir = scratchDir();
    const config = dir.json('config.json', { api_key: 'cog_discover_only', scope: 'everything' });
    const run = await tap(['--config', config, '--discover']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(linesAt(run.stderr, 'CRITICAL')).toEqual([
      `CRITICAL config file ${config}: scope must be one of "auto", "enterprise", "organization" (got "everything")`,
    ]);
  });
});
