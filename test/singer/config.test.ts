/**
 * Config as Meltano passes it: repeated --config (later files win, key by key), `--config ENV` reading
 * TAP_DEVIN_* variables cast per the config schema (and beating every file), and config errors that
 * name the file or variable and the key, as one CRITICAL line with exit 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/spec.js';
import { EnvConfigError, readEnvConfig } from '../../src/cli/env-config.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { tempDir } from '../helpers/files.js';
import { FIXED_TODAY, expectRecordsToEqualTruth } from '../helpers/read.js';
import { recordsOf, type Json } from '../helpers/singer.js';
import { linesAt, SIM_OPTIONS, tap } from './support.js';

const files = tempDir();
let sim: Simulator;
let counter = 0;

beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
});
afterAll(() => sim.close());

function file(content: unknown): string {
  counter += 1;
  return files.json(`config-${counter}.json`, content);
}

function base(): Json {
  return { api_key: KEY_ENTERPRISE, api_url: sim.url, lookback_days: 0 };
}

function firstDate(records: Json[]): string {
  return records.map((r) => String(r.date)).sort()[0] as string;
}

describe('repeated --config', () => {
  it('later files override earlier ones, key by key', async () => {
    const a = file({ ...base(), start_date: '2026-02-27', end_date: '2026-03-09' });
    const b = file({ start_date: '2026-03-08' });
    const run = await tap(['--config', a, '--config', b]);
    expect(run.code, run.stderr).toBe(0);
    expect(firstDate(recordsOf(run, 'pr_metrics'))).toBe('2026-03-08');
    // end_date survived from the first file: nothing after 2026-03-09.
    expect(recordsOf(run, 'pr_metrics').map((r) => String(r.date)).sort().at(-1)).toBe('2026-03-09');

    const reversed = await tap(['--config', b, '--config', a]);
    expect(firstDate(recordsOf(reversed, 'pr_metrics'))).toBe('2026-02-27');
  });

  it('unknown keys and keys starting with _ are ignored (Meltano passes extras)', async () => {
    const run = await tap(['--config', file({ ...base(), start_date: '2026-03-09', _meltano_extra: 1, stream_maps: {}, flattening_enabled: false })]);
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('--config ENV', () => {
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    TAP_DEVIN_API_KEY: KEY_ENTERPRISE,
    TAP_DEVIN_API_URL: sim.url,
    TAP_DEVIN_START_DATE: '2026-03-01',
    TAP_DEVIN_LOOKBACK_DAYS: '0',
    TAP_DEVIN_INCLUDE_IDP_USERS: 'false',
    TAP_DEVIN_WINDOW_DAYS: '3',
    ...extra,
  });

  it('reads TAP_DEVIN_* variables, casting integers and booleans per the config schema', async () => {
    sim.clearRequests();
    const run = await tap(['--config', 'ENV'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    // include_idp_users=false: exactly the direct members.
    const truth = sim.groundTruth({ startDate: '2026-03-01', endDate: FIXED_TODAY, includeIdpUsers: false });
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), truth.members as unknown as Json[]);
    expect(sim.requests.some((r) => r.path.endsWith('/members/idp-users'))).toBe(false);
    // window_days=3: no consumption request spans more than 3 billing days.
    const spans = sim.requests
      .filter((r) => r.path.includes('/consumption/daily/users/'))
      .map((r) => (Number(r.query.time_before?.[0]) - Number(r.query.time_after?.[0])) / 86_400);
    expect(spans.length).toBeGreaterThan(0);
    expect(Math.max(...spans)).toBeLessThanOrEqual(3);
    expect(firstDate(recordsOf(run, 'pr_metrics'))).toBe('2026-03-01');
  });

  it('environment variables override every file, wherever ENV appears', async () => {
    const later = file({ start_date: '2026-02-27' });
    const run = await tap(['--config', 'ENV', '--config', later], { env: env({ TAP_DEVIN_START_DATE: '2026-03-08' }) });
    expect(run.code, run.stderr).toBe(0);
    expect(firstDate(recordsOf(run, 'pr_metrics'))).toBe('2026-03-08');
  });

  it('without --config ENV, the environment is not read', async () => {
    const run = await tap(['--config', file({ ...base(), start_date: '2026-03-07' })], { env: env({ TAP_DEVIN_START_DATE: '2026-03-01' }) });
    expect(run.code, run.stderr).toBe(0);
    expect(firstDate(recordsOf(run, 'pr_metrics'))).toBe('2026-03-07');
  });

  it.each([
    [{ TAP_DEVIN_LOOKBACK_DAYS: 'seven' }, 'CRITICAL environment variable TAP_DEVIN_LOOKBACK_DAYS must be a whole number (got "seven")'],
    [{ TAP_DEVIN_INCLUDE_IDP_USERS: 'maybe' }, 'CRITICAL environment variable TAP_DEVIN_INCLUDE_IDP_USERS must be true or false (got "maybe")'],
    [{ TAP_DEVIN_LOOKBACK_DAYS: '-1' }, 'CRITICAL environment variable TAP_DEVIN_LOOKBACK_DAYS: lookback_days must be at least 0 (got -1)'],
    [{ TAP_DEVIN_SCOPE: 'global' }, 'CRITICAL environment variable TAP_DEVIN_SCOPE: scope must be one of "auto", "enterprise", "organization" (got "global")'],
  ])('an invalid variable %j: one CRITICAL line naming it, exit 1', async (extra, line) => {
    const run = await tap(['--config', 'ENV'], { env: env(extra) });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(line);
  });

  it('casts arrays (JSON or comma-separated), objects and numbers for schemas that have them', () => {
    const schema = {
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        ids: { type: ['array', 'null'] },
        extra: { type: 'object' },
        ratio: { type: 'number' },
        name: { type: 'string' },
      },
    };
    expect(
      readEnvConfig(
        { TAP_DEVIN_TAGS: 'a, b,c', TAP_DEVIN_IDS: '[1,2]', TAP_DEVIN_EXTRA: '{"k":1}', TAP_DEVIN_RATIO: '0.5', TAP_DEVIN_NAME: ' x ' },
        schema,
      ),
    ).toEqual({ tags: ['a', 'b', 'c'], ids: [1, 2], extra: { k: 1 }, ratio: 0.5, name: ' x ' });
    expect(() => readEnvConfig({ TAP_DEVIN_EXTRA: '[1]' }, schema)).toThrow(EnvConfigError);
    expect(() => readEnvConfig({ TAP_DEVIN_EXTRA: '{' }, schema)).toThrow('TAP_DEVIN_EXTRA must be a JSON object');
    // Empty variables count as unset.
    expect(readEnvConfig({ TAP_DEVIN_NAME: '', TAP_DEVIN_RATIO: ' ' }, schema)).toEqual({});
  });

  it('every key of the real config schema has its variable', () => {
    const env = Object.fromEntries(
      Object.keys(configJsonSchema().properties as Json).map((key) => [`TAP_DEVIN_${key.toUpperCase()}`, key === 'include_idp_users' ? 'true' : '1']),
    );
    expect(Object.keys(readEnvConfig(env, configJsonSchema())).sort()).toEqual(Object.keys(configJsonSchema().properties as Json).sort());
  });
});

describe('config errors: one CRITICAL line naming the file or variable and the key, exit 1, no stack trace', () => {
  it('an invalid value names the file it came from', async () => {
    const a = file({ ...base(), window_days: 30 });
    const b = file({ window_days: 0 });
    const run = await tap(['--config', a, '--config', b]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(`CRITICAL config file ${b}: window_days must be at least 1 (got 0)`);
  });

  it('a missing api_key names every source', async () => {
    const a = file({ api_url: sim.url });
    const run = await tap(['--config', a, '--config', 'ENV'], { env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`CRITICAL config (config file ${a}, environment (TAP_DEVIN_*)): api_key is required`);
  });

  it.each([
    ['not JSON', '{"api_key": "cog_secret_in_bad_json",', 'is not valid JSON (line 1, column'],
    ['an array', '[1]', 'must contain a JSON object'],
    ['empty', '', 'is empty'],
  ])('a config file that is %s', async (_label, text, message) => {
    counter += 1;
    const path = files.text(`raw-${counter}.json`, text);
    const run = await tap(['--config', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^CRITICAL config file ${path} `));
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('cog_secret_in_bad_json');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('a sync without any --config', async () => {
    const run = await tap([]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('CRITICAL no config: pass --config FILE (repeatable) or --config ENV');
  });

  it('an api_url that is not https names the key', async () => {
    const run = await tap(['--config', file({ api_key: KEY_ENTERPRISE, api_url: 'http://example.com' })]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'CRITICAL')[0]).toMatch(/^CRITICAL config file \S+: api_url must use https:\/\//);
  });
});
