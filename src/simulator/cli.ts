#!/usr/bin/env node
/**
 * source-devin-simulator: runs the simulated Devin API on loopback until SIGINT/SIGTERM.
 * stdout gets exactly one JSON line ({"url", "keys"}) so scripts can read where it listens;
 * everything for people goes to stderr.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_KEYS } from './keys.js';
import { startSimulator } from './server.js';
import type { SimulatorOptions } from './types.js';

const USAGE =
  'usage: source-devin-simulator [--port 8787] [--members 50] [--days 60] [--seed 42] ' +
  '[--sessions 200] [--sessions-ignore-time-filters] [--rate-limit N] [--latency-ms N] [--max-window-days N] [--quiet]';

class UsageError extends Error {}

function integerFlag(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function positiveNumberFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${name} must be a number > 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

interface CliSettings {
  options: SimulatorOptions;
  quiet: boolean;
  help: boolean;
}

function parseCli(argv: string[]): CliSettings {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        members: { type: 'string' },
        days: { type: 'string' },
        sessions: { type: 'string' },
        'sessions-ignore-time-filters': { type: 'boolean' },
        seed: { type: 'string' },
        'rate-limit': { type: 'string' },
        'latency-ms': { type: 'string' },
        'max-window-days': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const ratePerSecond = positiveNumberFlag('rate-limit', values['rate-limit']);
  const options: SimulatorOptions = {
    port: integerFlag('port', values.port, 0) ?? 8787,
    members: integerFlag('members', values.members, 0),
    days: integerFlag('days', values.days, 1),
    sessions: integerFlag('sessions', values.sessions, 0),
    sessionsIgnoreTimeFilters: values['sessions-ignore-time-filters'] ?? false,
    seed: integerFlag('seed', values.seed, Number.MIN_SAFE_INTEGER),
    latencyMs: integerFlag('latency-ms', values['latency-ms'], 0),
    maxConsumptionWindowDays: integerFlag('max-window-days', values['max-window-days'], 1) ?? null,
    rateLimit: ratePerSecond === undefined ? null : { ratePerSecond },
  };
  return { options, quiet: values.quiet ?? false, help: values.help ?? false };
}

async function main(): Promise<void> {
  let settings: CliSettings;
  try {
    settings = parseCli(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`source-devin-simulator: ${message.split('\n')[0]} (try --help)\n`);
    process.exitCode = 2;
    return;
  }
  if (settings.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options: SimulatorOptions = {
    ...settings.options,
    // The in-memory request log would grow without bound in a long-running process.
    logRequests: false,
    onRequest: settings.quiet
      ? undefined
      : (entry) => process.stderr.write(`${entry.status} ${entry.method} ${entry.rawUrl}${entry.fault ? ` [${entry.fault}]` : ''}\n`),
  };
  const simulator = await startSimulator(options);
  const keys = Object.keys(DEFAULT_KEYS);
  process.stdout.write(`${JSON.stringify({ url: simulator.url, keys })}\n`);
  process.stderr.write(
    `Simulated Devin API listening on ${simulator.url} (members ${options.members ?? 50}, days ${options.days ?? 60}, ` +
      `sessions ${options.sessions ?? 200}${options.sessionsIgnoreTimeFilters ? ' ignoring their time filters' : ''}, ` +
      `seed ${options.seed ?? 42}); try: curl -H 'Authorization: Bearer ${keys[0]}' ${simulator.url}/v3/self — Ctrl-C stops.\n`,
  );
  const stop = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`source-devin-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
