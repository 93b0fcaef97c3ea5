/**
 * stdout backpressure: when the reader stops reading, the connector stops asking the API for more
 * (nothing piles up in memory), and it finishes normally once the reader drains. The read runs in
 * virtual time (test/helpers/virtual-time.ts), so "stops" is decided by counting: left alone with a
 * stalled reader, it comes to rest (nothing to send, nothing on the wire, no timer) with at most the
 * requests that were in flight added, not by watching a real-time window.
 */
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { LineWriter } from '../../src/protocol/line-writer.js';
import { KEY_ENTERPRISE, startSimulator } from '../../src/simulator/index.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, recordsOf } from '../helpers/read.js';
import { VirtualTime } from '../helpers/virtual-time.js';
import { StallingReader, expectReadToRestWhileStalled } from '../helpers/stalling-reader.js';

describe('a reader that stops reading', () => {
  it('stops the requests too, and the read completes once it drains', async () => {
    const time = new VirtualTime(FIXED_NOW);
    // latency >= 1 ms: every request waits at the simulator on the virtual clock (virtual-time.ts)
    const sim = await startSimulator({ members: 200, days: 40, now: () => FIXED_NOW, latencyMs: 1, timers: time.simulatorTimers });
    onTestFinished(async () => {
      await sim.close();
      await time.close();
    });
    const dir = scratchDir();
    const stdout = new StallingReader(64 * 1024);
    const stderr = new Writable({ write: (_c, _e, cb) => cb() });
    const reading = runSourceDevin(
      [
        'read',
        '--config',
        // One slice and no mid-slice checkpoints: only the records' own backpressure can hold the read.
        dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: '2026-02-01', window_days: 90, max_concurrency: 2 }),
        '--catalog',
        dir.json('catalog.json', configuredCatalog({ daily_consumption: 'full_refresh' })),
      ],
      {
        stdout,
        stderr,
        env: {},
        now: () => FIXED_NOW,
        retryPolicy: FAST_RETRY,
        checkpointPolicy: { everyUnits: 1_000_000, everyMs: 3_600_000 },
        dispatcher: time.dispatcher,
        httpClock: time.httpClock,
      },
    );
    await expectReadToRestWhileStalled(time, reading, stdout, () => sim.requests.length, 1 + 2 + 200);

    stdout.release();
    expect(await time.run(reading)).toBe(0);
    const run = { messages: parseJsonLines(stdout.text) };
    const truth = sim.groundTruth({ startDate: '2026-02-01', endDate: FIXED_TODAY });
    expectRecordsToEqualTruth('daily_consumption', recordsOf(run, 'daily_consumption'), truth.daily_consumption);
  });
});

describe('LineWriter', () => {
  it('hands back a promise once the stream is full, and keeps lines whole and in order', async () => {
    const reader = new StallingReader(0);
    const lines = new LineWriter(reader);
    let pending: Promise<void> | undefined;
    let written = 0;
    while (!pending && written < 10_000) {
      pending = lines.write({ type: 'RECORD', n: written });
      written += 1;
    }
    expect(pending).toBeInstanceOf(Promise);
    expect(written).toBeLessThan(5_000);
    reader.release();
    await pending;
    await lines.flush();
    const numbers = parseJsonLines(reader.text).map((m) => m.n);
    expect(numbers).toEqual(Array.from({ length: written }, (_, i) => i));
  });
});
