/**
 * `tap-devin --test[=record|schema|all]` (SPEC §2, the Meltano SDK's convention) against the
 * simulator: how many SCHEMA, RECORD and STATE messages each stream gets, that reading stops at a
 * stream's first record (the simulator sees fewer requests than for a full sync, and only one request
 * per day-by-day stream), and the exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { defaultStreams } from '../../src/streams/index.js';

/** No catalog: the default streams. */
const STREAM_NAMES = defaultStreams(undefined).map((stream) => stream.name);
import type { CliRun } from '../helpers/cli.js';
import { recordsOf, schemasOf, stateValues, type Json } from '../helpers/singer.js';
import { SIM_OPTIONS, configFile, discover, linesAt, tap } from './support.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ ...SIM_OPTIONS, logRequests: true });
});
afterAll(() => sim.close());

/** Requests per kind of endpoint, for one run. */
function requestsBy(): Record<'members' | 'consumption' | 'prs' | 'other', number> {
  const counts = { members: 0, consumption: 0, prs: 0, other: 0 };
  for (const { path } of sim.requests) {
    if (path.includes('/consumption/')) counts.consumption++;
    else if (path.endsWith('/metrics/prs')) counts.prs++;
    else if (path.includes('/members')) counts.members++;
    else counts.other++;
  }
  return counts;
}

async function measured(argv: string[]): Promise<{ run: CliRun; requests: ReturnType<typeof requestsBy>; total: number }> {
  sim.clearRequests();
  const run = await tap(argv);
  const requests = requestsBy();
  return { run, requests, total: sim.requests.length };
}

function messageCounts(run: CliRun, stream: string): { schemas: number; records: number } {
  return { schemas: schemasOf(run, stream).length, records: recordsOf(run, stream).length };
}

describe('tap-devin --test', () => {
  it.each([['--test'], ['--test=record']])(
    '%s: one SCHEMA and one RECORD per stream, no STATE, exit 0, and far fewer requests than a full sync',
    async (flag) => {
      const { config } = configFile(sim);
      const full = await measured(['--config', config]);
      expect(full.run.code, full.run.stderr).toBe(0);
      const test = await measured(['--config', config, flag]);
      expect(test.run.code, test.run.stderr).toBe(0);
      for (const stream of STREAM_NAMES) {
        expect(recordsOf(full.run, stream).length, stream).toBeGreaterThan(1);
        expect(messageCounts(test.run, stream), stream).toEqual({ schemas: 1, records: 1 });
        // the one record is a real one: the first the full sync emitted for that stream
        expect(full.run.messages.filter((m) => m.type === 'RECORD' && m.stream === stream).map((m) => m.record)).toContainEqual(
          recordsOf(test.run, stream)[0],
        );
      }
      expect(stateValues(test.run)).toEqual([]);
      expect(test.run.messages.map((m) => m.type)).toEqual(expect.arrayContaining(['SCHEMA', 'RECORD']));
      // Reading stopped at the first record: one PR-metrics day instead of every day, and consumption
      // requests for the first member(s) only (the member listing is shared, so it is read whole).
      expect(full.requests.prs).toBe(12);
      expect(test.requests.prs).toBe(1);
      expect(test.requests.consumption).toBeLessThan(full.requests.consumption / 3);
      expect(test.total).toBeLessThan(full.total / 3);
      expect(test.requests.members).toBe(full.requests.members);
    },
  );

  it('--test with a catalog: only the selected streams, one record each', async () => {
    const { config, dir } = configFile(sim);
    const catalog = await discover(config);
    for (const entry of catalog.streams) {
      const root = (entry.metadata as Json[]).find((m) => (m.breadcrumb as unknown[]).length === 0) as Json;
      (root.metadata as Json).selected = entry.tap_stream_id === 'pr_metrics';
    }
    const path = dir.json('catalog.json', catalog);
    const { run, requests } = await measured(['--config', config, '--catalog', path, '--test']);
    expect(run.code, run.stderr).toBe(0);
    expect(messageCounts(run, 'pr_metrics')).toEqual({ schemas: 1, records: 1 });
    expect(run.messages.every((m) => m.stream === 'pr_metrics')).toBe(true);
    expect(requests).toMatchObject({ prs: 1, consumption: 0, members: 0 });
  });

  it('--test=schema: only the SCHEMA messages, one per default stream; no data request (scope auto asks GET /v3/self once, an explicit scope nothing)', async () => {
    const auto = await measured(['--config', configFile(sim).config, '--test=schema']);
    expect(auto.run.code, auto.run.stderr).toBe(0);
    expect(auto.run.messages.map((m) => [m.type, m.stream])).toEqual(STREAM_NAMES.map((stream) => ['SCHEMA', stream]));
    expect(auto.total).toBe(1);
    const explicit = await measured(['--config', configFile(sim, { scope: 'enterprise' }).config, '--test=schema']);
    expect(explicit.run.messages).toEqual(auto.run.messages);
    expect(explicit.total).toBe(0);
  });

  it('--test=all: the same messages as a sync without --test', async () => {
    const { config } = configFile(sim);
    const full = await measured(['--config', config]);
    const all = await measured(['--config', config, '--test=all']);
    expect(all.run.code, all.run.stderr).toBe(0);
    for (const stream of STREAM_NAMES) expect(messageCounts(all.run, stream)).toEqual(messageCounts(full.run, stream));
    expect(stateValues(all.run)).toEqual(stateValues(full.run));
    expect(all.total).toBe(full.total);
  });

  it('a stream that cannot be read: exit 1, and the other streams still give their record', async () => {
    sim.setFaults([{ kind: '500', path: /\/metrics\/prs$/ }]);
    try {
      const { config } = configFile(sim);
      const { run } = await measured(['--config', config, '--test']);
      expect(run.code).toBe(1);
      expect(linesAt(run.stderr, 'ERROR').join('\n')).toMatch(/^ERROR pr_metrics: /);
      expect(messageCounts(run, 'members')).toEqual({ schemas: 1, records: 1 });
      expect(messageCounts(run, 'daily_consumption')).toEqual({ schemas: 1, records: 1 });
      expect(messageCounts(run, 'pr_metrics')).toEqual({ schemas: 1, records: 0 });
    } finally {
      sim.setFaults([]);
    }
  });

  it.each([
    [['--test=sometimes'], '--test must be --test, --test=record, --test=schema or --test=all (got "sometimes")'],
    [['--test', '--discover'], '--test cannot be combined with --discover'],
    [['--test', '--about'], '--test cannot be combined with --about'],
    [['--test', '--test=all'], '--test was given more than once'],
  ])('%j is a usage error', async (argv, message) => {
    const { config } = configFile(sim);
    const run = await tap(['--config', config, ...argv]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`tap-devin: ${message} (see tap-devin --help)\n`);
  });
});
