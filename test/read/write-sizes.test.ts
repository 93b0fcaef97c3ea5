/**
 * Every string the writers hand to stdout stays under V8's large-object size: a string of 128 KiB or
 * more is allocated in the large-object space, where dead ones wait for the next young-generation
 * collection, and a burst of them (the member list's batches, written in one turn) held ≈ 10 MB of
 * garbage at once (src/protocol/line-writer.ts). A batch of big records goes out in pieces, in order,
 * byte for byte what one string would have been.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/devin/redactor.js';
import { AirbyteWriter } from '../../src/protocol/airbyte.js';
import { LineWriter, PIECE_CHARS } from '../../src/protocol/line-writer.js';
import { SingerWriter } from '../../src/protocol/singer.js';
import type { NormalizedRecord } from '../../src/streams/normalize.js';

/** Under 64 Ki characters: under 128 KiB even when V8 stores the string with two bytes a character. */
const MAX_WRITE_CHARS = 64 * 1024;
const NOW = 1_790_000_000_000;

/** A stdout that keeps every write, as the string it was given. */
function recordingStdout(): { out: Writable; writes: string[] } {
  const writes: string[] = [];
  const out = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      writes.push(chunk);
      done();
    },
  });
  return { out, writes };
}

/** 256 records of ≈ 1.5 KB (a session's size), one with a character outside Latin-1. */
const bigRecords: NormalizedRecord[] = Array.from({ length: 256 }, (_, i) => {
  const data = { session_id: `devin-${i}`, title: `${i === 7 ? 'Ünïcödé — ✓ ' : ''}${'x'.repeat(1_500)}` };
  return { data, json: JSON.stringify(data) };
});

describe('a batch of big records', () => {
  it('goes to stdout in writes under the large-object size, the Airbyte lines unchanged', async () => {
    const { out, writes } = recordingStdout();
    const lines = new LineWriter(out);
    const output = new AirbyteWriter(lines, new Redactor(), () => NOW).readOutput();
    await output.records?.('sessions', bigRecords);
    await lines.flush();
    const expected = bigRecords
      .map((r) => `{"type":"RECORD","record":{"stream":"sessions","data":${JSON.stringify(r.data)},"emitted_at":${NOW}}}\n`)
      .join('');
    expect(writes.join('')).toBe(expected);
    expect(writes.length).toBeGreaterThan(expected.length / MAX_WRITE_CHARS);
    for (const write of writes) expect(write.length).toBeLessThan(MAX_WRITE_CHARS);
  });

  it('goes to stdout in writes under the large-object size, the Singer lines unchanged', async () => {
    const { out, writes } = recordingStdout();
    const lines = new LineWriter(out);
    const jsons = bigRecords.map((r) => r.json as string);
    await new SingerWriter(lines, () => NOW).records('sessions', jsons);
    await lines.flush();
    const stamp = new Date(NOW).toISOString();
    const expected = jsons.map((json) => `{"type":"RECORD","stream":"sessions","record":${json},"time_extracted":"${stamp}"}\n`).join('');
    expect(writes.join('')).toBe(expected);
    for (const write of writes) expect(write.length).toBeLessThan(MAX_WRITE_CHARS);
  });

  it('is queued in pieces of about PIECE_CHARS, whole lines each, and hands back the promise to wait on', async () => {
    const { out } = recordingStdout();
    const lines = new LineWriter(out);
    const queued: string[] = [];
    const writeText = lines.writeText.bind(lines);
    lines.writeText = (text: string) => {
      queued.push(text);
      return writeText(text);
    };
    const line = `${'y'.repeat(999)}\n`;
    expect(lines.writeLines(100, () => line)).toBeUndefined();
    expect(queued.join('')).toBe(line.repeat(100));
    for (const piece of queued) {
      expect(piece.endsWith('\n')).toBe(true);
      expect(piece.length).toBeLessThan(PIECE_CHARS + line.length);
    }
    expect(queued.length).toBe(Math.ceil(100 / Math.ceil(PIECE_CHARS / line.length)));
    await lines.flush();
  });
});
