/**
 * What a front door needs from the outside world. The binaries pass the real process; tests pass
 * in-memory streams, a fixed clock, a MockAgent dispatcher or tiny retry delays. `env` is where the
 * proxy variables are read (never process.env directly), so in-process tests can set them.
 */
import type { LookupFunction } from 'node:net';
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { BodyLimits } from '../devin/response-body.js';
import type { RetryPolicy } from '../devin/retry.js';
import type { CheckpointPolicy } from '../engine/checkpoint.js';

/**
 * The HTTP layer's clock (limiter pacing, retry waits, per-attempt deadlines, Retry-After dates).
 * Tests pass a virtual one so a run replays exactly; without it: performance.now, Date.now and
 * real timers.
 */
export interface HttpClock {
  /** Milliseconds since the epoch (read as both the monotonic and the wall clock). */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Runs `fn` after `ms`; returns what cancels it. */
  after(ms: number, fn: () => void): () => void;
}

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
  httpClock?: HttpClock;
  checkpointPolicy?: CheckpointPolicy;
  /** DNS lookup for the connector's own connections (tests: a mistyped host that must not leave the machine). */
  lookup?: LookupFunction;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now };
}

/** Exit codes: 0 success, 1 failure (config, API, bug), 2 command-line usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
