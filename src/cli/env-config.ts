/**
 * tap-devin's config, as Meltano passes it: `--config` may be repeated (later files override earlier
 * ones, key by key), and `--config ENV` reads `TAP_DEVIN_<KEY>` environment variables, which override
 * every file wherever ENV appears on the command line. Environment values are strings; they are cast
 * to the type the config JSON Schema gives the key (integer, number, boolean, array, object).
 * The merged object remembers where each key came from, so an invalid value names its file or variable.
 */
import { isRecord } from '../json.js';
import type { JsonSchema } from '../config/spec.js';
import { TAP_ENV_PREFIX } from '../protocol/singer-about.js';
import { describeWarning, knownConfigKeys, unknownKeys } from '../config/unknown-keys.js';
import { InputFileError, readJsonFile } from './files.js';

export const ENV_PREFIX = TAP_ENV_PREFIX;
/** The `--config` value that means "read the environment". */
export const ENV_CONFIG = 'ENV';

export interface MergedConfig {
  raw: Record<string, unknown>;
  /** Where each key's value came from: `config file <path>` or `environment variable <NAME>`. */
  origins: Map<string, string>;
  /** Every api_key value seen in any source (each must be redacted, even an overridden one). */
  secrets: string[];
  /** The sources, for messages about a key no source set. */
  sources: string[];
  /** True when `--config ENV` was given (the TAP_DEVIN_* variables were read). */
  readsEnv: boolean;
}

/** A config value from the environment that cannot be cast; the message names the variable. */
export class EnvConfigError extends Error {
  override name = 'EnvConfigError';
}

export function envVarName(key: string): string {
  return `${ENV_PREFIX}${key.toUpperCase().replace(/-/g, '_')}`;
}

export async function loadMergedConfig(
  args: readonly string[],
  env: Record<string, string | undefined>,
  schema: JsonSchema,
  secretKeys: ReadonlySet<string>,
): Promise<MergedConfig> {
  const merged: MergedConfig = { raw: {}, origins: new Map(), secrets: [], sources: [], readsEnv: args.includes(ENV_CONFIG) };
  for (const path of args.filter((arg) => arg !== ENV_CONFIG)) {
    const content = readJsonFile(path, 'config');
    if (!isRecord(content)) throw new InputFileError(`config file ${path} must contain a JSON object`);
    mergeInto(merged, content, `config file ${path}`, secretKeys);
  }
  if (args.includes(ENV_CONFIG)) {
    const fromEnv = readEnvConfig(env, schema);
    merged.sources.push(`environment (${ENV_PREFIX}*)`);
    for (const [key, value] of Object.entries(fromEnv)) {
      merged.raw[key] = value;
      merged.origins.set(key, `environment variable ${envVarName(key)}`);
      if (secretKeys.has(key) && typeof value === 'string') merged.secrets.push(value);
    }
  }
  return merged;
}

function mergeInto(merged: MergedConfig, content: Record<string, unknown>, source: string, secretKeys: ReadonlySet<string>): void {
  merged.sources.push(source);
  for (const [key, value] of Object.entries(content)) {
    merged.raw[key] = value;
    merged.origins.set(key, source);
    if (secretKeys.has(key) && typeof value === 'string') merged.secrets.push(value);
  }
}

/** `TAP_DEVIN_*` variables that are not config keys but mean something to the tap. */
const OTHER_TAP_VARIABLES = new Set([`${ENV_PREFIX}LOGLEVEL`]);

/**
 * One warning per `TAP_DEVIN_*` variable that sets no config key (`TAP_DEVIN_APIKEY`: did you mean
 * TAP_DEVIN_API_KEY?), or a retired one. Variables named `TAP_DEVIN__…` are Meltano's own extras, and
 * empty ones count as unset. Names only: the values are never shown.
 */
export function unknownEnvWarnings(env: Record<string, string | undefined>, known: readonly string[] = knownConfigKeys()): string[] {
  const messages: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || value.trim() === '') continue;
    if (OTHER_TAP_VARIABLES.has(name)) continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase();
    const typed = `environment variable ${name}`;
    const [warning] = unknownKeys({ [key]: true }, known);
    if (warning) messages.push(describeWarning(warning, typed, envVarName));
    // A known key in the wrong case (TAP_DEVIN_api_key) is not read: only the upper-case name is.
    else if (!key.startsWith('_') && name !== envVarName(key)) messages.push(describeWarning({ key, suggestion: key }, typed, envVarName));
  }
  return messages;
}

/** The config keys set in the environment, cast per the schema. Empty variables count as unset. */
export function readEnvConfig(env: Record<string, string | undefined>, schema: JsonSchema): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const config: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    const name = envVarName(key);
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    config[key] = castEnvValue(value, isRecord(property) ? property : {}, name);
  }
  return config;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function castEnvValue(value: string, property: JsonSchema, name: string): unknown {
  const type = primaryType(property);
  const trimmed = value.trim();
  const shown = property.airbyte_secret || property.secret ? '' : ` (got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)})`;
  switch (type) {
    case 'integer':
      if (!/^[+-]?\d+$/.test(trimmed)) throw new EnvConfigError(`environment variable ${name} must be a whole number${shown}`);
      return Number(trimmed);
    case 'number': {
      const number = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(number)) throw new EnvConfigError(`environment variable ${name} must be a number${shown}`);
      return number;
    }
    case 'boolean': {
      const lowered = trimmed.toLowerCase();
      if (TRUE.has(lowered)) return true;
      if (FALSE.has(lowered)) return false;
      throw new EnvConfigError(`environment variable ${name} must be true or false${shown}`);
    }
    case 'array':
      // A JSON array, or the comma-separated form the Meltano SDK accepts for lists of strings.
      if (trimmed.startsWith('[')) return parseJson(trimmed, name, 'a JSON array', Array.isArray);
      return trimmed.split(',').map((item) => item.trim());
    case 'object':
      return parseJson(trimmed, name, 'a JSON object', isRecord);
    default:
      return value;
  }
}

function primaryType(property: JsonSchema): string | undefined {
  const type = property.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  return undefined;
}

function parseJson(text: string, name: string, what: string, accept: (value: unknown) => boolean): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EnvConfigError(`environment variable ${name} must be ${what} (it is not valid JSON)`);
  }
  if (!accept(parsed)) throw new EnvConfigError(`environment variable ${name} must be ${what}`);
  return parsed;
}
