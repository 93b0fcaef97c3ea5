/**
 * Runs the front doors. `runAirbyte` calls the real CLI code in-process with in-memory stdout and
 * stderr (fast, and lets tests inject a clock, MockAgent or tiny retry delays); `spawnCli` runs the
 * compiled executable as a real process (built once by test/setup/global-build.ts).
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import type { CliIo } from '../../src/cli/io.js';
import { readFileSync } from 'node:fs';
import { assertAirbyteMessage, parseJsonLines } from './protocol.js';
import { assertNoSecrets } from './secrets.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Retries that finish in milliseconds: tests must not sleep through real backoff. */
export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20, requestTimeoutMs: 5_000 };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  messages: Array<Record<string, unknown>>;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

export type IoOverrides = Partial<Omit<CliIo, 'stdout' | 'stderr'>>;

/** A front door's entry point: `runSourceDevin` or `runTapDevin`. */
export type FrontDoor = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * Runs a front door in-process with in-memory stdout/stderr, fast retries by default, and the
 * secret-leak guard: every key named on the command line (and any `extraSecrets`) must be absent
 * from everything it printed.
 */
export async function runInProcess(
  main: FrontDoor,
  argv: string[],
  overrides: IoOverrides = {},
  extraSecrets: readonly string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const readOut = collect(stdout);
  const readErr = collect(stderr);
  const code = await main(argv, {
    env: {},
    now: Date.now,
    retryPolicy: FAST_RETRY,
    ...overrides,
    stdout,
    stderr,
  });
  const output = { code, stdout: readOut(), stderr: readErr() };
  assertNoSecrets(output, [...secretsIn(argv), ...extraSecrets]);
  return output;
}

/** Runs `source-devin <argv>` in-process; every stdout line is checked against AirbyteMessage. */
export async function runAirbyte(argv: string[], overrides: IoOverrides = {}, options: { validate?: boolean } = {}): Promise<CliRun> {
  const { code, stdout, stderr } = await runInProcess(runSourceDevin, argv, overrides);
  const isDocument = argv.includes('--help') || argv.includes('--version') || code === 2;
  const messages = isDocument ? [] : parseJsonLines(stdout);
  if (options.validate !== false) for (const message of messages) assertAirbyteMessage(message);
  return { code, stdout, stderr, messages };
}

export interface SpawnedRun extends CliRun {
  signal: NodeJS.Signals | null;
}

/** Runs a compiled executable (`dist/cli/<bin>.cjs`) as a child process. */
export function spawnCli(
  bin: 'source-devin' | 'tap-devin',
  argv: string[],
  options: { env?: Record<string, string>; onStdoutLine?: (line: string, kill: () => void) => void } = {},
): Promise<SpawnedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}dist/cli/${bin}.cjs`, ...argv], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onStdoutLine) return;
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        options.onStdoutLine(pending.slice(0, newline), kill);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      try {
        assertNoSecrets({ stdout, stderr }, secretsIn(argv));
      } catch (error) {
        reject(error as Error);
        return;
      }
      const complete = stdout.endsWith('\n') || stdout === '' ? stdout : stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      let messages: Array<Record<string, unknown>> = [];
      try {
        messages = parseJsonLines(complete);
      } catch {
        messages = [];
      }
      resolve({ code: code ?? -1, signal, stdout, stderr, messages });
    });
  });
}

/** The api_key of every config file named on the command line (they must never be printed). */
export function secretsIn(argv: readonly string[]): string[] {
  const secrets: string[] = [];
  argv.forEach((arg, index) => {
    const path = argv[index + 1];
    if (arg !== '--config' || !path || path === 'ENV') return;
    try {
      const config = JSON.parse(readFileSync(path, 'utf8')) as { api_key?: unknown };
      if (typeof config.api_key === 'string' && config.api_key.trim().length >= 4) secrets.push(config.api_key.trim());
    } catch {
      // unreadable or invalid config files are what some tests are about
    }
  });
  return secrets;
}
