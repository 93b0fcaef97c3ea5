/**
 * The hot path serialises consumption records by hand (NormalizedRecord.json) and batches the
 * records of one answer into one write. Both are optimisations: the bytes on stdout must be exactly
 * what JSON.stringify of the record data gives, whatever the row holds.
 */
import { describe, expect, it } from 'vitest';
import { formatDay } from '../../src/devin/billing-day.js';
import { Redactor } from '../../src/devin/redactor.js';
import { AirbyteWriter } from '../../src/protocol/airbyte.js';
import { LineWriter } from '../../src/protocol/line-writer.js';
import { consumptionRecords, type MemberRef } from '../../src/streams/daily-consumption.js';
import { dayLabel, jsonNumber, type NormalizedRecord } from '../../src/streams/normalize.js';
import type { PlanContext } from '../../src/streams/types.js';
import type { ReadOutput } from '../../src/engine/output.js';
import { StreamRun, type StreamRunOptions } from '../../src/engine/stream-run.js';
import { membersStream } from '../../src/streams/members.js';
import { PassThrough } from 'node:stream';

const DAY = 20_427; // 2025-12-05
const at = (day: number): number => day * 86_400 + 8 * 3_600;

function context(orgId: string | null): PlanContext & { skipped: string[] } {
  const skipped: string[] = [];
  return {
    scope: orgId === null ? { kind: 'enterprise' } : { kind: 'organization', orgId },
    orgId,
    today: 0,
    skipRow: (reason) => skipped.push(reason),
    skipped,
  };
}

const MEMBERS: MemberRef[] = [
  { user_id: 'email|abc', email: 'ada@example.com' },
  { user_id: 'weird|../../v3/self "quoted" \\ back\\slash', email: null },
  { user_id: 'space user|a b%20c', email: 'Zoë Ångström <zoe@example.com>' },
  { user_id: 'ctl|\u0001\u001f\t\n', email: '李雷 🚀 \u2028\u2029' },
];

const ROWS: unknown[] = [
  { date: at(DAY), acus: 12.5, acus_by_product: { devin: 10, cascade: 2.25, terminal: 0.25, review: null } },
  { date: at(DAY + 1), acus: 0, acus_by_product: { devin: -0, cascade: 1e21, terminal: 1e-7, review: 0.1 + 0.2 } },
  // Wrong types become null and are reported as changes; numbers as strings are read.
  { date: at(DAY + 2), acus: '7.75', acus_by_product: { devin: 'lots', cascade: true, terminal: {}, review: '1e3' } },
  { date: at(DAY + 3), acus: null, acus_by_product: null },
  { date: at(DAY + 4), acus: 3, acus_by_product: 'not an object' },
  { date: at(DAY + 5), acus: Number.MAX_SAFE_INTEGER, acus_by_product: { devin: 5e-324, extra: 1 } },
  { date: `${formatDay(DAY + 6)}`, acus: 1.5, acus_by_product: {}, unknown_field: 'ignored' },
];

describe('consumption records built by hand', () => {
  it.each([null, 'org-sim-alpha', 'org "q" \\ 🚀'])('carry json equal to JSON.stringify(data) (org %s)', (orgId) => {
    for (const member of MEMBERS) {
      const records = consumptionRecords({ consumption_by_date: ROWS }, member, { from: DAY, to: DAY + 10 }, context(orgId));
      expect(records).toHaveLength(ROWS.length);
      for (const record of records) {
        expect(record.json).toBe(JSON.stringify(record.data));
        // (-0 in data is 0 in JSON, as with JSON.stringify)
        expect(JSON.parse(record.json as string)).toEqual(JSON.parse(JSON.stringify(record.data)));
      }
      expect(records.filter((r) => r.changes).map((r) => r.changes?.map((c) => c.field))).toEqual([
        ['acus_by_product.devin', 'acus_by_product.cascade', 'acus_by_product.terminal'],
        ['acus_by_product'],
      ]);
    }
  });

  it('formats numbers as JSON does', () => {
    const values = [0, -0, 1, -1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789.125, Number.MAX_VALUE, Number.MIN_VALUE];
    // The two-decimal fast path and its edges: every cent up to 2,000.00, large wholes, the 1e9 bound.
    for (let cents = 0; cents <= 200_000; cents += 1) values.push(cents / 100);
    values.push(1023.99, 1024, 1024.5, 999_999_999.99, 1e9, 1e9 + 0.5, 0.005, 0.015, 12.345, 2 ** 31 + 0.25, -0.01);
    // And numbers that are not two-decimal amounts, across magnitudes.
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i += 1) values.push(random() * 10 ** ((i % 14) - 4));
    const wrong = values.filter((value) => jsonNumber(value) !== JSON.stringify(value));
    expect(wrong).toEqual([]);
    expect(jsonNumber(null)).toBe('null');
  });

  it('labels days as formatDay does, also past the label cache', () => {
    for (let day = DAY - 5_000; day < DAY + 5_000; day += 7) expect(dayLabel(day)).toBe(formatDay(day));
    expect(dayLabel(DAY)).toBe('2025-12-05');
  });
});

describe('the Airbyte writer', () => {
  async function written(write: (output: ReturnType<AirbyteWriter['readOutput']>) => void): Promise<string[]> {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const lines = new LineWriter(stdout);
    const output = new AirbyteWriter(lines, new Redactor(), () => 1_764_950_000_000).readOutput();
    write(output);
    await lines.flush();
    return Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  }

  it('writes a batch exactly as one record at a time, with and without prebuilt json', async () => {
    const records = consumptionRecords({ consumption_by_date: ROWS }, MEMBERS[3] as MemberRef, { from: DAY, to: DAY + 10 }, context(null));
    const withoutJson: NormalizedRecord[] = records.map(({ json: _json, ...rest }) => rest);
    const batched = await written((output) => output.records?.('daily_consumption', records));
    const single = await written((output) => {
      for (const record of withoutJson) output.record('daily_consumption', record);
    });
    expect(batched).toEqual(single);
    expect(batched).toHaveLength(ROWS.length);
    for (const [index, line] of batched.entries()) {
      const message = JSON.parse(line) as { record: { data: unknown; meta?: unknown } };
      expect(message.record.data).toEqual(JSON.parse(JSON.stringify(records[index]?.data)));
      expect(message.record.meta).toEqual(records[index]?.changes ? { changes: records[index]?.changes } : undefined);
    }
  });

  it('counts every record of a batch in the next STATE', async () => {
    const records = consumptionRecords({ consumption_by_date: ROWS }, MEMBERS[0] as MemberRef, { from: DAY, to: DAY + 10 }, context(null));
    const lines = await written((output) => {
      output.records?.('daily_consumption', records);
      output.record('daily_consumption', records[0] as NormalizedRecord);
      output.checkpoint('daily_consumption', { date: '2025-12-05' });
    });
    const state = JSON.parse(lines.at(-1) as string) as { state: { sourceStats: { recordCount: number } } };
    expect(state.state.sourceStats.recordCount).toBe(ROWS.length + 1);
  });
});

describe('StreamRun.emit', () => {
  it('hands a large batch over in bounded parts, waiting for the reader between them', async () => {
    const calls: Array<{ size: number; at: number }> = [];
    let released = 0;
    let release: (() => void) | undefined;
    const output = {
      records: (_stream: string, batch: readonly NormalizedRecord[]) => {
        calls.push({ size: batch.length, at: released });
        // The reader is behind after every part: the next part must wait until it catches up.
        return new Promise<void>((resolve) => {
          release = () => {
            released += 1;
            resolve();
          };
        });
      },
    } as unknown as ReadOutput;
    const run = new StreamRun({ stream: membersStream, scope: { kind: 'enterprise' }, output } as unknown as StreamRunOptions);
    const records = Array.from({ length: 1_000 }, (_, i) => ({ data: { user_id: `u${i}` } }));
    const emitting = run.emit(records);
    for (let i = 0; i < 4; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      release?.();
    }
    await emitting;
    expect(calls).toEqual([
      { size: 256, at: 0 },
      { size: 256, at: 1 },
      { size: 256, at: 2 },
      { size: 232, at: 3 },
    ]);
    expect(run.recordCount).toBe(1_000);
  });
});
