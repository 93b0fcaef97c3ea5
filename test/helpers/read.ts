/**
 * Reads against the simulator and compares with its ground truth. A fixed clock keeps "today" (and so
 * the signpost and the default end date) the same for the simulator and the connector.
 */
import { expect } from 'vitest';
import { formatDay, dayOfMillis } from '../../src/devin/billing-day.js';
import { findStream } from '../../src/streams/index.js';
import type { CheckpointPolicy } from '../../src/engine/checkpoint.js';
import type { Simulator } from '../../src/simulator/index.js';
import { runAirbyte, type CliRun, type IoOverrides } from './cli.js';
import { configuredCatalog, scratchDir, type SyncModeName } from './files.js';
import { assertRecordMatchesSchema } from './protocol.js';

/** 2026-03-10T12:00:00Z: billing day 2026-03-10 (started 08:00Z). */
export const FIXED_NOW = Date.parse('2026-03-10T12:00:00Z');
export const FIXED_TODAY = formatDay(dayOfMillis(FIXED_NOW));

export type Record_ = Record<string, unknown>;

export function recordsOf(run: Pick<CliRun, 'messages'>, stream: string): Record_[] {
  return run.messages
    .filter((m) => m.type === 'RECORD' && (m.record as Record_).stream === stream)
    .map((m) => (m.record as Record_).data as Record_);
}

export function statesOf(run: Pick<CliRun, 'messages'>, stream?: string): Array<Record<string, unknown>> {
  return run.messages
    .filter((m) => m.type === 'STATE')
    .map((m) => m.state as Record_)
    .filter((s) => stream === undefined || ((s.stream as Record_).stream_descriptor as Record_).name === stream);
}

export function streamStateOf(state: Record_): Record_ {
  return (state.stream as Record_).stream_state as Record_;
}

/** The state array Airbyte would pass to the next read: the last STATE of each stream. */
export function lastStateArray(run: Pick<CliRun, 'messages'>): unknown[] {
  const last = new Map<string, Record_>();
  for (const state of statesOf(run)) {
    const name = ((state.stream as Record_).stream_descriptor as Record_).name as string;
    const { sourceStats: _ignored, ...rest } = state;
    last.set(name, rest);
  }
  return [...last.values()];
}

/** The record's primary key as one string, from the stream's declaration (never hand-written per stream). */
export function primaryKey(stream: string, record: Record_): string {
  const declaration = findStream(stream);
  if (!declaration) throw new Error(`no stream ${stream}`);
  return declaration.primaryKey.map((path) => JSON.stringify(path.reduce<unknown>((value, key) => (value as Record_ | undefined)?.[key], record))).join('@');
}

export function byKey(stream: string, records: readonly object[]): Map<string, Record_> {
  const map = new Map<string, Record_>();
  for (const record of records as readonly Record_[]) map.set(primaryKey(stream, record), record);
  return map;
}

/** Records equal the ground truth exactly, compared by primary key; no key appears twice. */
export function expectRecordsToEqualTruth(stream: string, actual: readonly Record_[], truth: readonly object[]): void {
  const actualByKey = byKey(stream, actual);
  expect(actualByKey.size, `${stream}: duplicate primary keys`).toBe(actual.length);
  const truthByKey = byKey(stream, truth as readonly Record_[]);
  expect([...actualByKey.keys()].sort()).toEqual([...truthByKey.keys()].sort());
  for (const [key, record] of truthByKey) expect(actualByKey.get(key), `${stream} ${key}`).toEqual(record);
  for (const record of actual) assertRecordMatchesSchema(stream, record);
}

export interface ReadArgs {
  sim: Simulator;
  config: Record<string, unknown>;
  streams: Record<string, SyncModeName>;
  state?: unknown;
  now?: number;
  policy?: CheckpointPolicy;
  overrides?: IoOverrides;
}

/** One `source-devin read` against the simulator, in-process. */
export async function readWith(args: ReadArgs): Promise<CliRun> {
  const dir = scratchDir();
  const config = dir.json('config.json', { api_url: args.sim.url, ...args.config });
  const catalog = dir.json('catalog.json', configuredCatalog(args.streams));
  const argv = ['read', '--config', config, '--catalog', catalog];
  if (args.state !== undefined) argv.push('--state', dir.json('state.json', args.state));
  const now = args.now ?? FIXED_NOW;
  return runAirbyte(argv, {
    now: () => now,
    ...(args.policy ? { checkpointPolicy: args.policy } : {}),
    ...args.overrides,
  });
}

/** Statuses per stream, in order. `waits: false` leaves out the RUNNING statuses that give a reason (RATE_LIMITED). */
export function statusesOf(run: Pick<CliRun, 'messages'>, stream: string, options: { waits?: boolean } = {}): string[] {
  return run.messages
    .filter((m) => m.type === 'TRACE' && (m.trace as Record_).type === 'STREAM_STATUS')
    .map((m) => (m.trace as Record_).stream_status as Record_)
    .filter((s) => (s.stream_descriptor as Record_).name === stream)
    .filter((s) => options.waits !== false || s.reasons === undefined)
    .map((s) => String(s.status));
}
