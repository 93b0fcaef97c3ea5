/**
 * tap-devin writes the records of one API answer in one write (`SingerReadOutput.records`), like the
 * Airbyte writer. It must print exactly what the per-record path (`record` for each) printed: the
 * same SCHEMA, RECORD and STATE messages byte for byte, field selection honoured (pre-serialised
 * `json` reused only when nothing is deselected), the same record counts and nulled-field warnings,
 * and the reader's backpressure still honoured.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runTapDevin } from '../../src/cli/singer-main.js';
import { LineWriter } from '../../src/protocol/line-writer.js';
import { planDefaultStreams } from '../../src/protocol/singer-selection.js';
import { SingerStateTracker } from '../../src/protocol/singer-state.js';
import { SingerLog } from '../../src/protocol/singer-log.js';
import { Redactor } from '../../src/devin/redactor.js';
import { SingerReadOutput, SingerWriter } from '../../src/protocol/singer.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { NormalizedRecord } from '../../src/streams/normalize.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { scratchDir, tempDir } from '../helpers/files.js';
import { parseJsonLines } from '../helpers/protocol.js';
import { editCatalog, metadataAt, metricsOf, recordsOf, schemasOf, type Json } from '../helpers/singer.js';
import { FIXED_TODAY } from '../helpers/read.js';
import { VirtualTime } from '../helpers/virtual-time.js';
import { configFile, discover, FIXED_NOW, SIM_OPTIONS, tap } from './support.js';
import { StallingReader, expectReadToRestWhileStalled } from '../helpers/stalling-reader.js';

const files = tempDir();
let sim: Simulator;
let config: string;
let catalog: { streams: Json[] };

beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
  // One request at a time: records then come in the same order on every run.
  config = configFile(sim, { max_concurrency: 1 }, files).config;
  catalog = await discover(config);
});
afterAll(() => sim.close());

/** Checkpoints only where a slice or stream ends, never on a timer: the same STATEs every run. */
const STEADY = { checkpointPolicy: { everyUnits: 1_000_000, everyMs: 3_600_000 } };

type Proto = { records?: SingerReadOutput['records'] };

/** The same sync twice: as shipped (batched), and with `records` hidden so the engine calls `record` per record. */
async function bothPaths(argv: string[]) {
  const batches = vi.spyOn(SingerReadOutput.prototype, 'records');
  const batched = await tap(argv, STEADY);
  const batchCalls = batches.mock.calls.length;
  batches.mockRestore();
  const proto = SingerReadOutput.prototype as Proto;
  const records = proto.records;
  delete proto.records;
  const single = vi.spyOn(SingerReadOutput.prototype, 'record');
  let perRecord;
  try {
    perRecord = await tap(argv, STEADY);
  } finally {
    proto.records = records;
  }
  const recordCalls = single.mock.calls.length;
  single.mockRestore();
  expect(batched.code, batched.stderr).toBe(0);
  expect(perRecord.code, perRecord.stderr).toBe(0);
  return { batched, perRecord, batchCalls, recordCalls };
}

/** stderr without the HTTP timers (wall-clock durations, different on every run). */
const steadyStderr = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => !line.includes('"http_request_duration"'))
    .join('\n');

let counter = 0;
const catalogFile = (document: unknown) => files.json(`catalog-${(counter += 1)}.json`, document);

describe('records of one API answer in one write', () => {
  it('with nothing deselected: the same bytes as the per-record path, in fewer calls', async () => {
    const { batched, perRecord, batchCalls, recordCalls } = await bothPaths(['--config', config]);
    const records = batched.messages.filter((m) => m.type === 'RECORD').length;
    expect(records).toBeGreaterThan(50);
    expect(batched.stdout).toBe(perRecord.stdout);
    expect(steadyStderr(batched.stderr)).toBe(steadyStderr(perRecord.stderr));
    // The batched path was the one taken, with far fewer calls than records; the other took one per record.
    expect(batchCalls).toBeGreaterThan(0);
    expect(batchCalls).toBeLessThan(records / 2);
    expect(recordCalls).toBe(records);
    // record_count counts every record of every batch.
    for (const stream of ['members', 'daily_consumption', 'pr_metrics']) {
      const count = metricsOf(batched.stderr).find((m) => m.metric === 'record_count' && (m.tags as Json).stream === stream);
      expect(count?.value, stream).toBe(recordsOf(batched, stream).length);
    }
  });

  it('records keep the schema order of their fields', async () => {
    const run = await tap(['--config', config], STEADY);
    for (const stream of ['members', 'daily_consumption', 'pr_metrics']) {
      const order = Object.keys((schemasOf(run, stream)[0]?.schema as Json).properties as Json);
      const records = recordsOf(run, stream);
      expect(records.length, stream).toBeGreaterThan(0);
      for (const record of records) expect(Object.keys(record)).toEqual(order.filter((name) => name in record));
    }
  });

  it('with fields deselected: selection honoured, the same bytes as the per-record path', async () => {
    const edited = editCatalog(catalog, (entry) => {
      if (entry.tap_stream_id === 'daily_consumption') {
        metadataAt(entry, ['properties', 'email']).selected = false;
        metadataAt(entry, ['properties', 'acus_by_product']).selected = false;
      }
      if (entry.tap_stream_id === 'members') metadataAt(entry, ['properties', 'name']).selected = false;
    });
    const { batched, perRecord } = await bothPaths(['--config', config, '--catalog', catalogFile(edited)]);
    expect(batched.stdout).toBe(perRecord.stdout);
    expect(steadyStderr(batched.stderr)).toBe(steadyStderr(perRecord.stderr));
    const consumption = recordsOf(batched, 'daily_consumption');
    expect(consumption.length).toBeGreaterThan(0);
    // Schema order, without the deselected fields (the pre-serialised json was not used).
    const order = Object.keys((schemasOf(batched, 'daily_consumption')[0]?.schema as Json).properties as Json);
    expect(order.filter((name) => name !== 'email' && name !== 'acus_by_product')).toEqual(order);
    for (const record of consumption) expect(Object.keys(record)).toEqual(order);
    for (const record of recordsOf(batched, 'members')) expect(record).not.toHaveProperty('name');
  });

});

/** A SingerReadOutput writing into strings, on a fixed clock. */
function memoryOutput(plans = planDefaultStreams('enterprise')) {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({ write: (chunk: Buffer, _encoding, callback) => ((out[key] += chunk.toString('utf8')), callback()) });
  const lines = new LineWriter(sink('stdout'));
  const log = new SingerLog(sink('stderr'), new Redactor(), 'INFO', () => FIXED_NOW);
  const output = new SingerReadOutput({
    writer: new SingerWriter(lines, () => FIXED_NOW),
    log,
    plans,
    state: new SingerStateTracker({}),
    now: () => FIXED_NOW,
  });
  // The log gathers its lines until the next turn (src/protocol/singer-log.ts): flush both, as tap-devin does.
  const flush = async (): Promise<void> => {
    await lines.flush();
    log.flush();
  };
  return { output, out, flush };
}

const NULLED = [{ field: 'email', change: 'NULLED' as const, reason: 'SOURCE_SERIALIZATION_ERROR' as const }];
const member = (i: number, nulled = false): NormalizedRecord => {
  const data = { user_id: `u${i}`, email: nulled ? null : `u${i}@example.com`, name: `Name "${i}"`, org_id: null };
  return nulled ? { data, changes: NULLED, json: JSON.stringify(data) } : { data, json: JSON.stringify(data) };
};

describe('SingerReadOutput.records', () => {
  const batches = [[member(1), member(2, true)], [member(3)], [], [member(4, true), member(5, true), member(6)]];

  async function both(plans?: ReturnType<typeof planDefaultStreams>) {
    const single = memoryOutput(plans);
    const batched = memoryOutput(plans);
    for (const target of [single, batched]) target.output.streamStatus('members', 'STARTED');
    for (const batch of batches) {
      for (const record of batch) await single.output.record('members', record);
      await batched.output.records('members', batch);
    }
    for (const target of [single, batched]) {
      target.output.checkpoint('members', {});
      target.output.streamStatus('members', 'COMPLETE');
      await target.flush();
    }
    return { single: single.out, batched: batched.out };
  }

  it('prints what record() prints for each, with the same record_count and nulled-field count', async () => {
    const { single, batched } = await both();
    expect(batched.stdout).toBe(single.stdout);
    expect(batched.stderr).toBe(single.stderr);
    expect(parseJsonLines(batched.stdout).filter((m) => m.type === 'RECORD')).toHaveLength(6);
    expect(batched.stderr).toContain('WARNING members: 3 records had fields of an unexpected type, sent as null');
    expect(metricsOf(batched.stderr).find((m) => m.metric === 'record_count')?.value).toBe(6);
  });

  it('honours field selection, in the records\' own (schema) order', async () => {
    const plans = planDefaultStreams('enterprise').map((plan) =>
      plan.stream.name === 'members' ? { ...plan, fields: new Set(['name', 'user_id']) } : plan,
    );
    const { single, batched } = await both(plans);
    expect(batched.stdout).toBe(single.stdout);
    const records = parseJsonLines(batched.stdout).filter((m) => m.type === 'RECORD');
    expect(records.map((m) => Object.keys(m.record as Json))).toEqual(Array(6).fill(['user_id', 'name']));
  });

  it('reuses a record\'s pre-serialised json only when no field is deselected', async () => {
    const spaced: NormalizedRecord = { data: { user_id: 'u9' }, json: '{"user_id": "u9"}' };
    const all = memoryOutput();
    all.output.streamStatus('members', 'STARTED');
    await all.output.records('members', [spaced]);
    await all.flush();
    expect(all.out.stdout).toContain('"record":{"user_id": "u9"},');
    const plans = planDefaultStreams('enterprise').map((plan) =>
      plan.stream.name === 'members' ? { ...plan, fields: new Set(['user_id']) } : plan,
    );
    const some = memoryOutput(plans);
    some.output.streamStatus('members', 'STARTED');
    await some.output.records('members', [spaced]);
    await some.flush();
    expect(some.out.stdout).toContain('"record":{"user_id":"u9"},');
  });
});

const nothing = new Writable({ write: (_chunk, _encoding, callback) => callback() });

describe('backpressure on the batched path', () => {
  it('records() hands back the reader\'s promise once stdout is full, and it settles only after the reader drains', async () => {
    const reader = new StallingReader(0);
    const lines = new LineWriter(reader);
    const plans = planDefaultStreams('enterprise');
    const output = new SingerReadOutput({
      writer: new SingerWriter(lines, () => FIXED_NOW),
      log: new SingerLog(nothing, new Redactor(), 'INFO'),
      plans,
      state: new SingerStateTracker({}),
      now: () => FIXED_NOW,
    });
    // 100 KiB of records in one batch: more than one flush, so stdout is written (and fills) at once.
    const batch: NormalizedRecord[] = Array.from({ length: 1_000 }, (_, i) => ({
      data: { user_id: `user-${i}`, email: `${'x'.repeat(80)}${i}@example.com` },
    }));
    output.streamStatus('members', 'STARTED');
    const pending = output.records('members', batch);
    expect(pending).toBeInstanceOf(Promise);
    let settled = false;
    void pending?.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    reader.release();
    await pending;
    expect(settled).toBe(true);
    await lines.flush();
    const records = parseJsonLines(reader.text).filter((m) => m.type === 'RECORD');
    expect(records.map((m) => (m.record as Json).user_id)).toEqual(batch.map((r) => r.data.user_id));
  });

  it('a stalled reader stops the requests; the sync completes once it drains', async () => {
    // In virtual time (test/helpers/virtual-time.ts): "stops" is decided by counting, not by a
    // real-time window. Latency >= 1 ms: every request waits at the simulator on the virtual clock.
    const time = new VirtualTime(FIXED_NOW);
    const big = await startSimulator({ members: 200, days: 40, now: () => FIXED_NOW, latencyMs: 1, timers: time.simulatorTimers });
    try {
      const dir = scratchDir();
      const stdout = new StallingReader(64 * 1024);
      const config = dir.json('config.json', {
        api_key: 'cog_sim_enterprise',
        api_url: big.url,
        start_date: '2026-02-01',
        window_days: 90,
      });
      const selected = editCatalog(await time.run(discover(config)), (entry) => {
        metadataAt(entry, []).selected = entry.tap_stream_id === 'daily_consumption';
      });
      const reading = runTapDevin(['--config', config, '--catalog', dir.json('catalog.json', selected)], {
        stdout,
        stderr: nothing,
        env: {},
        now: () => FIXED_NOW,
        retryPolicy: FAST_RETRY,
        ...STEADY,
        dispatcher: time.dispatcher,
        httpClock: time.httpClock,
      });
      await expectReadToRestWhileStalled(time, reading, stdout, () => big.requests.length, 1 + 2 + 200);
      stdout.release();
      expect(await time.run(reading)).toBe(0);
      const messages = parseJsonLines(stdout.text);
      const truth = big.groundTruth({ startDate: '2026-02-01', endDate: FIXED_TODAY });
      expect(messages.filter((m) => m.type === 'RECORD')).toHaveLength(truth.daily_consumption.length);
    } finally {
      await big.close();
      await time.close();
    }
  });
});
