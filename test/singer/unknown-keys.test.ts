/**
 * tap-devin names config typos (SPEC §3) the way source-devin does, as WARNING lines on stderr: the
 * unknown keys of every config file (naming the file), and with `--config ENV` every TAP_DEVIN_*
 * variable that sets no key, with the nearest variable. Values are never printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CONFIG_TYPOS, RETIRED_ADVICE, RETIRED_TYPO, TYPO_VALUE } from '../helpers/config-typos.js';
import { scratchDir } from '../helpers/files.js';
import type { CliRun } from '../helpers/cli.js';
import { SIM_OPTIONS, configFile, linesAt, tap } from './support.js';

const warnings = (run: CliRun): string[] => linesAt(run.stderr, 'WARNING').map((line) => line.slice('WARNING '.length));
const expectNoValue = (run: CliRun, value: string = TYPO_VALUE): void => {
  expect(run.stdout).not.toContain(value);
  expect(run.stderr).not.toContain(value);
};

describe('tap-devin names unknown config keys', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator(SIM_OPTIONS);
  });
  afterAll(() => sim.close());

  it.each([...CONFIG_TYPOS, RETIRED_TYPO].map((t) => [t.key, t] as const))(
    '%s in a config file: one WARNING in --discover and in a sync, value never shown',
    async (key, { value, warning }) => {
      const { config } = configFile(sim, { [key]: value });
      const expected = `config file ${config}: ${warning}`;
      const discover = await tap(['--config', config, '--discover']);
      expect(discover.code, discover.stderr).toBe(0);
      expect(warnings(discover)).toEqual([expected]);
      const sync = await tap(['--config', config]);
      expect(sync.code, sync.stderr).toBe(0);
      expect(warnings(sync)).toEqual([expected]);
      if (value === TYPO_VALUE) for (const run of [discover, sync]) expectNoValue(run);
    },
  );

  it('keys starting with _ are not named; of two files, each typo names the file it is in', async () => {
    const dir = scratchDir();
    const { config } = configFile(sim, { _meltano_state_id: TYPO_VALUE }, dir);
    const second = dir.json('second.json', { startDate: TYPO_VALUE });
    const run = await tap(['--config', config, '--config', second, '--discover']);
    expect(run.code).toBe(0);
    expect(warnings(run)).toEqual([`config file ${second}: unknown key "startDate" (ignored): did you mean start_date?`]);
    expectNoValue(run);
  });

  it('{"apikey": …} without api_key: the CRITICAL line says which key was meant, and never shows it', async () => {
    const dir = scratchDir();
    const secret = 'cog_singer_typo_secret_4242';
    const config = dir.json('config.json', { apikey: secret, api_url: sim.url });
    const run = await tap(['--config', config]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'CRITICAL')).toEqual([
      `CRITICAL config (config file ${config}): api_key is required (the config has "apikey": did you mean api_key?)`,
    ]);
    expect(warnings(run)).toEqual([`config file ${config}: unknown key "apikey" (ignored): did you mean api_key?`]);
    expectNoValue(run, secret);
  });
});

describe('tap-devin names unknown TAP_DEVIN_* variables (--config ENV)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator(SIM_OPTIONS);
  });
  afterAll(() => sim.close());

  const baseEnv = (): Record<string, string> => ({
    TAP_DEVIN_API_KEY: KEY_ENTERPRISE,
    TAP_DEVIN_API_URL: sim.url,
    TAP_DEVIN_START_DATE: '2026-03-05',
    TAP_DEVIN_LOGLEVEL: 'info',
    TAP_DEVIN__SELECT: '["members.*"]',
    TAP_DEVIN_EMPTY_ONE: '',
    OTHER_TOOL_APIKEY: TYPO_VALUE,
  });

  it.each([
    ['TAP_DEVIN_APIKEY', 'unknown environment variable TAP_DEVIN_APIKEY (ignored): did you mean TAP_DEVIN_API_KEY?'],
    ['TAP_DEVIN_START_DAT', 'unknown environment variable TAP_DEVIN_START_DAT (ignored): did you mean TAP_DEVIN_START_DATE?'],
    ['TAP_DEVIN_STARTDATE', 'unknown environment variable TAP_DEVIN_STARTDATE (ignored): did you mean TAP_DEVIN_START_DATE?'],
    ['TAP_DEVIN_LOOKBACKDAYS', 'unknown environment variable TAP_DEVIN_LOOKBACKDAYS (ignored): did you mean TAP_DEVIN_LOOKBACK_DAYS?'],
    ['TAP_DEVIN_api_key', 'unknown environment variable TAP_DEVIN_api_key (ignored): did you mean TAP_DEVIN_API_KEY?'],
    ['TAP_DEVIN_COLOUR_SCHEME', 'unknown environment variable TAP_DEVIN_COLOUR_SCHEME (ignored)'],
    ['TAP_DEVIN_PR_METRICS_GRANULARITY', `environment variable TAP_DEVIN_PR_METRICS_GRANULARITY is retired: ${RETIRED_ADVICE}`],
  ])('%s: one WARNING naming the variable and the nearest one, value never shown', async (name, warning) => {
    const value = name === 'TAP_DEVIN_PR_METRICS_GRANULARITY' ? 'user_day' : TYPO_VALUE;
    const env = { ...baseEnv(), [name]: value };
    const discover = await tap(['--config', 'ENV', '--discover'], { env });
    expect(discover.code, discover.stderr).toBe(0);
    expect(warnings(discover)).toEqual([warning]);
    const sync = await tap(['--config', 'ENV'], { env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(warnings(sync)).toEqual([warning]);
    if (value === TYPO_VALUE) for (const run of [discover, sync]) expectNoValue(run);
  });

  it('the variables are not looked at without --config ENV', async () => {
    const { config } = configFile(sim);
    const run = await tap(['--config', config, '--discover'], { env: { ...baseEnv(), TAP_DEVIN_APIKEY: TYPO_VALUE } });
    expect(run.code).toBe(0);
    expect(warnings(run)).toEqual([]);
  });

  it('TAP_DEVIN_APIKEY without TAP_DEVIN_API_KEY: the CRITICAL line names the variable meant, never the value', async () => {
    const secret = 'cog_env_typo_secret_31337';
    const env: Record<string, string> = { ...baseEnv(), TAP_DEVIN_APIKEY: secret };
    delete env.TAP_DEVIN_API_KEY;
    const run = await tap(['--config', 'ENV'], { env });
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'CRITICAL')).toEqual([
      'CRITICAL config (environment (TAP_DEVIN_*)): api_key is required (the environment has TAP_DEVIN_APIKEY: did you mean TAP_DEVIN_API_KEY?)',
    ]);
    expectNoValue(run, secret);
  });
});
