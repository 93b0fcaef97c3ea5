/**
 * `tap-devin`: the Singer front door, with the Meltano SDK's conventions.
 *   --about [--format json|markdown] · --version · --help
 *   --config F [--config G | --config ENV]... --discover
 *   --config F... [--catalog F | --properties F] [--state F]
 *   --config F... --test[=record|schema|all]
 * stdout carries Singer messages only (or the one document a command exists to print); logs, metrics
 * and errors go to stderr. A fatal error is one CRITICAL line and exit 1; a failed stream is an ERROR
 * line, the other streams finish, then a CRITICAL line and exit 1.
 */
import { ConfigError, type ConnectorConfig } from '../config/resolve.js';
import { SECRET_KEYS } from '../config/schema.js';
import { configJsonSchema } from '../config/spec.js';
import { isConnectorError } from '../devin/errors.js';
import { Redactor } from '../devin/redactor.js';
import { runRead, streamsNotInScope } from '../engine/read.js';
import { describeStateWarning, StateError } from '../engine/state.js';
import { CatalogError } from '../protocol/airbyte-catalog.js';
import { LineWriter, OutputClosedError } from '../protocol/line-writer.js';
import { aboutInfo, formatAbout, TAP_NAME } from '../protocol/singer-about.js';
import { singerCatalog } from '../protocol/singer-catalog.js';
import { logLevelFromEnv, SingerLog } from '../protocol/singer-log.js';
import { planDefaultStreams, planFromCatalog, syncModeOf, type SingerStreamPlan } from '../protocol/singer-selection.js';
import { parseSingerState, SingerStateTracker, type SingerInputState } from '../protocol/singer-state.js';
import { SingerReadOutput, SingerWriter } from '../protocol/singer.js';
import { createClient, discoveryScope, loadConfig, notInScopeMessage, resolveReadScope } from './connector.js';
import type { ScopeKind } from '../streams/types.js';
import { EnvConfigError, loadMergedConfig, type MergedConfig } from './env-config.js';
import { mergedConfigWarnings, requiredKeyEnvHint } from './merged-config-warnings.js';
import { parseTapArgs, type TapArgs } from './singer-args.js';

export { parseTapArgs, PLAIN_OPTIONS } from './singer-args.js';
import { testReadSettings, writeSchemas, type TestMode } from './singer-test-mode.js';
import { InputFileError, readJsonFile } from './files.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

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
  const log = new SingerLog(io.stderr, redactor, logLevelFromEnv(io.env), io.now);
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
      log.flush();
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
    log.flush();
    io.stderr.write(`${TAP_NAME}: ${redactor.redact(error instanceof Error ? error.message : String(error))}; stopping\n`);
    return EXIT_FAILURE;
  }
  log.flush();
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
  for (const warning of merged ? mergedConfigWarnings(merged, io.env) : []) log.warning(warning);

  if (args.discover) {
    lines.writeText(`${JSON.stringify(singerCatalog(await tapDiscoveryScope(merged, io, redactor, log)), null, 2)}\n`);
    return EXIT_OK;
  }
  if (!merged) throw new TapInputError('no config: pass --config FILE (repeatable) or --config ENV');
  const config = resolveMerged(merged, io, redactor);
  log.metricsLevel = config.metricsLogLevel;
  const catalogPlans = args.catalog === undefined ? undefined : await readCatalog(args.catalog, log);
  const input = args.state === undefined ? { streams: new Map(), warnings: [], document: {} } : await readState(args.state);
  for (const warning of input.warnings) log.warning(`state file ${args.state}: ${describeStateWarning(warning)}`);
  if (catalogPlans?.length === 0) {
    log.warning('the catalog selects no stream: nothing to sync');
    return EXIT_OK;
  }
  if (args.test === 'schema') {
    // Only SCHEMA messages: the catalog's streams, or the default streams of the scope (offline for an explicit scope).
    const plans = catalogPlans ?? planDefaultStreams(await discoveryScope(config, io, redactor));
    await writeSchemas(plans, new SingerWriter(lines, io.now));
    return EXIT_OK;
  }
  return sync({ config, catalogPlans, catalogPath: args.catalog, input, io, lines, log, redactor, signal, ...(args.test ? { test: args.test } : {}) });
}

interface SyncInputs {
  config: ConnectorConfig;
  /** The catalog's selection; undefined without a catalog (the default streams of the scope). */
  catalogPlans: SingerStreamPlan[] | undefined;
  catalogPath: string | undefined;
  input: SingerInputState;
  io: CliIo;
  lines: LineWriter;
  log: SingerLog;
  redactor: Redactor;
  signal: AbortSignal;
  test?: TestMode;
}

async function sync({ config, catalogPlans, catalogPath, input, io, lines, log, redactor, signal, test }: SyncInputs): Promise<number> {
  const testing = testReadSettings(test);
  const client = createClient(config, io, redactor, {
    log: (level, message) => log.write(level === 'WARN' ? 'WARNING' : level, message),
    signal,
    onAttempt: (attempt) => log.requestTimer(attempt.path, attempt.status, attempt.durationMs),
  });
  try {
    const scope = await resolveReadScope(client, config);
    const plans = catalogPlans ?? planDefaultStreams(scope.kind);
    // Without a catalog the default streams are read: one the key may not read is skipped (SPEC §5).
    const streams = plans.map((plan) => ({ stream: plan.stream, syncMode: syncModeOf(plan), ...(catalogPlans ? {} : { byDefault: true }) }));
    const foreign = streamsNotInScope(streams, scope);
    if (foreign.length > 0) throw new TapInputError(`catalog file ${catalogPath ?? ''}: ${notInScopeMessage(foreign, scope)}`);
    const output = new SingerReadOutput({
      writeState: testing.writeState,
      writer: new SingerWriter(lines, io.now),
      log,
      plans,
      state: new SingerStateTracker(input.document),
      now: io.now,
      outputClosed: () => lines.closed,
    });
    const result = await runRead({
      config,
      scope,
      streams,
      state: input.streams,
      output,
      client,
      now: io.now,
      ...(io.checkpointPolicy ? { policy: io.checkpointPolicy } : {}),
      ...testing.read,
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
    if (error instanceof ConfigError) {
      throw new TapInputError(`${originOf(merged, error.key)}: ${error.message}${requiredKeyEnvHint(error, merged, io.env)}`);
    }
    throw error;
  }
}

function originOf(merged: MergedConfig, key: string | undefined): string {
  return (key && merged.origins.get(key)) || `config (${merged.sources.join(', ')})`;
}

/**
 * The scope whose streams --discover lists: offline for an explicit scope, one GET /v3/self for
 * `auto`. As in the Meltano SDK, an incomplete config (no api_key yet) does not stop discovery: it
 * is reported as a warning and the catalog lists the streams of both scopes.
 */
async function tapDiscoveryScope(merged: MergedConfig | undefined, io: CliIo, redactor: Redactor, log: SingerLog): Promise<ScopeKind | undefined> {
  if (!merged) return undefined;
  let config: ConnectorConfig;
  try {
    config = loadConfig(merged.raw, io, redactor);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The scope decides which streams exist: a wrong one cannot be listed around.
    if (error.key === 'scope') throw new TapInputError(`${originOf(merged, error.key)}: ${error.message}`);
    log.warning(`the config is not ready for a sync: ${originOf(merged, error.key)}: ${error.message}; listing the streams of both scopes`);
    return undefined;
  }
  return discoveryScope(config, io, redactor);
}

async function readCatalog(path: string, log: SingerLog): Promise<SingerStreamPlan[]> {
  const raw = readJsonFile(path, 'catalog');
  try {
    return planFromCatalog(raw, (message) => log.warning(message));
  } catch (error) {
    if (error instanceof CatalogError) throw new TapInputError(`catalog file ${path}: ${error.message}`);
    throw error;
  }
}

async function readState(path: string): Promise<SingerInputState> {
  const raw = readJsonFile(path, 'state');
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
