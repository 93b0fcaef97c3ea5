/**
 * Config typos are named (SPEC §3): each unknown key not starting with `_` is one WARN LOG (in check,
 * discover and read), with the nearest known key when it differs only in case, `_` and `-` or is
 * within two edits; the retired pr_metrics_granularity points to the pr_metrics_by_member stream; a
 * missing api_key says which key was probably meant. Values are never printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETIRED_KEYS, knownConfigKeys, suggestKey, unknownKeys } from '../../src/config/unknown-keys.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte, type CliRun } from '../helpers/cli.js';
import { ALL_FULL_REFRESH, configuredCatalog, tempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { CONFIG_TYPOS, RETIRED_ADVICE, RETIRED_TYPO, TYPO_VALUE } from '../helpers/config-typos.js';
import { connectionStatus, messagesOf, type Json } from './support.js';

const VALUE = TYPO_VALUE;

describe('the suggestion rule', () => {
  const known = knownConfigKeys();
  it.each([
    ['apikey', 'api_key'],
    ['ApiKey', 'api_key'],
    ['START_DATE', 'start_date'],
    ['end-date', 'end_date'],
    ['lookbackdays', 'lookback_days'],
    ['scop', 'scope'],
    ['max_concurency', 'max_concurrency'],
    ['api_ur', 'api_url'],
  ])('%s → %s', (typo, expected) => {
    expect(suggestKey(typo, known)).toBe(expected);
  });

  it.each(['url', 'colour_scheme', 'frobnicate', 'end', 'api'])('%s is 3+ edits from every key: no suggestion', (typo) => {
    expect(suggestKey(typo, known)).toBeUndefined();
  });

  it('skips _private keys and known keys, and flags a retired key even while the schema still has it', () => {
    const raw = { api_key: 'x', _meltano_extra: 1, start_date: '2026-01-01', pr_metrics_granularity: 'day', frob: 1 };
    expect(RETIRED_KEYS.pr_metrics_granularity).toBe(RETIRED_ADVICE);
    expect(unknownKeys(raw)).toEqual([{ key: 'pr_metrics_granularity', retired: RETIRED_ADVICE }, { key: 'frob' }]);
    expect(unknownKeys({ pr_metrics_granularity: 'day' }, ['api_key'])).toEqual([
      { key: 'pr_metrics_granularity', retired: expect.stringContaining('pr_metrics_by_member') },
    ]);
  });
});

describe('source-devin names unknown config keys', () => {
  const dir = tempDir();
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ members: 3, days: 10, now: () => FIXED_NOW });
  });
  afterAll(() => sim.close());

  const clock = { now: () => FIXED_NOW };
  const configWith = (name: string, extra: Json): string =>
    dir.json(`${name}.json`, { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: '2026-03-08', ...extra });
  const warnings = (run: CliRun): string[] =>
    messagesOf(run, 'LOG')
      .map((m) => m.log as Json)
      .filter((log) => log.level === 'WARN')
      .map((log) => String(log.message));
  const expectNoValue = (run: CliRun): void => {
    expect(run.stdout).not.toContain(VALUE);
    expect(run.stderr).not.toContain(VALUE);
  };

  it.each([...CONFIG_TYPOS, RETIRED_TYPO].map((t) => [t.key, t] as const))('%s: one WARN in check, discover and read, with the value never shown', async (typo, { value, warning }) => {
    const config = configWith(`typo-${typo}`, { [typo]: value });
    const expected = `config file ${config}: ${warning}`;
    const check = await runAirbyte(['check', '--config', config], clock);
    expect(connectionStatus(check).status).toBe('SUCCEEDED');
    expect(warnings(check)).toEqual([expected]);
    // the warnings come before the answer
    expect(check.messages.at(-1)?.type).toBe('CONNECTION_STATUS');

    const discover = await runAirbyte(['discover', '--config', config], clock);
    expect(discover.code).toBe(0);
    expect(warnings(discover)).toEqual([expected]);
    expect(messagesOf(discover, 'CATALOG')).toHaveLength(1);

    const catalog = dir.json(`catalog-${typo}.json`, configuredCatalog({ members: 'full_refresh' }));
    const read = await runAirbyte(['read', '--config', config, '--catalog', catalog], clock);
    expect(read.code, read.stdout).toBe(0);
    expect(warnings(read)).toEqual([expected]);
    expect(messagesOf(read, 'RECORD').length).toBeGreaterThan(0);
    for (const run of [check, discover, read]) expectNoValue(run);
  });

  it('a config with only known keys and _private keys has no WARN', async () => {
    const config = configWith('clean', { _meltano: VALUE, _comment: 'mine' });
    const check = await runAirbyte(['check', '--config', config], clock);
    expect(connectionStatus(check).status).toBe('SUCCEEDED');
    expect(warnings(check)).toEqual([]);
    const catalog = dir.json('catalog-clean.json', configuredCatalog(ALL_FULL_REFRESH));
    const read = await runAirbyte(['read', '--config', config, '--catalog', catalog], clock);
    expect(read.code).toBe(0);
    expect(warnings(read)).toEqual([]);
    expectNoValue(check);
  });

  it('several typos: one WARN each, in the order of the file', async () => {
    const config = configWith('several', { startDate: VALUE, lookbackdays: 3, frobnicate: true });
    const discover = await runAirbyte(['discover', '--config', config], clock);
    expect(warnings(discover)).toEqual([
      `config file ${config}: unknown key "startDate" (ignored): did you mean start_date?`,
      `config file ${config}: unknown key "lookbackdays" (ignored): did you mean lookback_days?`,
      `config file ${config}: unknown key "frobnicate" (ignored)`,
    ]);
    expectNoValue(discover);
  });

  it.each([
    ['apikey', 'invalid_credentials: api_key is required (the config has "apikey": did you mean api_key?)'],
    ['API_KEY', 'invalid_credentials: api_key is required (the config has "API_KEY": did you mean api_key?)'],
  ])('{"%s": …} without api_key: check FAILED names the typo, and the key is never printed', async (typo, message) => {
    const secret = 'cog_typo_secret_0123456789';
    const config = dir.json(`only-${typo}.json`, { [typo]: secret, api_url: sim.url });
    const check = await runAirbyte(['check', '--config', config], clock);
    const status = connectionStatus(check);
    expect(status).toEqual({ status: 'FAILED', message });
    expect(warnings(check)).toEqual([`config file ${config}: unknown key "${typo}" (ignored): did you mean api_key?`]);
    const discover = await runAirbyte(['discover', '--config', config], clock);
    expect(discover.code).toBe(1);
    const trace = messagesOf(discover, 'TRACE')[0]?.trace as Json;
    expect((trace.error as Json).message).toBe(`config file ${config}: ${message.replace('invalid_credentials: ', '')}`);
    for (const run of [check, discover]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
  });
});
