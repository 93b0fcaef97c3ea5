/**
 * Failures, logs and metrics in a Singer sync: a failed stream is an ERROR line, the others finish,
 * then a CRITICAL line and exit 1; no STATE moves past unread data; stderr carries `LEVEL message`
 * lines and Meltano-style METRIC lines; the API key never leaks; a closed stdout stops the tap.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTapDevin } from '../../src/cli/singer-main.js';
import {
  KEY_ENT_NO_METRICS,
  KEY_ENTERPRISE,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { FIXED_TODAY, expectRecordsToEqualTruth } from '../helpers/read.js';
import { bookmarkOf, lastState, metricsOf, recordsOf, type Json } from '../helpers/singer.js';
import { BASE_CONFIG, FIXED_NOW, SIM_OPTIONS, configFile, linesAt, tap } from './support.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
});
afterAll(() => sim.close());

describe('a failing stream', () => {
  it('selected explicitly, is an ERROR line naming the permission; the other streams finish; then CRITICAL and exit 1', async () => {
    const { config } = configFile(sim, { api_key: KEY_ENT_NO_METRICS });
    const state = { bookmarks: { pr_metrics: { replication_key: 'date', replication_key_value: '2026-03-01', granularity: 'day' } } };
    const { dir } = configFile(sim);
    // A catalog selects the streams explicitly (without one, a default stream the key may not read is skipped: default-skip.test.ts).
    const catalog = dir.json('catalog.json', {
      streams: ['members', 'daily_consumption', 'pr_metrics'].map((name) => ({ tap_stream_id: name, stream: name, schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] })),
    });
    const run = await tap(['--config', config, '--catalog', catalog, '--state', dir.json('state.json', state)]);
    expect(run.code).toBe(1);
    const errors = linesAt(run.stderr, 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^ERROR pr_metrics: .*ViewAccountMetrics/);
    const critical = linesAt(run.stderr, 'CRITICAL');
    expect(critical).toEqual(['CRITICAL the sync did not complete: pr_metrics failed (see the errors above)']);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(critical[0]);
    // The other streams are complete.
    const truth = sim.groundTruth({ startDate: BASE_CONFIG.start_date, endDate: FIXED_TODAY });
    expectRecordsToEqualTruth('members', recordsOf(run, 'members'), truth.members as unknown as Json[]);
    expectRecordsToEqualTruth('daily_consumption', recordsOf(run, 'daily_consumption'), truth.daily_consumption as unknown as Json[]);
    // The failed stream's bookmark does not move.
    expect(bookmarkOf(lastState(run), 'pr_metrics')).toEqual(state.bookmarks.pr_metrics);
    expect(recordsOf(run, 'pr_metrics')).toEqual([]);
    const failed = metricsOf(run.stderr).find((m) => m.metric === 'sync_duration' && (m.tags as Json).stream === 'pr_metrics');
    expect((failed?.tags as Json).status).toBe('failed');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a key the API rejects stops the sync before any stream (one CRITICAL line), never prints the key, exit 1', async () => {
    const secret = 'cog_not_a_real_key_0123456789';
    const { config } = configFile(sim, { api_key: secret });
    const run = await tap(['--config', config]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'ERROR')).toHaveLength(0);
    expect(linesAt(run.stderr, 'CRITICAL')).toEqual([expect.stringContaining('rejected the API key (401 on GET /v3/self)')]);
    // The scope decides the streams: nothing is announced or read before it is known.
    expect(run.messages).toEqual([]);
  });

  it('an API that echoes the key in its error body: the key is redacted everywhere', async () => {
    sim.setFaults([{ kind: 'echo-key', path: '/v3/self', status: 401 }]);
    try {
      const { config } = configFile(sim);
      const run = await tap(['--config', config]); // runTap's guard fails the test on any leak
      expect(run.code).toBe(1);
    } finally {
      sim.setFaults([]);
    }
  });

  it('retries exhausted on one stream (HTTP 500): a transient failure of that stream only', async () => {
    sim.setFaults([{ kind: '500', path: /\/metrics\/prs$/ }]);
    try {
      const { config } = configFile(sim);
      const run = await tap(['--config', config]);
      expect(run.code).toBe(1);
      expect(linesAt(run.stderr, 'ERROR').join('\n')).toMatch(/^ERROR pr_metrics: GET \S+ failed \d+ times; last: HTTP 500/);
      expect(recordsOf(run, 'members').length).toBe(SIM_OPTIONS.members);
      const failures = metricsOf(run.stderr).filter((m) => m.metric === 'http_request_duration' && (m.tags as Json).http_status_code === 500);
      // Every billing day was tried maxAttempts times, each attempt timed.
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.length % FAST_RETRY.maxAttempts).toBe(0);
      for (const m of failures) expect((m.tags as Json).status).toBe('failed');
    } finally {
      sim.setFaults([]);
    }
  });
});

describe('stderr: logs and metrics', () => {
  it('record_count per stream, sync_duration per stream, and one http_request_duration timer per HTTP request', async () => {
    sim.clearRequests();
    const { config } = configFile(sim);
    const run = await tap(['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    for (const line of run.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^(DEBUG|INFO|WARNING|ERROR|CRITICAL) /);
    const metrics = metricsOf(run.stderr);
    for (const stream of ['members', 'daily_consumption', 'pr_metrics']) {
      const counts = metrics.filter((m) => m.metric === 'record_count' && (m.tags as Json).stream === stream);
      expect(counts).toEqual([{ type: 'counter', metric: 'record_count', value: recordsOf(run, stream).length, tags: { stream } }]);
      const durations = metrics.filter((m) => m.metric === 'sync_duration' && (m.tags as Json).stream === stream);
      expect(durations).toEqual([{ type: 'timer', metric: 'sync_duration', value: expect.any(Number), tags: { stream, status: 'succeeded' } }]);
    }
    const timers = metrics.filter((m) => m.metric === 'http_request_duration');
    expect(timers).toHaveLength(sim.requests.length);
    for (const timer of timers) {
      expect(timer).toMatchObject({ type: 'timer', value: expect.any(Number), tags: { http_status_code: 200, status: 'succeeded' } });
      expect((timer.value as number) >= 0).toBe(true);
    }
    // Endpoints are templates: tags name endpoints, never individual users.
    const endpoints = new Set(timers.map((t) => (t.tags as Json).endpoint));
    expect(endpoints).toEqual(
      new Set([
        '/v3/self',
        '/v3/enterprise/members/users',
        '/v3/enterprise/members/idp-users',
        '/v3/enterprise/consumption/daily/users/{user_id}',
        '/v3/enterprise/metrics/prs',
        '/v3/enterprise/sessions',
        // The default streams over organizations and service users (SPEC §5.2, §5.4).
        '/v3/enterprise/consumption/daily',
        '/v3/enterprise/organizations',
        '/v3/enterprise/members/service-users',
        '/v3/enterprise/consumption/daily/organizations/{organization_id}',
        '/v3/enterprise/consumption/daily/service-users/{service_user_id}',
        '/v3/enterprise/consumption/cycles',
        // active_users (SPEC §5.5).
        '/v3/enterprise/metrics/dau',
        '/v3/enterprise/metrics/wau',
        '/v3/enterprise/metrics/mau',
        '/v3/enterprise/playbooks',
        '/v3/enterprise/knowledge/notes',
      ]),
    );
  });

  it('LOGLEVEL=warning silences INFO lines and metrics; TAP_DEVIN_LOGLEVEL=debug shows retries', async () => {
    const { config } = configFile(sim);
    const quiet = await tap(['--config', config], { env: { LOGLEVEL: 'warning' } });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');

    sim.setFaults([{ kind: '503', path: '/v3/self', times: 1 }]);
    try {
      const verbose = await tap(['--config', config], { env: { TAP_DEVIN_LOGLEVEL: 'DEBUG', LOGLEVEL: 'error' } });
      expect(verbose.code).toBe(0);
      expect(linesAt(verbose.stderr, 'DEBUG').join('\n')).toContain('retrying GET /v3/self');
    } finally {
      sim.setFaults([]);
    }
  });

  it('stdout closed by the reader (EPIPE): the tap stops with exit 1 and says so on stderr', async () => {
    const { config } = configFile(sim);
    let stderr = '';
    const stdout = new Writable({
      write: (_chunk, _encoding, callback) => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    });
    const code = await runTapDevin(['--config', config], {
      stdout,
      stderr: new Writable({ write: (chunk: Buffer, _e, cb) => ((stderr += chunk.toString()), cb()) }),
      env: {},
      now: () => FIXED_NOW,
      retryPolicy: FAST_RETRY,
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toBe('tap-devin: stdout was closed by the reader; stopping');
    expect(linesAt(stderr, 'ERROR')).toEqual([]);
    expect(linesAt(stderr, 'CRITICAL')).toEqual([]);
    expect(stderr).not.toContain(KEY_ENTERPRISE);
  });
});
