/**
 * tap-devin's command line, parsed the way the Meltano SDK's taps read theirs (click): one stderr
 * line for a usage problem, the help and version texts as documents, everything else as TapArgs.
 */
import { TAP_NAME, type AboutFormat } from '../protocol/singer-about.js';
import { VERSION } from '../version.js';
import { parsePlainOptions, type PlainOption } from './plain-argv.js';
import { runParser } from './run-parser.js';
import { parseTestMode, type TestMode } from './singer-test-mode.js';

export interface TapArgs {
  /** Config files and/or `ENV`, in command-line order. */
  config: string[];
  discover: boolean;
  /** The catalog file, from --catalog or the legacy --properties. */
  catalog?: string;
  state?: string;
  about: boolean;
  format?: AboutFormat;
  /** `--test[=record|schema|all]` (see singer-test-mode.ts). */
  test?: TestMode;
}

export type ParseOutcome = { args: TapArgs } | { document: string } | { usageError: string };

const USAGE = `$0 [options]

Singer tap for Devin (Cognition) usage data. Singer messages are JSON lines on stdout; logs and
metrics go to stderr. Without --catalog, every stream is synced.

  $0 --about [--format json|markdown]
  $0 --config config.json --discover > catalog.json
  $0 --config config.json [--catalog catalog.json] [--state state.json] | target-jsonl
  $0 --config config.json --test[=record|schema|all]`;

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
    .option('test', {
      type: 'string',
      describe: 'test the config: --test[=record] syncs one record per stream, =schema only the SCHEMAs, =all everything',
    })
    .strict()
    // Messages in English whatever LANG says: they are quoted in the README and in bug reports.
    .locale('en')
    .help()
    .alias('help', 'h')
    .version('version', 'print the version', VERSION)
    .wrap(100);
  const outcome = parser ? await runParser(parser, argv) : { parsed: simple ?? { _: [] }, output: '' };
  if ('error' in outcome && outcome.error) return { usageError: usageMessage(outcome.error.message, argv) };
  if (outcome.output) return { document: outcome.output };
  const parsed = outcome.parsed;
  const positional = (parsed._ as unknown[]) ?? [];
  if (positional.length > 0) return { usageError: `unexpected argument: ${String(positional[0])}` };

  for (const flag of ['catalog', 'properties', 'state', 'format'] as const) {
    if (Array.isArray(parsed[flag])) return { usageError: `--${flag} was given more than once` };
    if (parsed[flag] === '') return { usageError: `--${flag} needs a value` };
  }
  for (const flag of ['discover', 'about', 'test'] as const) {
    if (Array.isArray(parsed[flag])) return { usageError: `--${flag} was given more than once` };
  }
  const test = parsed.test === undefined ? undefined : parseTestMode(String(parsed.test));
  if (typeof test === 'object') return test;
  if (test !== undefined && (parsed.discover === true || parsed.about === true)) {
    return { usageError: `--test cannot be combined with --${parsed.about === true ? 'about' : 'discover'}` };
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
      ...(test !== undefined ? { test } : {}),
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

