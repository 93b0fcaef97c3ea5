/**
 * tap-devin's command line: --about in three formats, --version, --help, usage errors (one stderr
 * line, exit 2, nothing on stdout), and the compiled executable run as a real process.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { defaultStreams } from '../../src/streams/index.js';
import { runTapDevin } from '../../src/cli/singer-main.js';
import { REPO_ROOT, runInProcess, spawnCli } from '../helpers/cli.js';

/** The streams read when nothing is selected (the default streams, the same in both scopes). */
const DEFAULT_NAMES = defaultStreams(undefined).map((stream) => stream.name);
import { assertSingerMessage, recordsOf, STDERR_STAMP, withoutStamps, type Json } from '../helpers/singer.js';
import { SIM_OPTIONS, configFile, tap } from './support.js';

const VERSION = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('--about', () => {
  it('--format json: name, description, version, capabilities, and settings = the config JSON Schema (secret marked)', async () => {
    const run = await tap(['--about', '--format', 'json']);
    expect(run.code).toBe(0);
    const about = JSON.parse(run.stdout) as Json;
    expect(about.name).toBe('tap-devin');
    expect(about.version).toBe(VERSION);
    expect(typeof about.description).toBe('string');
    // exactly what the tap does: no stream-maps, batch, activate-version or schema-flattening
    expect(about.capabilities).toEqual(['about', 'catalog', 'discover', 'properties', 'state', 'test']);
    const settings = about.settings as Json;
    const expected = configJsonSchema();
    expect(settings.required).toEqual(expected.required);
    expect(Object.keys(settings.properties as Json)).toEqual(Object.keys(expected.properties as Json));
    const apiKey = (settings.properties as Json).api_key as Json;
    expect(apiKey).toMatchObject({ type: 'string', secret: true, writeOnly: true });
    expect((settings.properties as Json).lookback_days).toEqual((expected.properties as Json).lookback_days);
    expect((settings.properties as Json).max_concurrency).toMatchObject({ type: 'integer', default: 8, minimum: 1, maximum: 64 });
  });

  it('--format=json works too (the form Meltano uses)', async () => {
    const run = await tap(['--about', '--format=json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Json).name).toBe('tap-devin');
  });

  it('--format markdown: capabilities and a settings table with every key', async () => {
    const run = await tap(['--about', '--format', 'markdown']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# `tap-devin`/);
    expect(run.stdout).toContain('## Capabilities');
    expect(run.stdout).toContain('* `state`');
    expect(run.stdout).toContain('| Setting | Required | Default | Description |');
    for (const key of Object.keys(configJsonSchema().properties as Json)) expect(run.stdout).toContain(`| ${key} |`);
    expect(run.stdout).toMatch(/\| api_key \| True \|/);
    expect(run.stdout).toMatch(/\| lookback_days \| False \| 7 \|/);
    // the real defaults, from the zod schema (max_concurrency used to say None)
    expect(run.stdout).toMatch(/\| max_concurrency \| False \| 8 \|/);
    expect(run.stdout).not.toMatch(/\| max_concurrency \| False \| None \|/);
  });

  it('without --format: plain text with each setting and its environment variable', async () => {
    const run = await tap(['--about']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Name: tap-devin');
    expect(run.stdout).toContain(`Version: ${VERSION}`);
    expect(run.stdout).toContain('Environment Variable: TAP_DEVIN_API_KEY');
    expect(run.stdout).toContain('Environment Variable: TAP_DEVIN_WINDOW_DAYS');
  });
});

describe('--version and --help', () => {
  it('--version prints the bare package version', async () => {
    const run = await tap(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  });

  it('-h is --help', async () => {
    const [short, long] = await Promise.all([runInProcess(runTapDevin, ['-h']), tap(['--help'])]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
    expect(short.stdout).toContain('-h, --help');
    expect(short.stdout).toContain('--test');
  });

  it('--help lists every option', async () => {
    const run = await tap(['--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--config', '--discover', '--catalog', '--properties', '--state', '--about', '--format', '--version']) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toContain('ENV');
  });
});

describe('usage errors: one line on stderr, exit 2, nothing on stdout', () => {
  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['sync'], 'unexpected argument: sync'],
    [['--config'], '--config needs a value'],
    [['--state', 's.json', '--state', 't.json', '--config', 'c.json'], '--state was given more than once'],
    [['--catalog', 'a.json', '--properties', 'b.json', '--config', 'c.json'], '--catalog and --properties'],
    [['--format', 'json'], '--format applies only to --about'],
    [['--about', '--format', 'yaml'], '--format must be json or markdown'],
  ])('%j', async (argv, message) => {
    const run = await tap(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toMatch(/^tap-devin: /);
  });
});

describe('the compiled executable', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // A real process uses the real clock, so this simulator does too.
    sim = await startSimulator({ ...SIM_OPTIONS, now: Date.now });
  });
  afterAll(() => sim.close());

  it('runs as a real process: --version, --about --format json', async () => {
    const version = await spawnCli('tap-devin', ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${VERSION}\n`);
    const about = await spawnCli('tap-devin', ['--about', '--format', 'json']);
    expect(about.code).toBe(0);
    expect((JSON.parse(about.stdout) as Json).name).toBe('tap-devin');
  });

  it('a sync as a real process: every stdout line is a Singer message, logs go to stderr, exit 0', async () => {
    const { config } = configFile(sim, { start_date: undefined });
    const run = await spawnCli('tap-devin', ['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    for (const message of run.messages) assertSingerMessage(message);
    for (const stream of DEFAULT_NAMES) expect(recordsOf(run, stream).length).toBeGreaterThan(0);
    expect(withoutStamps(run.stderr)).toMatch(/^INFO METRIC: /m);
    // Every log line says when (RFC 3339, UTC, milliseconds).
    for (const line of run.stderr.split('\n').filter(Boolean)) expect(line).toMatch(STDERR_STAMP);
  });

  it('usage errors are in English whatever LANG and LC_ALL say', async () => {
    const german = { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de' };
    const unknown = await spawnCli('tap-devin', ['--nope'], { env: german });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('tap-devin: unknown option --nope (see tap-devin --help)\n');
    const help = await spawnCli('tap-devin', ['-h'], { env: german });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Show help');
    expect(help.stdout).not.toMatch(/Hilfe|Optionen/);
  });

  it('a bad config file as a real process: one CRITICAL line, exit 1, no stack trace', async () => {
    const run = await spawnCli('tap-devin', ['--config', '/nonexistent/config.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(STDERR_STAMP);
    expect(withoutStamps(run.stderr).trim()).toBe('CRITICAL config file /nonexistent/config.json does not exist');
  });
});
