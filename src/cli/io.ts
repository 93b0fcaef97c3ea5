/**
 * What a front door needs from the outside world. The binaries pass the real process; tests pass
 * in-memory streams, a fixed clock, a MockAgent dispatcher or tiny retry delays.
 */
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { BodyLimits } from '../devin/response-body.js';
import type { RetryPolicy } from '../devin/retry.js';
import type { CheckpointPolicy } from '../engine/checkpoint.js';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  now: () => number;
  /** HTTP overrides for tests. */
  dispatcher?: Dispatcher;
  retryPolicy?: RetryPolicy;
  /** What one answer may cost; tests shrink it to a few KB. */
  bodyLimits?: BodyLimits;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  checkpointPolicy?: CheckpointPolicy;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now };
}

/** Exit codes: 0 success, 1 failure (config, API, bug), 2 command-line usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
