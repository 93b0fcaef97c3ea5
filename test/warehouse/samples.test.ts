/**
 * Issue 14 point 7: the README's sample config, sample catalogs and SQL are generated
 * (scripts/gen-samples.mjs, in `npm run gen`) and fail here while stale; the sample config holds every
 * key with its real default; each sample catalog is valid per stream and reads with a key of its scope.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/spec.js';
import { findStream, streamsOfScope } from '../../src/streams/index.js';
import { syncModesOf } from '../../src/streams/types.js';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { REPO_ROOT, runAirbyte } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { FIXED_NOW, recordsOf, statusesOf, type Record_ } from '../helpers/read.js';

interface Gen {
  expectedFiles(dist: unknown, readme: string): Record<string, string>;
  loadDist(): Promise<unknown>;
  DX_STREAMS: string[];
}
const gen = async (): Promise<Gen> => (await import(new URL('scripts/gen-samples.mjs', `file://${REPO_ROOT}`).href)) as Gen;
const stale = 'stale: run `npm run build && node scripts/gen-samples.mjs`';
const sample = (file: string): Record_ => JSON.parse(readFileSync(`${REPO_ROOT}samples/${file}`, 'utf8')) as Record_;
type Entry = { stream: { name: string; supported_sync_modes: string[] }; sync_mode: string; destination_sync_mode: string; primary_key: string[][] };

describe('generated, never stale', () => {
  it('samples/ and the README samples and sql sections are what scripts/gen-samples.mjs writes', async () => {
    const { expectedFiles, loadDist } = await gen();
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const expected = expectedFiles(await loadDist(), readme);
    expect(readdirSync(`${REPO_ROOT}samples`).map((f) => `samples/${f}`).sort()).toEqual(Object.keys(expected).filter((p) => p.startsWith('samples/')).sort());
    for (const [path, text] of Object.entries(expected)) expect(readFileSync(`${REPO_ROOT}${path}`, 'utf8') === text, `${path} ${stale}`).toBe(true);
  });

  it('the README shows every sql/*.sql file verbatim', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const files = readdirSync(`${REPO_ROOT}sql`).filter((f) => f.endsWith('.sql'));
    expect(files).toHaveLength(4);
    for (const file of files) expect(readme, file).toContain(`\`\`\`sql\n${readFileSync(`${REPO_ROOT}sql/${file}`, 'utf8').trimEnd()}\n\`\`\``);
  });
});

describe('samples/config.json', () => {
  it('has every key, with the real default where there is one', () => {
    const config = sample('config.json');
    const properties = configJsonSchema().properties as Record<string, Record_>;
    // end_date's default is today: a file cannot hold it, and the README says so.
    expect(Object.keys(config)).toEqual(Object.keys(properties).filter((key) => key !== 'end_date'));
    for (const [key, property] of Object.entries(properties)) {
      if ('default' in property) expect(config[key], key).toEqual(property.default);
    }
  });
});

describe('the sample catalogs', () => {
  let sim: Simulator;
  const dir = tempDir();
  beforeAll(async () => {
    sim = await startSimulator({ members: 4, days: 8, sessions: 20, now: () => FIXED_NOW });
  });
  afterAll(() => sim?.close());

  it('DX-style usage is members (full refresh), daily_consumption and pr_metrics (incremental)', async () => {
    const { DX_STREAMS } = await gen();
    const entries = (sample('catalog-dx-usage.json').streams as Entry[]).map((e) => [e.stream.name, e.sync_mode]);
    expect(DX_STREAMS).toEqual(['members', 'daily_consumption', 'pr_metrics']);
    expect(entries).toEqual([['members', 'full_refresh'], ['daily_consumption', 'incremental'], ['pr_metrics', 'incremental']]);
  });

  const cases = [
    ['catalog-dx-usage.json', KEY_ENTERPRISE],
    ['catalog-dx-usage.json', KEY_ORG],
    ['catalog-default.enterprise.json', KEY_ENTERPRISE],
    ['catalog-default.organization.json', KEY_ORG],
    ['catalog-everything.enterprise.json', KEY_ENTERPRISE],
    ['catalog-everything.organization.json', KEY_ORG],
  ] as const;
  it.each(cases)('%s reads every stream it lists with %s, in sync modes the streams support', async (file, key) => {
    const entries = sample(file).streams as Entry[];
    for (const entry of entries) {
      const stream = findStream(entry.stream.name)!;
      expect(syncModesOf(stream), entry.stream.name).toContain(entry.sync_mode);
      expect(entry.sync_mode === 'incremental', entry.stream.name).toBe(syncModesOf(stream).includes('incremental'));
      expect(entry.primary_key).toEqual(stream.primaryKey);
    }
    const names = entries.map((e) => e.stream.name);
    if (file.includes('everything')) expect(names).toEqual(streamsOfScope(key === KEY_ORG ? 'organization' : 'enterprise').map((s) => s.name));
    if (file.includes('default')) expect(names.every((name) => findStream(name)!.default)).toBe(true);
    const config = dir.json(`${file}-${key}.json`, { ...sample('config.json'), api_key: key, api_url: sim.url, start_date: '2026-03-05' });
    const run = await runAirbyte(['read', '--config', config, '--catalog', `${REPO_ROOT}samples/${file}`], { now: () => FIXED_NOW });
    expect(run.code, run.stderr).toBe(0);
    for (const name of names) expect(statusesOf(run, name).at(-1), name).toBe('COMPLETE');
    expect(recordsOf(run, 'members').length).toBeGreaterThan(0);
  });
});
