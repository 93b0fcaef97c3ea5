/**
 * Turns a raw config object (already read from a file) into the connector's typed settings, or a
 * ConfigError whose one-line message names the key and what is wrong. Secret values are never echoed.
 */
import type * as z from 'zod/mini';
import { formatDay, parseDay } from '../devin/billing-day.js';
import {
  DEFAULT_START_DAYS_AGO,
  EARLIEST_START_DATE,
  SECRET_KEYS,
  configSchema,
  type ParsedConfig,
} from './schema.js';
import { requiredKeyHint } from './unknown-keys.js';
import { isLoopbackHost } from '../devin/loopback.js';

export interface ConnectorConfig {
  apiKey: string;
  /** First billing day to read (day number, see billing-day.ts). */
  startDay: number;
  /** Last billing day to read as configured (day number); the engine never reads past today. */
  endDay: number;
  lookbackDays: number;
  scope: ParsedConfig['scope'];
  includeIdpUsers: boolean;
  /** Base URL without a trailing slash. */
  apiUrl: string;
  maxConcurrency: number;
  windowDays: number;
  /** tap-devin's METRIC lines are logged at this level (Meltano SDK `metrics_log_level`). */
  metricsLogLevel: ParsedConfig['metrics_log_level'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The config key at fault, when there is one. */
  readonly key: string | undefined;
  constructor(message: string, key?: string) {
    super(message);
    this.key = key;
  }
}

export function resolveConfig(raw: unknown, today: number): ConnectorConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`the config must be a JSON object (got ${describeValue(raw)})`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(formatIssue(first, raw as Record<string, unknown>), keyOf(first));
  }
  const config = parsed.data;

  const apiKey = config.api_key.trim();
  if (apiKey === '') throw new ConfigError('api_key is empty: paste a Devin service-user credential (cog_…)', 'api_key');
  // A header value cannot carry these; a key pasted with a stray character would fail on every request.
  if (/[\s\u0000-\u001f\u007f]/.test(apiKey)) {
    throw new ConfigError('api_key contains whitespace or control characters: paste the credential alone', 'api_key');
  }

  const startDay = resolveDay(config.start_date, 'start_date') ?? today - DEFAULT_START_DAYS_AGO;
  const endDay = resolveDay(config.end_date, 'end_date') ?? today;
  const earliest = parseDay(EARLIEST_START_DATE) as number;
  if (startDay < earliest) {
    throw new ConfigError(`start_date must be ${EARLIEST_START_DATE} or later (got "${formatDay(startDay)}")`, 'start_date');
  }
  if (startDay > endDay) throw new ConfigError(emptyRangeMessage(config, startDay, today), 'start_date');

  return {
    apiKey,
    startDay,
    endDay,
    lookbackDays: config.lookback_days,
    scope: config.scope,
    includeIdpUsers: config.include_idp_users,
    apiUrl: resolveApiUrl(config.api_url),
    maxConcurrency: config.max_concurrency,
    windowDays: config.window_days,
    metricsLogLevel: config.metrics_log_level,
  };
}

/**
 * Why the range is empty. Without an end_date the range ends at today's billing day, which is not
 * today's calendar date before 08:00 UTC: a start_date of "today" then is one day too late, and the
 * message says so rather than naming an end_date the user never set.
 */
function emptyRangeMessage(config: ParsedConfig, startDay: number, today: number): string {
  const startText = config.start_date ?? `${formatDay(startDay)} (the default, 30 days ago)`;
  if (config.end_date !== undefined) return `start_date ${startText} is after end_date ${config.end_date}: the range is empty`;
  const head = `start_date ${startText} is after today's billing day ${formatDay(today)} (end_date is not set, so the range ends today)`;
  if (startDay !== today + 1) return `${head}: the range is empty`;
  return (
    `${head}: a Devin billing day starts at 08:00 UTC, so until 08:00 UTC today's billing day is still ` +
    `yesterday's date; set start_date to ${formatDay(today)} or earlier, or run again after 08:00 UTC`
  );
}

function resolveDay(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  const day = parseDay(text);
  if (day === undefined) throw new ConfigError(`${key} must be a real calendar date YYYY-MM-DD (got "${text}")`, key);
  return day;
}

function resolveApiUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`api_url must be an absolute URL such as https://api.devin.ai (got ${describeValue(text)})`, 'api_url');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(
      `api_url must use https:// (plain http:// is allowed only for loopback hosts; got "${url.protocol}//${url.host}")`,
      'api_url',
    );
  }
  if (url.username || url.password) {
    throw new ConfigError('api_url must not contain a user name or password: the API key goes in api_key', 'api_url');
  }
  if (url.search || url.hash) {
    throw new ConfigError(`api_url must not have a query string or fragment (got "${url.origin}${url.pathname}…")`, 'api_url');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function keyOf(issue: z.core.$ZodIssue | undefined): string | undefined {
  const head = issue?.path[0];
  return typeof head === 'string' ? head : undefined;
}

/** One readable line per zod issue: "<key> must be … (got …)". */
function formatIssue(issue: z.core.$ZodIssue | undefined, raw: Record<string, unknown>): string {
  if (!issue) return 'the config is invalid';
  const key = keyOf(issue) ?? 'config';
  const value = key in raw ? raw[key] : undefined;
  const got = SECRET_KEYS.has(key) ? '' : ` (got ${describeValue(value)})`;
  // A required key that is missing was often typed another way (`apikey`): say which.
  if (value === undefined) return `${key} is required${requiredKeyHint(key, raw)}`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int'
        ? `${key} must be a whole number${got}`
        : issue.message.startsWith('must')
          ? `${key} ${issue.message}${got}`
          : `${key} must be ${article(issue.expected)}${got}`;
    case 'too_small':
      return `${key} must be at least ${String(issue.minimum)}${got}`;
    case 'too_big':
      return `${key} must be at most ${String(issue.maximum)}${got}`;
    case 'invalid_value':
      return `${key} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'invalid_format':
      return `${key} ${issue.message.startsWith('must') ? issue.message : 'has the wrong format'}${got}`;
    default:
      // zod/mini loads no locale, so zod's own text here is a bare "Invalid input": every check of the
      // schema either has a case above or carries its own `error`.
      return `${key}: ${issue.message}${got}`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short, safe preview of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
