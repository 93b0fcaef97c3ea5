/**
 * The pieces both front doors share: loading and resolving the config, and building the HTTP
 * client with its limiter (and the proxy the environment asks for) for one command.
 */
import { resolveConfig, type ConnectorConfig } from '../config/resolve.js';
import { describeKeyWarning, unknownKeys } from '../config/unknown-keys.js';
import { dayOfMillis } from '../devin/billing-day.js';
import { DevinClient, type HttpAttempt, type LogFn } from '../devin/client.js';
import type { Scope } from '../devin/endpoints.js';
import { AdaptiveLimiter } from '../devin/limiter.js';
import { resolveScope } from '../devin/scope.js';
import { ConnectorError, UnreachableError } from '../devin/errors.js';
import type { ReadOutput } from '../engine/output.js';
import { reportNoRead, type ConfiguredStream } from '../engine/read.js';
import type { ScopeKind } from '../streams/types.js';
import { proxyFor } from '../devin/proxy.js';
import type { Redactor } from '../devin/redactor.js';
import { userAgent } from '../version.js';
import type { CliIo } from './io.js';

/** Resolves a raw config (registering the key with the redactor first, so it can never leak). */
export function loadConfig(raw: unknown, io: CliIo, redactor: Redactor): ConnectorConfig {
  rememberSecret(raw, redactor);
  return resolveConfig(raw, dayOfMillis(io.now()));
}

/** Registers a raw config's key with the redactor: call it before anything about the file is printed. */
export function rememberSecret(raw: unknown, redactor: Redactor): void {
  if (raw && typeof raw === 'object' && 'api_key' in raw && typeof raw.api_key === 'string') redactor.add(raw.api_key);
}

/**
 * One warning line per unknown or retired key of a config file (SPEC §3), naming the file; the
 * front door decides where warnings go. Keys that a merged config took from elsewhere are the
 * caller's to filter.
 */
export function configKeyWarnings(raw: unknown, where: (key: string) => string): string[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  return unknownKeys(raw as Record<string, unknown>).map((warning) => `${where(warning.key)}: ${describeKeyWarning(warning)}`);
}

export interface ClientHooks {
  /** Retry notices and other client logs. */
  log?: LogFn;
  /** Called after every HTTP attempt (metrics). */
  onAttempt?: (attempt: HttpAttempt) => void;
  /** Aborts every request in flight (the reader of stdout went away). */
  signal?: AbortSignal;
}

/**
 * The client for one command. It gets the command's redactor, so what the server echoes is cleaned
 * before it is cut short. Throws a config_error ConnectorError when a proxy variable is unusable (see
 * proxyFor); an injected dispatcher (tests) bypasses proxies.
 */
export function createClient(
  config: ConnectorConfig,
  io: CliIo,
  redactor: Redactor,
  hooks: ClientHooks = {},
): DevinClient {
  const { log, onAttempt, signal } = hooks;
  const proxy = io.dispatcher ? undefined : proxyFor(new URL(config.apiUrl), io.env);
  if (proxy) log?.('INFO', `connecting to ${new URL(config.apiUrl).host} through ${proxy.label}`);
  // The limiter and the client keep their own clocks (monotonic; wall clock for Retry-After dates),
  // io.httpClock in tests: io.now is the data clock, which tests freeze to fix "today".
  const clock = io.httpClock;
  const sleep = clock ? (ms: number) => clock.sleep(ms) : io.sleep;
  const limiter = new AdaptiveLimiter({
    maxConcurrency: config.maxConcurrency,
    ...(sleep ? { sleep } : {}),
    ...(clock ? { now: () => clock.now() } : {}),
  });
  return new DevinClient({
    apiUrl: config.apiUrl,
    apiKey: config.apiKey,
    userAgent: userAgent(),
    limiter,
    redactor,
    ...(io.retryPolicy ? { policy: io.retryPolicy } : {}),
    ...(io.bodyLimits ? { bodyLimits: io.bodyLimits } : {}),
    ...(io.dispatcher ? { dispatcher: io.dispatcher } : {}),
    ...(proxy ? { proxy } : {}),
    ...(io.lookup ? { lookup: io.lookup } : {}),
    ...(sleep ? { sleep } : {}),
    ...(clock ? { now: () => clock.now(), after: (ms: number, fn: () => void) => clock.after(ms, fn) } : {}),
    ...(io.random ? { random: io.random } : {}),
    ...(log ? { log } : {}),
    ...(onAttempt ? { onAttempt } : {}),
    ...(signal ? { signal } : {}),
  });
}

/**
 * The scope a read runs in (one GET /v3/self). When it cannot be resolved no stream can run: every
 * stream is marked INCOMPLETE and the error is rethrown for the front door to report once.
 */
export async function openReadScope(
  client: DevinClient,
  config: ConnectorConfig,
  output: ReadOutput,
  streams: readonly ConfiguredStream[],
): Promise<Scope> {
  try {
    return await resolveReadScope(client, config);
  } catch (error) {
    reportNoRead(output, streams);
    throw error;
  }
}

/** GET /v3/self for a read; a host that cannot be reached is said so, naming it, once. */
export async function resolveReadScope(client: DevinClient, config: ConnectorConfig): Promise<Scope> {
  try {
    return await resolveScope(client, config.scope);
  } catch (error) {
    throw error instanceof UnreachableError
      ? new ConnectorError(`cannot reach the Devin API at ${error.host}: ${error.message}`, error.failureType, error.internal)
      : error;
  }
}

/** The scope whose streams discover lists: offline for an explicit scope, one GET /v3/self for `auto`. */
export async function discoveryScope(config: ConnectorConfig, io: CliIo, redactor: Redactor): Promise<ScopeKind> {
  if (config.scope !== 'auto') return config.scope;
  const client = createClient(config, io, redactor);
  try {
    return (await resolveScope(client, 'auto')).kind;
  } finally {
    await client.close();
  }
}

/** "stream secrets is not offered with an enterprise-scoped key (…)". */
export function notInScopeMessage(streams: readonly string[], scope: Scope): string {
  const what = streams.length === 1 ? `stream ${streams[0]} is` : `streams ${streams.join(', ')} are`;
  const key = scope.kind === 'enterprise' ? 'an enterprise-scoped key' : `a key scoped to organization ${scope.orgId}`;
  return `${what} not offered with ${key}; remove ${streams.length === 1 ? 'it' : 'them'} from the catalog (discover lists the streams of this scope)`;
}
