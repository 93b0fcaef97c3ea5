/**
 * `source-devin`: the Airbyte front door. spec | check --config F | discover --config F |
 * read --config F --catalog F [--state F]. stdout carries AirbyteMessages only (and --help/--version).
 */
import { ConfigError } from '../config/resolve.js';
import { connectorSpecification } from '../config/spec.js';
import { dayOfMillis } from '../devin/billing-day.js';
import { ConnectorError, isConnectorError } from '../devin/errors.js';
import { Redactor } from '../devin/redactor.js';
import { runCheck } from '../engine/check.js';
import { runRead, streamsNotInScope } from '../engine/read.js';
import { describeStateWarning, StateError } from '../engine/state.js';
import { airbyteCatalog, CatalogError, parseConfiguredCatalog } from '../protocol/airbyte-catalog.js';
import { parseAirbyteState } from '../protocol/airbyte-state.js';
import { AirbyteWriter } from '../protocol/airbyte.js';
import { LineWriter, OutputClosedError } from '../protocol/line-writer.js';
import { VERSION } from '../version.js';
import { configKeyWarnings, createClient, discoveryScope, loadConfig, notInScopeMessage, openReadScope, rememberSecret } from './connector.js';
import { InputFileError, readJsonFile } from './files.js';
import { parsePlainCommand, type PlainOption } from './plain-argv.js';
import { runParser } from './run-parser.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

interface ParsedArgs {
  command: 'spec' | 'check' | 'discover' | 'read';
  config?: string;
  catalog?: string;
  state?: string;
}

type ParseOutcome = { args: ParsedArgs } | { document: string } | { usageError: string };

const fileOption = (describe: string) => ({ type: 'string' as const, demandOption: true, requiresArg: true, describe });

const CONFIG: PlainOption = { name: 'config', kind: 'string', required: true };
/** The plain command lines (src/cli/plain-argv.ts), parsed without loading yargs. */
export const PLAIN_COMMANDS: Record<ParsedArgs['command'], readonly PlainOption[]> = {
  spec: [],
  check: [CONFIG],
  discover: [CONFIG],
  read: [CONFIG, { name: 'catalog', kind: 'string', required: true }, { name: 'state', kind: 'string' }],
};

/** yargs is loaded only for what is not a plain command line (`plain: false` forces it, for tests). */
export async function parseAirbyteArgs(argv: readonly string[], { plain = true } = {}): Promise<ParseOutcome> {
  const simple = plain ? parsePlainCommand(argv, PLAIN_COMMANDS) : undefined;
  const yargs = simple ? undefined : (await import('yargs')).default;
  const parser = yargs?.()
    .scriptName('source-devin')
    .usage('$0 <command>\n\nAirbyte source for Devin (Cognition) usage data. Messages are JSON lines on stdout.')
    .command('spec', 'Print the connector specification (one SPEC message)')
    .command('check', 'Test the config against the Devin API (one CONNECTION_STATUS message)', (y) =>
      y.option('config', fileOption('config JSON file')),
    )
    .command('discover', 'Print the streams and their schemas (one CATALOG message)', (y) =>
      y.option('config', fileOption('config JSON file')),
    )
    .command('read', 'Extract records, with state checkpoints', (y) =>
      y
        .option('config', fileOption('config JSON file'))
        .option('catalog', fileOption('configured catalog JSON file'))
        .option('state', { type: 'string', requiresArg: true, describe: 'state JSON file from a previous read' }),
    )
    .demandCommand(1, 'a command is required: spec, check, discover or read')
    .strict()
    // Messages in English whatever LANG says: they are quoted in the README and in bug reports.
    .locale('en')
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(100);
  const outcome = parser ? await runParser(parser, argv) : { parsed: simple ?? { _: [] }, output: '' };
  if (outcome.error) return { usageError: explainUsageError(outcome.error.message, argv) };
  if (outcome.output) return { document: outcome.output };
  const parsed = outcome.parsed;
  const command = String((parsed._ as unknown[])[0]) as ParsedArgs['command'];
  if ((parsed._ as unknown[]).length > 1) return { usageError: `unexpected argument: ${String((parsed._ as unknown[])[1])}` };
  for (const flag of ['config', 'catalog', 'state'] as const) {
    if (Array.isArray(parsed[flag])) return { usageError: `--${flag} was given more than once` };
    if (parsed[flag] === '') return { usageError: `--${flag} needs a file path` };
  }
  return {
    args: {
      command,
      ...(typeof parsed.config === 'string' ? { config: parsed.config } : {}),
      ...(typeof parsed.catalog === 'string' ? { catalog: parsed.catalog } : {}),
      ...(typeof parsed.state === 'string' ? { state: parsed.state } : {}),
    },
  };
}

const COMMANDS = ['spec', 'check', 'discover', 'read'];

/** yargs says "Unknown argument: nope"; a person wants to know whether it was a command or a flag. */
function explainUsageError(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown) return message;
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !COMMANDS.includes(first)) {
    return `unknown command "${first}": use spec, check, discover or read`;
  }
  const names = (unknown[1] ?? '').split(', ');
  // yargs also reports --foo-bar as fooBar: both name the same flag.
  const flagName = (arg: string): string => arg.replace(/^-+/, '').split('=')[0] ?? '';
  const camel = (text: string): string => text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const described = names.map((name) => {
    const flag = argv.find((arg) => arg.startsWith('-') && (flagName(arg) === name || camel(flagName(arg)) === name));
    return flag ? `unknown option ${flag.split('=')[0]}` : `unexpected argument "${name}"`;
  });
  return `${[...new Set(described)].join('; ')}${first && COMMANDS.includes(first) ? ` for ${first}` : ''}`;
}

export async function runSourceDevin(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = await parseAirbyteArgs(argv);
  if ('usageError' in parsed) {
    io.stderr.write(`source-devin: ${parsed.usageError} (see source-devin --help)\n`);
    return EXIT_USAGE;
  }
  // When the reader goes away (EPIPE), every request in flight is aborted at once.
  const stop = new AbortController();
  const lines = new LineWriter(io.stdout, () => stop.abort());
  if ('document' in parsed) {
    lines.writeText(`${parsed.document}\n`);
    await lines.flush();
    return EXIT_OK;
  }
  const redactor = new Redactor();
  const writer = new AirbyteWriter(lines, redactor, io.now);
  let code: number;
  try {
    code = await runCommand(parsed.args, io, writer, redactor, stop.signal);
  } catch (error) {
    if (error instanceof OutputClosedError || lines.closed) {
      io.stderr.write('source-devin: stdout was closed by the reader; stopping\n');
      return EXIT_FAILURE;
    }
    code = reportFailure(writer, error);
  }
  try {
    await lines.flush();
  } catch (error) {
    io.stderr.write(`source-devin: ${redactor.redact(error instanceof Error ? error.message : String(error))}; stopping\n`);
    return EXIT_FAILURE;
  }
  return code;
}

async function runCommand(
  args: ParsedArgs,
  io: CliIo,
  writer: AirbyteWriter,
  redactor: Redactor,
  signal: AbortSignal,
): Promise<number> {
  if (args.command === 'spec') {
    writer.spec(connectorSpecification());
    return EXIT_OK;
  }
  if (args.command === 'check') {
    let config;
    try {
      config = loadConfig(await readConfig(args.config as string, writer, redactor), io, redactor);
    } catch (error) {
      // check answers with exactly one CONNECTION_STATUS, even when the file itself is the problem (SPEC §7).
      if (error instanceof InputFileError) {
        writer.connectionStatus('FAILED', `config_error: ${error.message}`);
        return EXIT_OK;
      }
      if (!(error instanceof ConfigError)) throw error;
      // An empty key is a credentials problem, not a typo in the file (SPEC §7).
      const code = error.key === 'api_key' && /empty|required/.test(error.message) ? 'invalid_credentials' : 'config_error';
      writer.connectionStatus('FAILED', `${code}: ${error.message}`);
      return EXIT_OK;
    }
    let client;
    try {
      client = createClient(config, io, redactor);
    } catch (error) {
      // An unusable proxy variable: still exactly one CONNECTION_STATUS.
      if (!(isConnectorError(error) && error.failureType === 'config_error')) throw error;
      writer.connectionStatus('FAILED', `config_error: ${error.message}`);
      return EXIT_OK;
    }
    try {
      const result = await runCheck(config, client, dayOfMillis(io.now()));
      writer.connectionStatus(result.status, result.message);
    } finally {
      await client.close();
    }
    return EXIT_OK;
  }
  const rawConfig = await readConfig(args.config as string, writer, redactor);
  const config = withFile(args.config as string, () => loadConfig(rawConfig, io, redactor));
  if (args.command === 'discover') {
    writer.catalog(airbyteCatalog(await discoveryScope(config, io, redactor)));
    return EXIT_OK;
  }
  const rawCatalog = readJsonFile(args.catalog as string, 'catalog');
  const streams = withFile(args.catalog as string, () => parseConfiguredCatalog(rawCatalog), 'catalog');
  const rawState = args.state === undefined ? undefined : readJsonFile(args.state, 'state');
  const state = withFile(args.state ?? '', () => parseAirbyteState(rawState), 'state');
  for (const warning of state.warnings) writer.log('WARN', `state file ${args.state}: ${describeStateWarning(warning)}`);

  const output = writer.readOutput();
  const client = createClient(config, io, redactor, { log: (level, message) => output.log(level, message), signal });
  try {
    const scope = await openReadScope(client, config, output, streams);
    const foreign = streamsNotInScope(streams, scope);
    if (foreign.length > 0) {
      throw new ConnectorError(`catalog file ${args.catalog as string}: ${notInScopeMessage(foreign, scope)}`, 'config_error');
    }
    const result = await runRead({
      config,
      scope,
      streams,
      state: state.streams,
      output,
      client,
      now: io.now,
      ...(io.checkpointPolicy ? { policy: io.checkpointPolicy } : {}),
    });
    if (result.failed.length > 0) {
      writer.log('ERROR', `the read did not complete: ${result.failed.join(', ')} failed (see the error traces above)`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

/**
 * Reads the config file and names its unknown keys in WARN logs (before anything can fail on them),
 * once the redactor knows the key (a path or a key name could contain it).
 */
async function readConfig(path: string, writer: AirbyteWriter, redactor: Redactor): Promise<unknown> {
  const raw = readJsonFile(path, 'config');
  rememberSecret(raw, redactor);
  for (const warning of configKeyWarnings(raw, () => `config file ${path}`)) writer.log('WARN', warning);
  return raw;
}

/** Runs a validation step and turns its error into a config_error naming the file. */
function withFile<T>(path: string, step: () => T, role: 'config' | 'catalog' | 'state' = 'config'): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CatalogError || error instanceof StateError) {
      throw new ConnectorError(`${role} file ${path}: ${error.message}`, 'config_error');
    }
    throw error;
  }
}

/** Any error that ends a command: one TRACE ERROR, exit 1. */
function reportFailure(writer: AirbyteWriter, error: unknown): number {
  if (error instanceof InputFileError) {
    writer.traceError({ message: error.message, failureType: 'config_error' });
  } else if (isConnectorError(error)) {
    writer.traceError({ message: error.message, failureType: error.failureType, internalMessage: error.internal });
  } else {
    const message = error instanceof Error ? error.message : String(error);
    writer.traceError({
      message: `unexpected error: ${message}`,
      failureType: 'system_error',
      stackTrace: error instanceof Error ? error.stack : undefined,
    });
  }
  return EXIT_FAILURE;
}
