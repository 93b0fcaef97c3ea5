/**
 * acceptance-test-config.yml and integration_tests/: the CAT configuration is well-formed for high
 * strictness, names only files that exist, its configs are valid for our SPEC, its future state is valid
 * for our state parser, and the generated fixtures equal what scripts/gen-expected-records.mjs produces
 * now (so they cannot go stale).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { resolveConfig } from '../../src/config/resolve.js';
import { connectorSpecification } from '../../src/config/spec.js';
import { dayOfMillis, parseDay } from '../../src/devin/billing-day.js';
import { parseConfiguredCatalog } from '../../src/protocol/airbyte-catalog.js';
import { parseAirbyteState } from '../../src/protocol/airbyte-state.js';
import { DEFAULT_KEYS } from '../../src/simulator/index.js';
import { findStream, streamsOfScope } from '../../src/streams/index.js';
import { newAjv } from '../helpers/ajv.js';
import { assertAirbyteMessage, assertRecordMatchesSchema } from '../helpers/protocol.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const readJson = <T = Record<string, unknown>>(path: string): T => JSON.parse(read(path)) as T;

interface TestEntry {
  config_path?: string;
  configured_catalog_path?: string;
  status?: string;
  expect_records?: { path?: string; exact_order?: boolean; bypass_reason?: string };
  future_state?: { future_state_path?: string };
  [key: string]: unknown;
}
interface Suite {
  tests?: TestEntry[];
  bypass_reason?: string;
}
interface CatConfig {
  connector_image: string;
  test_strictness_level?: string;
  acceptance_tests: Record<string, Suite>;
  [key: string]: unknown;
}

const cat = parseYaml(read('acceptance-test-config.yml')) as CatConfig;
const metadata = parseYaml(read('metadata.yaml')) as { data: { dockerRepository: string } };
const CORE_SUITES = ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental'];
const ALL_SUITES = [...CORE_SUITES, 'connector_attributes', 'connector_documentation'];
const INCREMENTAL_STREAMS = streamsOfScope('enterprise').filter((stream) => stream.cursor).map((stream) => stream.name);

function entries(suite: string): TestEntry[] {
  return cat.acceptance_tests[suite]?.tests ?? [];
}

/** Every file path the CAT config names, with where it is named. */
function referencedPaths(): Array<{ where: string; path: string }> {
  const found: Array<{ where: string; path: string }> = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${where}[${index}]`));
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (typeof child === 'string' && /(^|_)path$/.test(key)) found.push({ where: `${where}.${key}`, path: child });
        else walk(child, `${where}.${key}`);
      }
    }
  };
  walk(cat.acceptance_tests, 'acceptance_tests');
  return found;
}

describe('acceptance-test-config.yml', () => {
  it('has only the keys CAT knows and tests the image named in metadata.yaml', () => {
    const known = ['connector_image', 'base_path', 'test_strictness_level', 'custom_environment_variables', 'acceptance_tests', 'cached_discovered_catalog'];
    expect(Object.keys(cat).filter((key) => !known.includes(key))).toEqual([]);
    expect(Object.keys(cat.acceptance_tests).filter((key) => !ALL_SUITES.includes(key))).toEqual([]);
    expect(cat.connector_image).toBe(`${metadata.data.dockerRepository}:dev`);
  });

  it('meets high strictness: every core suite runs, basic_read uses discover and expected records, incremental a future state', () => {
    expect(cat.test_strictness_level).toBe('high');
    for (const suite of CORE_SUITES) expect(entries(suite).length, suite).toBeGreaterThan(0);
    for (const entry of entries('basic_read')) {
      expect(entry.configured_catalog_path).toBeUndefined();
      expect(entry.expect_records?.path).toBeDefined();
    }
    for (const entry of entries('incremental')) expect(entry.future_state?.future_state_path).toBeDefined();
    expect(entries('connection').map((entry) => entry.status).sort()).toEqual(['failed', 'succeed']);
  });

  it('names only files that exist', () => {
    const paths = referencedPaths();
    expect(paths.length).toBeGreaterThanOrEqual(8);
    for (const { where, path } of paths) expect(existsSync(join(ROOT, path)), `${where}: ${path}`).toBe(true);
  });

  it('gives configs that validate against the SPEC and that the connector resolves', () => {
    const validate = newAjv().compile(connectorSpecification().connectionSpecification as object);
    const configPaths = [...new Set(referencedPaths().filter(({ where }) => where.endsWith('.config_path')).map(({ path }) => path))];
    expect(configPaths.sort()).toEqual(['integration_tests/config.json', 'integration_tests/invalid_config.json']);
    for (const path of configPaths) {
      const config = readJson(path);
      expect(validate(config), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // the invalid config fails on the credential, not on its shape
      expect(() => resolveConfig(config, dayOfMillis(Date.now()))).not.toThrow();
    }
    expect(Object.keys(DEFAULT_KEYS)).toContain(readJson('integration_tests/config.json').api_key);
    expect(Object.keys(DEFAULT_KEYS)).not.toContain(readJson('integration_tests/invalid_config.json').api_key);
  });

  it('points the config at a fixed, past date range on the loopback simulator, with lookback 0', () => {
    const config = readJson<{ api_url: string; start_date: string; end_date: string; lookback_days: number }>('integration_tests/config.json');
    const url = new URL(config.api_url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(config.lookback_days).toBe(0);
    const start = parseDay(config.start_date)!;
    const end = parseDay(config.end_date)!;
    expect(start).toBeLessThanOrEqual(end);
    expect(end).toBeLessThan(dayOfMillis(Date.now()));
  });

  it('has a future state in the Airbyte array format, valid for our state parser, for every incremental stream', () => {
    const path = entries('incremental')[0]!.future_state!.future_state_path!;
    const raw = readJson<Array<{ type: string; stream: { stream_descriptor: { name: string }; stream_state: Record<string, string> } }>>(path);
    expect(Array.isArray(raw)).toBe(true);
    for (const entry of raw) expect(entry.type).toBe('STREAM');
    const { streams: states, warnings } = parseAirbyteState(raw);
    expect(warnings).toEqual([]);
    expect([...states.keys()].sort()).toEqual([...INCREMENTAL_STREAMS].sort());
    const end = parseDay(readJson<{ end_date: string }>('integration_tests/config.json').end_date)!;
    for (const [stream, state] of states) {
      // Under the stream's cursor field: a billing day, or a timestamp (SPEC §6).
      const value = state[findStream(stream)!.cursor!.field] as string;
      const day = parseDay(value) ?? dayOfMillis(Date.parse(value));
      expect(day, stream).toBeGreaterThan(Math.max(end, dayOfMillis(Date.now())));
    }
  });

  it('has a configured catalog the connector accepts, incremental wherever a stream supports it', () => {
    const paths = [...new Set([...entries('full_refresh'), ...entries('incremental')].map((entry) => entry.configured_catalog_path))];
    expect(paths).toEqual(['integration_tests/configured_catalog.json']);
    const raw = readJson<{ streams: Array<{ stream: { name: string; json_schema: unknown } }> }>(paths[0]!);
    const configured = parseConfiguredCatalog(raw);
    expect(configured.map((entry) => [entry.stream.name, entry.syncMode])).toEqual(
      streamsOfScope('enterprise').map((stream) => [stream.name, stream.cursor ? 'incremental' : 'full_refresh']),
    );
    for (const entry of raw.streams) expect(entry.stream.json_schema).toEqual(readJson(`schemas/${entry.stream.name}.json`));
  });
});

describe('integration_tests fixtures', () => {
  let generated: { files: Record<string, string>; simulator: { command: string; port: number } };
  beforeAll(async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'scripts/gen-expected-records.mjs'), '--print'], {
      cwd: ROOT,
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    generated = JSON.parse(stdout) as typeof generated;
  });

  it('are exactly what scripts/gen-expected-records.mjs generates (run it after changing a schema or the config)', () => {
    expect(Object.keys(generated.files).sort()).toEqual(['integration_tests/configured_catalog.json', 'integration_tests/expected_records.jsonl']);
    for (const [path, content] of Object.entries(generated.files)) {
      expect(read(path), `${path} is stale: npm run build && node scripts/gen-expected-records.mjs`).toBe(content);
    }
  });

  it('are documented with the simulator command that serves them, on the port the config uses', () => {
    expect(read('integration_tests/README.md')).toContain(generated.simulator.command);
    expect(new URL(readJson<{ api_url: string }>('integration_tests/config.json').api_url).port).toBe(String(generated.simulator.port));
  });

  it('expected records are Airbyte record messages of every stream, valid for its schema, inside the date range', () => {
    const config = readJson<{ start_date: string; end_date: string }>('integration_tests/config.json');
    const lines = read('integration_tests/expected_records.jsonl').trimEnd().split('\n');
    const perStream = new Map<string, number>();
    for (const line of lines) {
      const record = JSON.parse(line) as { stream: string; data: Record<string, unknown>; emitted_at: number };
      assertAirbyteMessage({ type: 'RECORD', record });
      assertRecordMatchesSchema(record.stream, record.data);
      if (typeof record.data.date === 'string') {
        expect(record.data.date >= config.start_date && record.data.date <= config.end_date).toBe(true);
      }
      perStream.set(record.stream, (perStream.get(record.stream) ?? 0) + 1);
    }
    for (const stream of streamsOfScope('enterprise')) expect(perStream.get(stream.name) ?? 0, stream.name).toBeGreaterThan(0);
  });
});
