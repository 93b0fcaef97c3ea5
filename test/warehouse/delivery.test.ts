/**
 * Issue 14 point 6, the delivery guarantee in a real database: two incremental reads with a lookback
 * (the second's --state = the last STATE of each stream of the first), merged into DuckDB on each
 * stream's primary key by the demo's loader, give exactly the tables of one full read, row for row.
 * Every stream of an enterprise key takes part, from the declarations: incremental ones are merged,
 * full-refresh ones replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDay, parseDay } from '../../src/devin/billing-day.js';
import { streamsOfScope } from '../../src/streams/index.js';
import { syncModesOf, type StreamDeclaration } from '../../src/streams/types.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { CliRun } from '../helpers/cli.js';
import { tempDir, type SyncModeName } from '../helpers/files.js';
import { FIXED_TODAY, lastStateArray, recordsOf } from '../helpers/read.js';
import { readInto, warehouseModule, type Row, type Warehouse, type WarehouseModule } from './support.js';

const START = '2026-02-01';
const FIRST_END = formatDay(parseDay(FIXED_TODAY)! - 12);
const LOOKBACK_DAYS = 4;

const dir = tempDir();
const streams: StreamDeclaration[] = streamsOfScope('enterprise');
const incremental = Object.fromEntries(streams.map((s) => [s.name, syncModesOf(s).includes('incremental') ? 'incremental' : 'full_refresh'])) as Record<string, SyncModeName>;
const fullRefresh = Object.fromEntries(streams.map((s) => [s.name, 'full_refresh'])) as Record<string, SyncModeName>;

let sim: Simulator;
let module: WarehouseModule;
let merged: Warehouse;
let full: Warehouse;
let first: CliRun;
let second: CliRun;

beforeAll(async () => {
  sim = await startSimulator({ members: 12, days: 45, now: () => Date.parse(`${FIXED_TODAY}T12:00:00Z`) });
  module = await warehouseModule();
  const config = { api_key: KEY_ENTERPRISE, start_date: START, lookback_days: LOOKBACK_DAYS, window_days: 10 };

  merged = await module.openWarehouse(dir.path('incremental.duckdb'));
  first = await readInto(dir, 'first', { sim, config: { ...config, end_date: FIRST_END }, streams: incremental });
  expect(first.code, first.stderr).toBe(0);
  await module.loadRead(merged, streams, module.recordsByStream(first.messages as Row[]), incremental);
  second = await readInto(dir, 'second', { sim, config, streams: incremental, state: lastStateArray(first) });
  expect(second.code, second.stderr).toBe(0);
  await module.loadRead(merged, streams, module.recordsByStream(second.messages as Row[]), incremental);

  full = await module.openWarehouse(dir.path('full.duckdb'));
  const once = await readInto(dir, 'full', { sim, config, streams: fullRefresh });
  expect(once.code, once.stderr).toBe(0);
  await module.loadRead(full, streams, module.recordsByStream(once.messages as Row[]), fullRefresh);
});
afterAll(async () => {
  merged?.close();
  full?.close();
  await sim?.close();
});

async function tableRows(warehouse: Warehouse, stream: StreamDeclaration): Promise<Row[]> {
  const { name, key } = module.tableOf(stream);
  return warehouse.query(`SELECT * FROM "${name}" ORDER BY ${key.map((k) => `"${k}"`).join(', ')}`);
}

describe('two incremental reads merged on the primary key = one full read, in DuckDB', () => {
  it.each(streams.map((s) => [s.name, s] as const))('%s', async (_name, stream) => {
    const once = await tableRows(full, stream);
    expect(await tableRows(merged, stream)).toEqual(once);
  });

  it('the reads overlapped (the lookback re-read rows the merge deduplicated) and most tables hold data', async () => {
    const overlap = (name: string): number => recordsOf(first, name).length + recordsOf(second, name).length;
    const rows = async (name: string): Promise<number> => Number((await merged.query(`SELECT COUNT(*) AS n FROM "${name}"`))[0]!.n);
    for (const name of ['daily_consumption', 'pr_metrics', 'daily_consumption_totals']) {
      expect(overlap(name), name).toBeGreaterThan(await rows(name));
      // The second read started from the first's state, not from start_date.
      expect(recordsOf(second, name).length, name).toBeLessThan(await rows(name));
    }
    const empty: string[] = [];
    for (const stream of streams) if ((await rows(stream.name)) === 0) empty.push(stream.name);
    expect(empty).toEqual([]);
  });
});
