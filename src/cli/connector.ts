/**
 * The pieces both front doors share: loading and resolving the config, and building the HTTP
 * client with its limiter for one command.
 */
import { resolveConfig, type ConnectorConfig } from '../config/resolve.js';
import { dayOfMillis } from '../devin/billing-day.js';
import { DevinClient, type HttpAttempt, type LogFn } from '../devin/client.js';
import { AdaptiveLimiter } from '../devin/limiter.js';
import type { Redactor } from '../protocol/redactor.js';
import { userAgent } from '../version.js';
import type { CliIo } from './io.js';

/** Resolves a raw config (registering the key with the redactor first, so it can never leak). */
export function loadConfig(raw: unknown, io: CliIo, redactor: Redactor): ConnectorConfig {
  if (raw && typeof raw === 'object' && 'api_key' in raw && typeof raw.api_key === 'string') redactor.add(raw.api_key);
  return resolveConfig(raw, dayOfMillis(io.now()));
}

export interface ClientHooks {
  /** Retry notices and other client logs. */
  log?: LogFn;
  /** Called after every HTTP attempt (metrics). */
  onAttempt?: (attempt: HttpAttempt) => void;
  /** Aborts every request in flight (the reader of stdout went away). */
  signal?: AbortSignal;
}

export function createClient(
  config: ConnectorConfig,
  io: CliIo,
  hooks: ClientHooks = {},
): DevinClient {
  const { log, onAttempt, signal } = hooks;
  const limiter = new AdaptiveLimiter({
    // The limiter and the client keep their own clocks (monotonic; wall clock for Retry-After
    // dates): io.now is the data clock, which tests freeze to fix "today".
    maxConcurrency: config.maxConcurrency,
    ...(io.sleep ? { sleep: io.sleep } : {}),
  });
  return new DevinClient({
    apiUrl: config.apiUrl,
    apiKey: config.apiKey,
    userAgent: userAgent(),
    limiter,
    ...(io.retryPolicy ? { policy: io.retryPolicy } : {}),
    ...(io.bodyLimits ? { bodyLimits: io.bodyLimits } : {}),
    ...(io.dispatcher ? { dispatcher: io.dispatcher } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
    ...(io.random ? { random: io.random } : {}),
    ...(log ? { log } : {}),
    ...(onAttempt ? { onAttempt } : {}),
    ...(signal ? { signal } : {}),
  });
}
