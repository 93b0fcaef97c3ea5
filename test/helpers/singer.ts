/**
 * Runs `tap-devin` in-process (like `runAirbyte`): in-memory stdout/stderr, an injectable clock and
 * retry policy, the secret-leak guard on every run, and every stdout line checked as a Singer message
 * (SCHEMA / RECORD / STATE with their required fields). Documents (--help, --version, --about,
 * --discover) are not split into messages.
 */
import { runTapDevin } from '../../src/cli/singer-main.js';
import { runInProcess, type CliRun, type IoOverrides } from './cli.js';
import { parseJsonLines } from './protocol.js';
import { isRecord } from '../../src/json.js';

export type Json = Record<string, unknown>;

const DOCUMENT_FLAGS = ['--help', '--version', '--about', '--discover'];

/** The RFC 3339 UTC timestamp tap-devin puts before every log line on stderr. */
export const STDERR_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /;

/** stderr with each line's timestamp taken off: `LEVEL message`, what most tests compare. */
export function withoutStamps(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.replace(STDERR_STAMP, ''))
    .join('\n');
}

export interface TapRun extends CliRun {
  /** stderr exactly as written, timestamps included (`stderr` has them taken off). */
  rawStderr: string;
}

/** Runs `tap-devin <argv>` in-process. */
export async function runTap(argv: string[], overrides: IoOverrides = {}): Promise<TapRun> {
  const envKey = overrides.env?.TAP_DEVIN_API_KEY;
  const { code, stdout, stderr } = await runInProcess(runTapDevin, argv, overrides, envKey && envKey.length >= 4 ? [envKey] : []);
  const isDocument = argv.some((arg) => DOCUMENT_FLAGS.includes(arg)) || code === 2;
  const messages = isDocument ? [] : parseJsonLines(stdout);
  for (const message of messages) assertSingerMessage(message);
  return { code, stdout, stderr: withoutStamps(stderr), rawStderr: stderr, messages };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Throws unless `message` is a SCHEMA, RECORD or STATE message with its required fields. */
export function assertSingerMessage(message: unknown): void {
  const fail = (why: string): never => {
    throw new Error(`not a Singer message (${why}): ${JSON.stringify(message).slice(0, 300)}`);
  };
  if (!isRecord(message)) fail('not an object');
  const m = message as Json;
  const allowed: Record<string, string[]> = {
    SCHEMA: ['type', 'stream', 'schema', 'key_properties', 'bookmark_properties'],
    RECORD: ['type', 'stream', 'record', 'time_extracted', 'version'],
    STATE: ['type', 'value'],
  };
  const keys = allowed[String(m.type)];
  if (!keys) return fail(`type ${JSON.stringify(m.type)}`);
  for (const key of Object.keys(m)) if (!keys.includes(key)) fail(`unexpected key ${key}`);
  switch (m.type) {
    case 'SCHEMA':
      if (typeof m.stream !== 'string' || m.stream === '') fail('SCHEMA without stream');
      if (!isRecord(m.schema) || m.schema.type !== 'object') fail('SCHEMA schema is not an object schema');
      if (!isStringList(m.key_properties)) fail('SCHEMA key_properties is not a list of names');
      if (m.bookmark_properties !== undefined && !isStringList(m.bookmark_properties)) fail('bad bookmark_properties');
      break;
    case 'RECORD':
      if (typeof m.stream !== 'string' || m.stream === '') fail('RECORD without stream');
      if (!isRecord(m.record)) fail('RECORD record is not an object');
      if (typeof m.time_extracted !== 'string' || !RFC3339.test(m.time_extracted)) fail('RECORD time_extracted is not RFC 3339');
      break;
    case 'STATE':
      if (!isRecord(m.value) || !isRecord(m.value.bookmarks)) fail('STATE value has no bookmarks object');
      break;
  }
}

export function recordsOf(run: Pick<CliRun, 'messages'>, stream: string): Json[] {
  return run.messages.filter((m) => m.type === 'RECORD' && m.stream === stream).map((m) => m.record as Json);
}

export function schemasOf(run: Pick<CliRun, 'messages'>, stream?: string): Json[] {
  return run.messages.filter((m) => m.type === 'SCHEMA' && (stream === undefined || m.stream === stream));
}

/** The `value` of every STATE message, in order. */
export function stateValues(run: Pick<CliRun, 'messages'>): Json[] {
  return run.messages.filter((m) => m.type === 'STATE').map((m) => m.value as Json);
}

/** The value of the last STATE message: what Meltano saves and passes back with --state. */
export function lastState(run: Pick<CliRun, 'messages'>): Json {
  const states = stateValues(run);
  const last = states[states.length - 1];
  if (!last) throw new Error('the run emitted no STATE');
  return last;
}

export function bookmarkOf(state: Json, stream: string): Json | undefined {
  return (state.bookmarks as Json)[stream] as Json | undefined;
}

/** Streams in the order their first message appeared. */
export function streamsSynced(run: Pick<CliRun, 'messages'>): string[] {
  return [...new Set(schemasOf(run).map((m) => String(m.stream)))];
}

/** `INFO METRIC: {...}` lines of stderr, parsed. */
export function metricsOf(stderr: string): Json[] {
  return withoutStamps(stderr)
    .split('\n')
    .filter((line) => line.startsWith('INFO METRIC: '))
    .map((line) => JSON.parse(line.slice('INFO METRIC: '.length)) as Json);
}

/** A Singer catalog from discovery, edited: `edit` gets each entry and may change it in place. */
export function editCatalog(catalog: { streams: Json[] }, edit: (entry: Json) => void): { streams: Json[] } {
  const copy = structuredClone(catalog);
  for (const entry of copy.streams) edit(entry);
  return copy;
}

/** The metadata object at a breadcrumb of a catalog entry (created when missing). */
export function metadataAt(entry: Json, breadcrumb: string[]): Json {
  const list = entry.metadata as Array<{ breadcrumb: string[]; metadata: Json }>;
  let item = list.find((m) => JSON.stringify(m.breadcrumb) === JSON.stringify(breadcrumb));
  if (!item) {
    item = { breadcrumb, metadata: {} };
    list.push(item);
  }
  return item.metadata;
}
