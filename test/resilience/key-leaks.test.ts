/**
 * SPEC §10, the hard cases: a server that hands the API key back in a shape other than the plain
 * key. For each vector — an echo past character 2,000 (where messages are cut short), an echo cut
 * by a newline or a space, a same-host redirect whose path carries the key percent-encoded (upper-
 * and lower-case hex), a redirect to a host named after the key (lower-cased by URL parsing) — the
 * key, each of its encodings (case-insensitively) and both its halves appear in none of: Airbyte
 * TRACE and LOG, check's CONNECTION_STATUS message, tap-devin's ERROR/CRITICAL lines and its
 * `http_request_duration` metric tags; in-process and as real processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KEYS, startSimulator, type FaultRule, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte, spawnCli, type CliRun } from '../helpers/cli.js';
import { ALL_INCREMENTAL, configuredCatalog, scratchDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { fragmentsOf, normalised } from '../helpers/secrets.js';
import { metricsOf, runTap, withoutStamps, type Json } from '../helpers/singer.js';
import { logsOf, traceErrors } from './support.js';

/** 36 characters, mixed case (so a lower-cased copy is a different string), no word inside it. */
const KEY = 'cog_Rk7QzW2mXp9LfT4vNb8HsJ3dYc6GaE1u';
const START = '2026-03-05';
const MASK = '****';

interface Vector {
  name: string;
  faults: FaultRule[];
  /** Whether the server's text reaches the request paths, hence the metric tags. */
  inMetricTags: boolean;
}

// Every fault is on GET /v3/self: every command asks it first, and every stream fails on it.
const VECTORS: Vector[] = [
  {
    name: 'an echo of the key across character 2,000 of the error detail',
    faults: [{ kind: 'echo-key', status: 500, echo: 'long', path: '/v3/self' }],
    inMetricTags: false,
  },
  {
    name: 'an echo of the key cut by a newline',
    faults: [{ kind: 'echo-key', status: 500, echo: 'split-newline', path: '/v3/self' }],
    inMetricTags: false,
  },
  {
    name: 'an echo of the key cut by a space',
    faults: [{ kind: 'echo-key', status: 500, echo: 'split-space', path: '/v3/self' }],
    inMetricTags: false,
  },
  {
    name: 'a same-host redirect whose path carries the key percent-encoded in upper-case hex',
    faults: [{ kind: 'redirect-same-host', keyIn: 'path-upper', path: '/v3/self' }],
    inMetricTags: true,
  },
  {
    name: 'a same-host redirect whose path carries the key percent-encoded in lower-case hex',
    faults: [{ kind: 'redirect-same-host', keyIn: 'path-lower', path: '/v3/self' }],
    inMetricTags: true,
  },
  {
    name: 'a redirect to another host whose name holds the key',
    faults: [{ kind: 'redirect-other-host', keyIn: 'host', path: '/v3/self' }],
    inMetricTags: false,
  },
];

/** The key in no form: not as is, not in any case or encoding, not cut, not half of it. */
function expectNoKey(text: string, channel: string): void {
  const plain = normalised(text);
  for (const fragment of fragmentsOf(KEY)) {
    expect(plain.includes(fragment), `${channel} holds ${fragment === fragmentsOf(KEY)[0] ? 'the key' : 'half the key'}`).toBe(false);
  }
}

/** The channel carried the server's text (so the test is about something), masked. */
function expectMasked(texts: string[], channel: string): void {
  expect(texts.length, `no ${channel} at all`).toBeGreaterThan(0);
  expect(texts.some((text) => text.includes(MASK)), `${channel}: ${texts.join(' | ').slice(0, 400)}`).toBe(true);
  for (const text of texts) expectNoKey(text, channel);
}

function airbyteChannels(run: Pick<CliRun, 'messages'>): { traces: string[]; logs: string[] } {
  return {
    traces: traceErrors(run).map((error) => `${error.message} ${error.internal_message ?? ''}`),
    logs: ['ERROR', 'WARN', 'INFO', 'DEBUG'].flatMap((level) => logsOf(run, level)),
  };
}

function checkMessage(run: Pick<CliRun, 'messages'>): string {
  const status = run.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as Json | undefined;
  expect(status?.status).toBe('FAILED');
  return String(status?.message);
}

function singerChannels(stderr: string): { errors: string[]; tags: string[] } {
  return {
    errors: withoutStamps(stderr).split('\n').filter((line) => /^(ERROR|CRITICAL) /.test(line)),
    tags: metricsOf(stderr)
      .filter((metric) => metric.metric === 'http_request_duration')
      .map((metric) => JSON.stringify(metric.tags)),
  };
}

function expectSingerClean(stderr: string, vector: Vector): void {
  const { errors, tags } = singerChannels(stderr);
  expectMasked(errors, 'ERROR/CRITICAL lines');
  expect(tags.length, 'no http_request_duration metric').toBeGreaterThan(0);
  if (vector.inMetricTags) expectMasked(tags, 'http_request_duration tags');
  else for (const tag of tags) expectNoKey(tag, 'http_request_duration tags');
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    members: 4,
    days: 8,
    now: () => FIXED_NOW,
    keys: { ...DEFAULT_KEYS, [KEY]: { scope: 'enterprise', permissions: 'all' } },
  });
});
afterAll(() => sim.close());

async function under<T>(faults: FaultRule[], run: () => Promise<T>): Promise<T> {
  sim.setFaults(faults);
  try {
    return await run();
  } finally {
    sim.setFaults([]);
  }
}

function files(): { config: string; catalog: string } {
  const dir = scratchDir();
  return {
    config: dir.json('config.json', { api_key: KEY, api_url: sim.url, start_date: START }),
    catalog: dir.json('catalog.json', configuredCatalog(ALL_INCREMENTAL)),
  };
}

describe.each(VECTORS)('$name', (vector) => {
  it('source-devin read: TRACE and LOG are masked', async () => {
    const { config, catalog } = files();
    const run = await under(vector.faults, () => runAirbyte(['read', '--config', config, '--catalog', catalog]));
    expect(sim.requests.some((r) => r.fault === vector.faults[0]!.kind)).toBe(true);
    expect(run.code).toBe(1);
    const { traces, logs } = airbyteChannels(run);
    expectMasked(traces, 'TRACE');
    for (const log of logs) expectNoKey(log, 'LOG');
  });

  it('source-devin check: the CONNECTION_STATUS message is masked', async () => {
    const { config } = files();
    const run = await under(vector.faults, () => runAirbyte(['check', '--config', config]));
    expect(run.code).toBe(0);
    expectMasked([checkMessage(run)], 'CONNECTION_STATUS message');
  });

  it('tap-devin: ERROR/CRITICAL lines and http_request_duration tags are masked', async () => {
    const { config } = files();
    const run = await under(vector.faults, () => runTap(['--config', config], { now: () => FIXED_NOW }));
    expect(run.code).toBe(1);
    expectSingerClean(run.stderr, vector);
  });
});

// Real processes, on the real retry schedule: one vector of each family shows the executables are
// wired like the in-process runs (the front door creates the redactor and hands it to the client).
// An echo on a 500 would take the whole retry schedule to surface, so there it is answered once
// and surfaces in the retry's DEBUG log instead.
describe('as real processes', () => {
  const echoOnce = (vector: Vector): FaultRule[] => [{ ...vector.faults[0]!, times: 1 }];
  const echo = VECTORS[0]!;
  const failing = [VECTORS[3]!, VECTORS[5]!];

  it.each(failing)('source-devin read and check: $name', async (vector) => {
    const { config, catalog } = files();
    const read = await under(vector.faults, () => spawnCli('source-devin', ['read', '--config', config, '--catalog', catalog]));
    expect(read.code).toBe(1);
    const { traces, logs } = airbyteChannels(read);
    expectMasked(traces, 'TRACE');
    for (const log of logs) expectNoKey(log, 'LOG');
    const check = await under(vector.faults, () => spawnCli('source-devin', ['check', '--config', config]));
    expect(check.code).toBe(0);
    expectMasked([checkMessage(check)], 'CONNECTION_STATUS message');
  }, 30_000);

  it.each(failing)('tap-devin: $name', async (vector) => {
    const { config } = files();
    const run = await under(vector.faults, () => spawnCli('tap-devin', ['--config', config]));
    expect(run.code).toBe(1);
    expectSingerClean(run.stderr, vector);
  }, 30_000);

  it(`source-devin read: ${echo.name}, in the retry's LOG`, async () => {
    const { config, catalog } = files();
    const run = await under(echoOnce(echo), () => spawnCli('source-devin', ['read', '--config', config, '--catalog', catalog]));
    expect(run.code).toBe(0);
    expectMasked(airbyteChannels(run).logs.filter((log) => log.includes('/v3/self')), 'LOG');
  }, 30_000);

  it(`tap-devin: ${echo.name}, in the retry's DEBUG line`, async () => {
    const { config } = files();
    const run = await under(echoOnce(echo), () =>
      spawnCli('tap-devin', ['--config', config], { env: { TAP_DEVIN_LOGLEVEL: 'debug' } }),
    );
    expect(run.code).toBe(0);
    expectMasked(withoutStamps(run.stderr).split('\n').filter((line) => line.startsWith('DEBUG retrying GET /v3/self')), 'DEBUG line');
  }, 30_000);
});
