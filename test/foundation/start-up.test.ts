/**
 * Start-up: the command lines Airbyte and Meltano send are parsed without yargs (src/cli/plain-argv.ts),
 * and undici is loaded only when a client is built, from its dispatcher files (src/devin/agent.ts,
 * src/devin/undici-parts.cts); both executables run from a bundle with a code cache (bundle.test.ts).
 * Nothing a user can see may change: every plain command line must parse exactly as yargs parses it,
 * everything else still goes to yargs (same help pages, same usage messages), and each command loads
 * only what it needs. (How much faster: bench/scenarios-startup.mjs and BENCHMARKS.md, never here.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAirbyteArgs, PLAIN_COMMANDS } from '../../src/cli/airbyte-main.js';
import { parsePlainCommand, parsePlainOptions } from '../../src/cli/plain-argv.js';
import { parseTapArgs, PLAIN_OPTIONS as TAP_OPTIONS } from '../../src/cli/singer-main.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte, spawnCli } from '../helpers/cli.js';
import { configuredCatalog, tempDir } from '../helpers/files.js';
import { loadsBuiltin, modulesLoadedBy } from '../helpers/modules.js';
import { runTap } from '../helpers/singer.js';

/** Every sequence of up to `length` tokens. */
function* sequences(tokens: readonly string[], length: number): Generator<string[]> {
  yield [];
  if (length === 0) return;
  for (const rest of sequences(tokens, length - 1)) if (rest.length === length - 1) for (const token of tokens) yield [...rest, token];
}
function* allSequences(tokens: readonly string[], length: number): Generator<string[]> {
  for (let n = 0; n <= length; n += 1) for (const sequence of sequences(tokens, n)) if (sequence.length === n) yield sequence;
}

/** Values a path can be that a parser might be tempted to read as something else. */
const ODD_VALUES = ['123', '0x10', '1e3', 'true', 'false', 'null', 'a=b', 'with space.json', 'spec', 'ENV', '.', '__proto__', 'é.json', '/abs/x.json'];

const AIRBYTE_TOKENS = ['--config', '--catalog', '--state', 'a.json', '--config=c.json', '--catalog=k.json', '--state=s.json', '--config=', '-c'];

describe('source-devin: plain command lines', () => {
  it('every plain form parses exactly as yargs parses it', async () => {
    const plainForms: string[][] = [];
    for (const command of ['spec', 'check', 'discover', 'read', 'nope']) {
      for (const rest of allSequences(AIRBYTE_TOKENS, 5)) if (parsePlainFor([command, ...rest])) plainForms.push([command, ...rest]);
    }
    for (const value of ODD_VALUES) {
      plainForms.push(['check', '--config', value], ['discover', `--config=${value}`], ['read', '--catalog', value, '--config', value, '--state', value]);
    }
    // The forms Airbyte sends are among them.
    expect(plainForms).toEqual(expect.arrayContaining([['spec'], ['check', '--config', 'a.json'], ['read', '--config=c.json', '--catalog', 'a.json', '--state=s.json']]));
    expect(plainForms.length).toBeGreaterThan(50);
    for (const argv of plainForms) {
      expect(parsePlainFor(argv), argv.join(' ')).toBeDefined();
      expect(await parseAirbyteArgs(argv), argv.join(' ')).toEqual(await parseAirbyteArgs(argv, { plain: false }));
    }
  });

  it.each([
    [['--help']],
    [['--version']],
    [['read', '--help']],
    [['check', '--config', 'a.json', '--help']],
    [['check', '--config', 'a.json', '--version']],
    [['spec', 'extra']],
    [['check', '--config', '-']],
    [['check', '--config', '--catalog', 'k.json']],
    [['check', '--configs', 'a.json']],
    [['check', '--Config', 'a.json']],
    [['check', '--config.x', 'a.json']],
    [['read', '--config', 'a.json', '--catalog', 'k.json', '--', 'x']],
    [['read', '--config', 'a.json', '--catalog', 'k.json', '--no-state']],
    [['discover', '--config', 'a.json', '--config', 'b.json']],
  ])('%j is not plain: yargs parses it', (argv) => {
    expect(parsePlainFor(argv)).toBeUndefined();
  });

  // Every usage message of test/foundation/cli.test.ts and more, unchanged, in-process and spawned.
  const USAGE_ERRORS: Array<[string[], string]> = [
    [['bogus'], 'unknown command "bogus": use spec, check, discover or read'],
    [['SPEC'], 'unknown command "SPEC": use spec, check, discover or read'],
    [[], 'a command is required: spec, check, discover or read'],
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
    [['check', '--config', 'x.json', '--nope'], 'unknown option --nope for check'],
    [['check', '--catalog', 'c.json', '--config', 'a.json'], 'unknown option --catalog for check'],
    [['discover', '--config', 'a.json', 'extra'], 'unexpected argument "extra" for discover'],
    [['read', '--config', 'x.json'], 'Missing required argument: catalog'],
    [['read', '--catalog', 'c.json'], 'Missing required argument: config'],
    [['read', '--config', 'a.json', '--catalog', 'c.json', '--state'], 'Not enough arguments following: state'],
    [['read', '--config', 'a.json', '--catalog', 'c.json', '--state', 's1', '--state', 's2'], '--state was given more than once'],
  ];

  it('every usage message is what yargs gives, in-process', async () => {
    for (const [argv, reason] of USAGE_ERRORS) {
      expect(parsePlainFor(argv), argv.join(' ')).toBeUndefined();
      expect(await parseAirbyteArgs(argv), argv.join(' ')).toEqual({ usageError: reason });
      const run = await runAirbyte(argv);
      expect(run).toMatchObject({ code: 2, stdout: '', stderr: `source-devin: ${reason} (see source-devin --help)\n` });
    }
  });

  it('usage messages of each kind are the same from the executable, and so are --help and --version', async () => {
    // One of each kind (a spawn costs a process start): unknown command, none, unknown option,
    // stray argument, missing option, missing value, empty value, repeated option.
    const kinds = [0, 2, 3, 4, 9, 10, 11, 12].map((i) => USAGE_ERRORS[i] as [string[], string]);
    const spawned = await Promise.all(kinds.map(([argv]) => spawnCli('source-devin', argv)));
    kinds.forEach(([argv, reason], i) => {
      expect(spawned[i], argv.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `source-devin: ${reason} (see source-devin --help)\n` });
    });
    for (const argv of [['--help'], ['read', '--help'], ['--version']]) {
      const [run, parsed] = await Promise.all([spawnCli('source-devin', argv), parseAirbyteArgs(argv, { plain: false })]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${(parsed as { document: string }).document}\n`);
    }
  });
});

const parsePlainFor = (argv: readonly string[]) => parsePlainCommand(argv, PLAIN_COMMANDS);

const TAP_TOKENS = ['--config', 'c.json', '--config=ENV', '--catalog', '--properties=p.json', '--state', '--discover', '--about', '-'];

describe('tap-devin: plain command lines', () => {
  it('every plain form parses exactly as yargs parses it (repeated --config included)', async () => {
    const plainForms = [...allSequences(TAP_TOKENS, 5)].filter((argv) => parsePlainOptions(argv, TAP_OPTIONS) !== undefined);
    for (const value of ODD_VALUES) plainForms.push(['--config', value, '--catalog', value, '--state', value], [`--properties=${value}`, '--config', value]);
    expect(plainForms).toEqual(
      expect.arrayContaining([[], ['--config', 'c.json', '--discover'], ['--config', 'c.json', '--config=ENV', '--config', 'c.json']]),
    );
    expect(plainForms.length).toBeGreaterThan(100);
    for (const argv of plainForms) {
      expect(await parseTapArgs(argv), argv.join(' ')).toEqual(await parseTapArgs(argv, { plain: false }));
    }
  });

  const TAP_USAGE: string[][] = [
    ['--bogus'],
    ['--config'],
    ['--config='],
    ['--discover', '--discover'],
    ['--help'],
    ['--discover=true'],
    ['--state', 's.json', '--state', 't.json', '--config', 'c.json'],
    ['--catalog', 'a.json', '--properties', 'b.json', '--config', 'c.json'],
    ['--format', 'json'],
    ['--about', '--format', 'yaml'],
    ['extra'],
    ['--config', 'c.json', 'extra'],
  ];

  it('usage errors and other forms: the same result as yargs alone, the same messages in-process and from the executable', async () => {
    const spawnedKinds = new Set([0, 1, 6, 7, 10]);
    const spawned = await Promise.all(TAP_USAGE.map((argv, i) => (spawnedKinds.has(i) ? spawnCli('tap-devin', argv) : undefined)));
    for (const [i, argv] of TAP_USAGE.entries()) {
      const expected = await parseTapArgs(argv, { plain: false });
      expect(await parseTapArgs(argv), argv.join(' ')).toEqual(expected);
      if (!('usageError' in expected)) continue;
      const line = `tap-devin: ${expected.usageError} (see tap-devin --help)\n`;
      expect(await runTap(argv)).toMatchObject({ code: 2, stdout: '', stderr: line });
      if (spawned[i]) expect(spawned[i]).toMatchObject({ code: 2, stdout: '', stderr: line });
    }
  });
});

// Each executable runs from a bundle (test/foundation/bundle.test.ts says what it holds), so what a
// command loads shows in the Node built-ins it loads: undici's dispatcher needs node:http, the bundle
// itself node:vm. yargs is bundled behind a dynamic import (initialised only when reached).
describe('what each command loads', () => {
  const files = tempDir();
  let sim: Simulator;
  let config: string;
  /** An explicit scope: discover is offline (with scope auto it asks GET /v3/self, and so loads the dispatcher). */
  let offline: string;
  let catalog: string;
  beforeAll(async () => {
    sim = await startSimulator({ members: 2, days: 2 });
    config = files.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url });
    offline = files.json('offline.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, scope: 'enterprise' });
    catalog = files.json('catalog.json', configuredCatalog({ members: 'full_refresh' }));
  });
  afterAll(() => sim.close());

  it('discover with an explicit scope: the bundle, and no HTTP client', async () => {
    const run = await modulesLoadedBy('source-devin', ['discover', '--config', offline]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('"type":"CATALOG"');
    expect(loadsBuiltin(run.modules, 'vm')).toBe(true);
    for (const name of ['http', 'tls', 'http2']) expect(loadsBuiltin(run.modules, name), name).toBe(false);
  });

  it.each([
    ['check', () => ['check', '--config', config], '"status":"SUCCEEDED"'],
    ['read', () => ['read', '--config', config, '--catalog', catalog], '"type":"RECORD"'],
  ])('%s: undici\'s dispatcher, from the bundle (nothing from node_modules)', async (_name, argv, output) => {
    const run = await modulesLoadedBy('source-devin', argv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(output);
    expect(loadsBuiltin(run.modules, 'http')).toBe(true);
    // HTTP/1.1 only: neither undici's HTTP/2 client nor, for an http:// api_url, TLS.
    expect(loadsBuiltin(run.modules, 'http2')).toBe(false);
    expect(loadsBuiltin(run.modules, 'tls')).toBe(false);
    expect(run.modules.filter((module) => module.includes('/node_modules/'))).toEqual([]);
  });

  it('tap-devin --discover loads no HTTP client; a sync loads undici\'s dispatcher from the bundle', async () => {
    const discover = await modulesLoadedBy('tap-devin', ['--config', offline, '--discover']);
    expect(discover.code, discover.stderr).toBe(0);
    expect(loadsBuiltin(discover.modules, 'http')).toBe(false);
    const sync = await modulesLoadedBy('tap-devin', ['--config', config]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toContain('"type":"RECORD"');
    expect(loadsBuiltin(sync.modules, 'http')).toBe(true);
    expect(sync.modules.filter((module) => module.includes('/node_modules/'))).toEqual([]);
  });

  it('--help runs the bundled yargs: its page, in English', async () => {
    const run = await modulesLoadedBy('source-devin', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/source-devin read/);
    expect(run.stdout).toMatch(/Show help/);
  });
});
