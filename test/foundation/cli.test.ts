/**
 * The `source-devin` command line (SPEC §2): spec | check --config F | discover --config F |
 * read --config F --catalog F [--state F]; --help on the executable and every subcommand; --version;
 * usage errors are one stderr line and exit 2. A few runs spawn the real executable; the rest run
 * in-process through the same code.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { REPO_ROOT, runAirbyte, spawnCli } from '../helpers/cli.js';
import { ALL_INCREMENTAL, configuredCatalog, tempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { messagesOf, onlyMessage, type Json } from './support.js';

const VERSION = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string }).version;
const dir = tempDir();

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 5 });
});
afterAll(() => sim.close());

/** What each help page must mention (and what it must not). */
const HELP: Array<{ argv: string[]; mentions: RegExp[]; omits: RegExp[] }> = [
  {
    argv: ['--help'],
    mentions: [/source-devin spec/, /source-devin check/, /source-devin discover/, /source-devin read/, /--version/],
    omits: [/--catalog/],
  },
  { argv: ['spec', '--help'], mentions: [/source-devin spec/, /SPEC/], omits: [/--config/] },
  { argv: ['check', '--help'], mentions: [/source-devin check/, /--config/, /CONNECTION_STATUS/], omits: [/--catalog/] },
  { argv: ['discover', '--help'], mentions: [/source-devin discover/, /--config/, /CATALOG/], omits: [/--catalog/] },
  { argv: ['read', '--help'], mentions: [/source-devin read/, /--config/, /--catalog/, /--state/], omits: [] },
];

function expectHelp(run: { code: number; stdout: string; stderr: string }, page: (typeof HELP)[number]): void {
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  for (const pattern of page.mentions) expect(run.stdout, page.argv.join(' ')).toMatch(pattern);
  for (const pattern of page.omits) expect(run.stdout, page.argv.join(' ')).not.toMatch(pattern);
  // a help page is a document, not a protocol message
  expect(run.stdout.trimStart().startsWith('{')).toBe(false);
}

describe('the spawned executable', () => {
  it('prints help for itself and every subcommand, and its package.json version', async () => {
    const runs = await Promise.all([...HELP.map((page) => spawnCli('source-devin', page.argv)), spawnCli('source-devin', ['--version'])]);
    HELP.forEach((page, index) => expectHelp(runs[index]!, page));
    const version = runs.at(-1)!;
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${VERSION}\n`);
    expect(version.stderr).toBe('');
  });

  it('-h is --help, on the executable and on every subcommand', async () => {
    const pairs = await Promise.all(
      HELP.map((page) => Promise.all([spawnCli('source-devin', [...page.argv.slice(0, -1), '-h']), spawnCli('source-devin', page.argv)])),
    );
    HELP.forEach((page, index) => {
      const [short, long] = pairs[index]!;
      expectHelp(short, page);
      expect(short.stdout, page.argv.join(' ')).toBe(long.stdout);
      expect(short.stdout).toContain('-h, --help');
    });
  });

  it('speaks English whatever LANG and LC_ALL say', async () => {
    const german = { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de' };
    const [unknown, missing, help] = await Promise.all([
      spawnCli('source-devin', ['check', '--config', 'c.json', '--nope'], { env: german }),
      spawnCli('source-devin', ['read', '--config', 'c.json'], { env: german }),
      spawnCli('source-devin', ['read', '-h'], { env: german }),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'source-devin: unknown option --nope for check (see source-devin --help)\n' });
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'source-devin: Missing required argument: catalog (see source-devin --help)\n' });
    expect(help.stdout).toContain('Show help');
    expect(help.stdout).not.toMatch(/Hilfe|Optionen|erforderlich/);
  });

  it('answers spec with exactly one SPEC line, exit 0', async () => {
    const run = await spawnCli('source-devin', ['spec']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(onlyMessage(run, 'SPEC')).toMatchObject({ spec: { connectionSpecification: { type: 'object' } } });
  });

  it.each([
    [['bogus'], 'source-devin: unknown command "bogus": use spec, check, discover or read (see source-devin --help)'],
    [['check', '--config', 'x.json', '--nope'], 'source-devin: unknown option --nope for check (see source-devin --help)'],
    [['read', '--config', 'x.json'], 'source-devin: Missing required argument: catalog (see source-devin --help)'],
    [[], 'source-devin: a command is required: spec, check, discover or read (see source-devin --help)'],
  ])('%j: one line on stderr, nothing on stdout, exit 2', async (argv, line) => {
    const run = await spawnCli('source-devin', argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${line}\n`);
  });

  it('runs check, discover and read against the simulator', async () => {
    const config = dir.json('spawn-config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url });
    const catalog = dir.json('spawn-catalog.json', configuredCatalog(ALL_INCREMENTAL));
    const [check, discover, read] = await Promise.all([
      spawnCli('source-devin', ['check', '--config', config]),
      spawnCli('source-devin', ['discover', '--config', config]),
      spawnCli('source-devin', ['read', '--config', config, '--catalog', catalog, '--state', dir.text('empty-state.json', '')]),
    ]);
    expect(check.code).toBe(0);
    expect(onlyMessage(check, 'CONNECTION_STATUS').connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
    expect(discover.code).toBe(0);
    expect(onlyMessage(discover, 'CATALOG')).toBeDefined();
    expect(read.code, read.stderr).toBe(0);
    expect(read.stderr).toBe('');
    const streams = new Set(messagesOf(read, 'RECORD').map((m) => (m.record as Json).stream));
    expect([...streams].sort()).toEqual(['daily_consumption', 'members', 'pr_metrics']);
  });
});

describe('in-process', () => {
  it.each(HELP.map((page) => [page.argv.join(' '), page] as const))('%s prints its help page', async (_name, page) => {
    expectHelp(await runAirbyte(page.argv), page);
  });

  it('--help after the options of a subcommand still prints help and runs nothing', async () => {
    const run = await runAirbyte(['check', '--config', dir.path('does-not-exist.json'), '--help']);
    expectHelp(run, HELP[2]!);
  });

  it('--version prints the package.json version', async () => {
    const run = await runAirbyte(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('spec, check, discover and read each do their job', async () => {
    const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url });
    const catalog = dir.json('catalog.json', configuredCatalog({ members: 'full_refresh' }));
    const state = dir.json('state.json', []);
    const spec = await runAirbyte(['spec']);
    expect(spec.code).toBe(0);
    expect(onlyMessage(spec, 'SPEC')).toBeDefined();
    const check = await runAirbyte(['check', '--config', config]);
    expect(check.code).toBe(0);
    expect(onlyMessage(check, 'CONNECTION_STATUS').connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
    const discover = await runAirbyte(['discover', '--config', config], { now: () => FIXED_NOW });
    expect(discover.code).toBe(0);
    expect(onlyMessage(discover, 'CATALOG')).toBeDefined();
    for (const argv of [
      ['read', '--config', config, '--catalog', catalog],
      ['read', '--config', config, '--catalog', catalog, '--state', state],
      ['read', '--state', state, '--catalog', catalog, '--config', config],
    ]) {
      const read = await runAirbyte(argv);
      expect(read.code, read.stdout).toBe(0);
      expect(messagesOf(read, 'RECORD').length).toBe(sim.data.members().length);
    }
  });

  it.each([
    [['spec', '--nope'], 'unknown option --nope for spec'],
    [['spec', 'extra'], 'unexpected argument "extra" for spec'],
    [['spec', '--config', 'c.json'], 'unknown option --config for spec'],
    [['--nope'], 'unknown option --nope'],
    [['-x'], 'unknown option -x'],
    [['check', '--foo-bar=2'], 'unknown option --foo-bar for check'],
    [['check'], 'Missing required argument: config'],
    [['check', '--config'], 'Not enough arguments following: config'],
    [['check', '--config='], '--config needs a file path'],
    [['check', '--config', 'a.json', '--config', 'b.json'], '--config was given more than once'],
    [['check', '--catalog', 'c.json', '--config', 'a.json'], 'unknown option --catalog for check'],
    [['discover', '--config', 'a.json', 'extra'], 'unexpected argument "extra" for discover'],
    [['read', '--catalog', 'c.json'], 'Missing required argument: config'],
    [['read', '--config', 'a.json', '--catalog', 'c.json', '--state'], 'Not enough arguments following: state'],
    [['read', '--config', 'a.json', '--catalog', 'c.json', '--state', 's1', '--state', 's2'], '--state was given more than once'],
    [['SPEC'], 'unknown command "SPEC": use spec, check, discover or read'],
  ])('%j → one stderr line, exit 2, empty stdout', async (argv, reason) => {
    const run = await runAirbyte(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`source-devin: ${reason} (see source-devin --help)\n`);
  });
});
