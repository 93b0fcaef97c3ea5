/**
 * `tap-devin`: the Singer front door, with the Meltano SDK's conventions.
 *   --about [--format json|markdown] · --version · --help
 *   --config F [--config G | --config ENV]... --discover
 *   --config F... [--catalog F | --properties F] [--state F]
 * stdout carries Singer messages only (or the one document a command exists to print); logs, metrics
 * and errors go to stderr. A fatal error is one CRITICAL line and exit 1; a failed stream is an ERROR
 * line, the other streams finish, then a CRITICAL line and exit 1.
 */
import { ConfigError, type ConnectorConfig } from '../config/resolve.js';
import { SECRET_KEYS, configSchema } from '../config/schema.js';
import { configJsonSchema } from '../config/spec.js';
import { isConnectorError } from '../devin/errors.js';
import { runRead } from '../engine/read.js';
import { StateError } from '../engine/state.js';
import { CatalogError } from '../protocol/airbyte-catalog.js';
import { LineWriter, OutputClosedError } from '../protocol/line-writer.js';
import { Redactor } from '../protocol/redactor.js';
import { aboutInfo, formatAbout, TAP_NAME, type AboutFormat } from '../protocol/singer-about.js';
import { singerCatalog } from '../protocol/singer-catalog.js';
import { endpointTemplate, logLevelFromEnv, SingerLog } from '../protocol/singer-log.js';
import { planAllStreams, planFromCatalog, syncModeOf, type SingerStreamPlan } from '../protocol/singer-selection.js';
import { parseSingerState, SingerStateTracker, type SingerInputState } from '../protocol/singer-state.js';
import { SingerReadOutput, SingerWriter } from '../protocol/singer.js';
import { VERSION } from '../version.js';
import { createClient, loadConfig } from './connector.js';
import { EnvConfigError, loadMergedConfig, type MergedConfig } from './env-config.js';
import { InputFileError, readJsonFile } from './files.js';
import { parsePlainOptions, type PlainOption } from './plain-argv.js';
import { runParser } from './run-parser.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export interface TapArgs {
  /** Config files and/or `ENV`, in command-line order. */
  config: string[];
  discover: boolean;
  /** The catalog file, from --catalog or the legacy --properties. */
  catalog?: string;
  state?: string;
  about: boolean;
  format?: AboutFormat;
}

type ParseOutcome = { args: TapArgs } | { document: string } | { usageError: string };

const USAGE = `$0 [options]

Singer tap for Devin (Cognition) usage data. Singer messages are JSON lines on stdout; logs and
metrics go to stderr. Without --catalog, every stream is synced.

  $0 --about [--format json|markdown]
  $0 --config config.json --discover > catalog.json
  $0 --config config.json [--catalog catalog.json] [--state state.json] | target-jsonl`;

/** The plain command lines (src/cli/plain-argv.ts), parsed without loading yargs. */
export const PLAIN_OPTIONS: readonly PlainOption[] = [
  { name: 'config', kind: 'string', repeatable: true },
  { name: 'discover', kind: 'boolean' },
  ...(['catalog', 'properties', 'state'] as const).map((name) => ({ name, kind: 'string' as const })),
];

/** yargs is loaded only for what is not a plain command line (`plain: false` forces it, for tests). */
export async function parseTapArgs(argv: readonly string[], { plain = true } = {}): Promise<ParseOutcome> {
  const simple = plain ? parsePlainOptions(argv, PLAIN_OPTIONS) : undefined;
  const yargs = simple ? undefined : (await import('yargs')).default;
  const parser = yargs?.()
    .scriptName(TAP_NAME)
    .usage(USAGE)
    .parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': false, 'dot-notation': false })
    .option('config', {
      type: 'string',
      requiresArg: true,
      describe: 'config JSON file; repeat to merge (later files win); ENV reads TAP_DEVIN_* variables',
    })
    .option('discover', { type: 'boolean', describe: 'print the catalog of streams (a JSON document)' })
    .option('catalog', { type: 'string', requiresArg: true, describe: 'catalog JSON file: selected streams and fields' })
    .option('properties', { type: 'string', requiresArg: true, describe: 'legacy name of --catalog' })
    .option('state', { type: 'string', requiresArg: true, describe: 'state JSON file: the value of the last STATE message' })
    .option('about', { type: 'boolean', describe: 'print what this tap is, its capabilities and settings' })
    .option('format', { type: 'string', requiresArg: true, describe: 'format of --about: json or markdown (default: text)' })
    .strict()
    .help()
    .version('version', 'print the version', `${TAP_NAME} ${VERSION}`)
    .wrap(100);
  const outcome = parser ? await runParser(parser, argv) : { parsed: simple ?? { _: [] }, output: '' };
  if (outcome.error) return { usageError: usageMessage(outcome.error.message, argv) };
  if (outcome.output) return { document: outcome.output };
  const parsed = outcome.parsed;
  const positional = (parsed._ as unknown[]) ?? [];
  if (positional.length > 0) return { usageError: `unexpected argument: ${String(positional[0])}` };

  for (const flag of ['catalog', 'properties', 'state', 'format'] as const) {
    if (Array.isArray(parsed[flag])) return { usageError: `--${flag} was given more than once` };
    if (parsed[flag] === '') return { usageError: `--${flag} needs a value` };
  }
  for (const flag of ['discover', 'about'] as const) {
    if (Array.isArray(parsed[flag])) return { usageError: `--${flag} was given more than once` };
  }
  const config = parsed.config === undefined ? [] : ([] as unknown[]).concat(parsed.config).map(String);
  if (config.some((path) => path === '')) return { usageError: '--config needs a file path (or ENV)' };
  if (parsed.catalog !== undefined && parsed.properties !== undefined) {
    return { usageError: '--catalog and --properties are the same option; give one' };
  }
  const format = parsed.format as string | undefined;
  if (format !== undefined) {
    if (parsed.about !== true) return { usageError: '--format applies only to --about' };
    if (format !== 'json' && format !== 'markdown') return { usageError: `--format must be json or markdown (got "${format}")` };
  }
  const catalog = (parsed.catalog ?? parsed.properties) as string | undefined;
  return {
    args: {
      config,
      discover: parsed.discover === true,
      about: parsed.about === true,
      ...(catalog !== undefined ? { catalog } : {}),
      ...(typeof parsed.state === 'string' ? { state: parsed.state } : {}),
      ...(format !== undefined ? { format: format as AboutFormat } : {}),
    },
  };
}

/** yargs' wording, said the way a tap user types it (`--flag`), on one line. */
function usageMessage(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown?.[1]) {
    return unknown[1]
      .split(', ')
      .map((name) => {
        const token = argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}`);
        return token ? `unknown option ${token.split('=')[0]}` : `unexpected argument: ${name}`;
      })
      .join('; ');
  }
  const missing = /^Not enough arguments following: (.+)$/.exec(message);
  if (missing?.[1]) return `--${missing[1]} needs a value`;
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

export async function runTapDevin(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = await parseTapArgs(argv);
  if ('usageError' in parsed) {
    io.stderr.write(`${TAP_NAME}: ${parsed.usageError} (see ${TAP_NAME} --help)\n`);
    return EXIT_USAGE;
  }
  // When the reader goes away (EPIPE), every request in flight is aborted at once.
  const stop = new AbortController();
  const lines = new LineWriter(io.stdout, () => stop.abort());
  const redactor = new Redactor();
  const log = new SingerLog(io.stderr, redactor, logLevelFromEnv(io.env));
  let code: number;
  try {
    if ('document' in parsed) {
      lines.writeText(`${parsed.document}\n`);
      code = EXIT_OK;
    } else if (parsed.args.about) {
      lines.writeText(formatAbout(aboutInfo(), parsed.args.format ?? 'text'));
      code = EXIT_OK;
    } else {
      code = await runTapCommand(parsed.args, io, lines, log, redactor, stop.signal);
    }
  } catch (error) {
    if (error instanceof OutputClosedError || lines.closed) {
      io.stderr.write(`${TAP_NAME}: stdout was closed by the reader; stopping\n`);
      return EXIT_FAILURE;
    }
    log.critical(describeFatal(error));
    if (error instanceof Error && error.stack && !isExpected(error)) log.debug(error.stack);
    code = EXIT_FAILURE;
  }
  try {
    await lines.flush();
  } catch (error) {
    io.stderr.write(`${TAP_NAME}: ${redactor.redact(error instanceof Error ? error.message : String(error))}; stopping\n`);
    return EXIT_FAILURE;
  }
  return code;
}

/** A problem with what the user gave us; its message is complete (names the file, variable or key). */
class TapInputError extends Error {
  override name = 'TapInputError';
}

async function runTapCommand(
  args: TapArgs,
  io: CliIo,
  lines: LineWriter,
  log: SingerLog,
  redactor: Redactor,
  signal: AbortSignal,
): Promise<number> {
  const merged =
    args.config.length > 0 ? await loadMergedConfig(args.config, io.env, configJsonSchema(), SECRET_KEYS) : undefined;
  for (const secret of merged?.secrets ?? []) redactor.add(secret);

  if (args.discover) {
    lines.writeText(`${JSON.stringify(singerCatalog(discoveryConfig(merged, io, redactor, log)), null, 2)}\n`);
    return EXIT_OK;
  }
  if (!merged) throw new TapInputError('no config: pass --config FILE (repeatable) or --config ENV');
  const config = resolveMerged(merged, io, redactor);
  const plans = args.catalog === undefined ? planAllStreams(config) : await readCatalog(args.catalog, config, log);
  const input = args.state === undefined ? { streams: new Map(), document: {} } : await readState(args.state);
  if (plans.length === 0) {
    log.warning('the catalog selects no stream: nothing to sync');
    return EXIT_OK;
  }
  return sync({ config, plans, input, io, lines, log, signal });
}

interface SyncInputs {
  config: ConnectorConfig;
  plans: SingerStreamPlan[];
  input: SingerInputState;
  io: CliIo;
  lines: LineWriter;
  log: SingerLog;
  signal: AbortSignal;
}

async function sync({ config, plans, input, io, lines, log, signal }: SyncInputs): Promise<number> {
  const output = new SingerReadOutput({
    writer: new SingerWriter(lines, io.now),
    log,
    plans,
    state: new SingerStateTracker(input.document),
    now: io.now,
    outputClosed: () => lines.closed,
  });
  const client = createClient(config, io, {
    log: (level, message) => output.log(level, message),
    signal,
    onAttempt: (attempt) =>
      log.metric({
        type: 'timer',
        metric: 'http_request_duration',
        value: attempt.durationMs / 1000,
        tags: {
          endpoint: endpointTemplate(attempt.path),
          http_status_code: attempt.status,
          status: attempt.status >= 200 && attempt.status < 400 ? 'succeeded' : 'failed',
        },
      }),
  });
  try {
    const result = await runRead({
      config,
      streams: plans.map((plan) => ({ stream: plan.stream, syncMode: syncModeOf(plan) })),
      state: input.streams,
      output,
      client,
      now: io.now,
      ...(io.checkpointPolicy ? { policy: io.checkpointPolicy } : {}),
    });
    if (lines.closed) throw new OutputClosedError('stdout was closed by the reader');
    if (result.failed.length > 0) {
      log.critical(`the sync did not complete: ${result.failed.join(', ')} failed (see the errors above)`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

/** Resolves the merged config; an invalid value names the file or variable it came from. */
function resolveMerged(merged: MergedConfig, io: CliIo, redactor: Redactor): ConnectorConfig {
  try {
    return loadConfig(merged.raw, io, redactor);
  } catch (error) {
    if (error instanceof ConfigError) throw new TapInputError(`${originOf(merged, error.key)}: ${error.message}`);
    throw error;
  }
}

function originOf(merged: MergedConfig, key: string | undefined): string {
  return (key && merged.origins.get(key)) || `config (${merged.sources.join(', ')})`;
}

/**
 * Discovery needs only pr_metrics_granularity (it shapes pr_metrics' key). As in the Meltano SDK, an
 * otherwise incomplete config (no api_key yet) does not stop discovery; it is reported as a warning.
 */
function discoveryConfig(merged: MergedConfig | undefined, io: CliIo, redactor: Redactor, log: SingerLog): Pick<ConnectorConfig, 'prMetricsGranularity'> {
  if (!merged) return { prMetricsGranularity: 'day' };
  const granularity = configSchema.shape.pr_metrics_granularity.safeParse(merged.raw.pr_metrics_granularity);
  if (!granularity.success) {
    throw new TapInputError(
      `${originOf(merged, 'pr_metrics_granularity')}: pr_metrics_granularity must be one of "day", "user_day" (got ${JSON.stringify(merged.raw.pr_metrics_granularity)})`,
    );
  }
  try {
    loadConfig(merged.raw, io, redactor);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.warning(`the config is not ready for a sync: ${originOf(merged, error.key)}: ${error.message}`);
  }
  return { prMetricsGranularity: granularity.data };
}

async function readCatalog(path: string, config: ConnectorConfig, log: SingerLog): Promise<SingerStreamPlan[]> {
  const raw = await readJsonFile(path, 'catalog');
  try {
    return planFromCatalog(raw, config, (message) => log.warning(message));
  } catch (error) {
    if (error instanceof CatalogError) throw new TapInputError(`catalog file ${path}: ${error.message}`);
    throw error;
  }
}

async function readState(path: string): Promise<SingerInputState> {
  const raw = await readJsonFile(path, 'state');
  try {
    return parseSingerState(raw);
  } catch (error) {
    if (error instanceof StateError) throw new TapInputError(`state file ${path}: ${error.message}`);
    throw error;
  }
}

function isExpected(error: unknown): boolean {
  return (
    error instanceof TapInputError ||
    error instanceof InputFileError ||
    error instanceof EnvConfigError ||
    isConnectorError(error)
  );
}

function describeFatal(error: unknown): string {
  if (isExpected(error)) return (error as Error).message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}
