/** Shared setup of the tap-devin tests: a small simulator on a fixed clock, and config/catalog files. */
import { KEY_ENTERPRISE, type Simulator } from '../../src/simulator/index.js';
import type { IoOverrides } from '../helpers/cli.js';
import { scratchDir, type TempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { runTap, withoutStamps, type Json, type TapRun } from '../helpers/singer.js';

export { FIXED_NOW };

/** 12 billing days up to today (2026-03-10): small enough to be fast, long enough for several slices. */
export const BASE_CONFIG = { api_key: KEY_ENTERPRISE, start_date: '2026-02-27', lookback_days: 0, window_days: 5 };

export const SIM_OPTIONS = { members: 6, days: 20, now: () => FIXED_NOW };

export interface TapFiles {
  dir: TempDir;
  config: string;
}

/** A config file for the simulator (plus extra keys); in a per-test dir unless one is given. */
export function configFile(sim: Simulator, extra: Json = {}, dir: TempDir = scratchDir()): TapFiles {
  return { dir, config: dir.json('config.json', { ...BASE_CONFIG, api_url: sim.url, ...extra }) };
}

/** `tap-devin` with a fixed clock. */
export function tap(argv: string[], overrides: IoOverrides = {}): Promise<TapRun> {
  return runTap(argv, { now: () => FIXED_NOW, ...overrides });
}

/** The discovered catalog for a config file. */
export async function discover(config: string): Promise<{ streams: Json[] }> {
  const run = await tap(['--config', config, '--discover']);
  if (run.code !== 0) throw new Error(`discover failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { streams: Json[] };
}

/** stderr lines at a level (`CRITICAL`, `ERROR`, `WARNING`, …), without their timestamps. */
export function linesAt(stderr: string, level: string): string[] {
  return withoutStamps(stderr).split('\n').filter((line) => line.startsWith(`${level} `));
}
