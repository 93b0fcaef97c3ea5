/**
 * tap-devin's stderr (issue 14 point 4): every line carries an RFC 3339 UTC timestamp; METRIC lines
 * are written at `metrics_log_level` (the Meltano SDK setting, default INFO), so the one-per-request
 * lines can be turned down without losing the other logs; each stream's start says which days it
 * reads; a wait on the API's rate limit is an INFO line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { metricsOf, STDERR_STAMP, withoutStamps } from '../helpers/singer.js';
import { BASE_CONFIG, FIXED_NOW, SIM_OPTIONS, configFile, linesAt, tap } from './support.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator(SIM_OPTIONS);
});
afterAll(() => sim.close());

/** METRIC lines of a stderr, as `LEVEL` of each. */
function metricLevels(stderr: string): string[] {
  return withoutStamps(stderr)
    .split('\n')
    .map((line) => /^(\w+) METRIC: /.exec(line)?.[1])
    .filter((level): level is string => level !== undefined);
}

describe('tap-devin stderr', () => {
  it('stamps every line with the time, in UTC to the millisecond', async () => {
    const run = await tap(['--config', configFile(sim).config]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.rawStderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(5);
    const stamp = `${new Date(FIXED_NOW).toISOString()} `;
    for (const line of lines) {
      expect(line).toMatch(STDERR_STAMP);
      expect(line.startsWith(stamp), line).toBe(true);
    }
  });

  it('metrics at INFO by default: one http_request_duration per request, among the other INFO lines', async () => {
    const run = await tap(['--config', configFile(sim).config]);
    const levels = metricLevels(run.stderr);
    expect(levels.length).toBeGreaterThan(5);
    expect(new Set(levels)).toEqual(new Set(['INFO']));
    expect(metricsOf(run.stderr).some((metric) => metric.metric === 'http_request_duration')).toBe(true);
  });

  it('metrics_log_level DEBUG hides the METRIC lines under the default level, and keeps the rest', async () => {
    const run = await tap(['--config', configFile(sim, { metrics_log_level: 'DEBUG' }).config]);
    expect(run.code, run.stderr).toBe(0);
    expect(metricLevels(run.stderr)).toEqual([]);
    expect(linesAt(run.stderr, 'INFO').some((line) => line.includes("Beginning full_table sync of 'members'"))).toBe(true);
    // ...and shows them again when the log level is DEBUG.
    const debug = await tap(['--config', configFile(sim, { metrics_log_level: 'DEBUG' }).config], { env: { TAP_DEVIN_LOGLEVEL: 'debug' } });
    const levels = metricLevels(debug.stderr);
    expect(levels.length).toBeGreaterThan(5);
    expect(new Set(levels)).toEqual(new Set(['DEBUG']));
  });

  it('TAP_DEVIN_METRICS_LOG_LEVEL sets it with --config ENV', async () => {
    const env = { TAP_DEVIN_API_KEY: BASE_CONFIG.api_key, TAP_DEVIN_API_URL: sim.url, TAP_DEVIN_START_DATE: BASE_CONFIG.start_date };
    const shown = await tap(['--config', 'ENV'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(metricLevels(shown.stderr).length).toBeGreaterThan(5);
    const hidden = await tap(['--config', 'ENV'], { env: { ...env, TAP_DEVIN_METRICS_LOG_LEVEL: 'DEBUG' } });
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(metricLevels(hidden.stderr)).toEqual([]);
  });

  it('metrics_log_level WARNING keeps them above a WARNING threshold', async () => {
    const run = await tap(['--config', configFile(sim, { metrics_log_level: 'WARNING' }).config], { env: { TAP_DEVIN_LOGLEVEL: 'warning' } });
    expect(run.code, run.stderr).toBe(0);
    expect(linesAt(run.stderr, 'INFO')).toEqual([]);
    expect(new Set(metricLevels(run.stderr))).toEqual(new Set(['WARNING']));
  });

  it('a metrics_log_level that is no level is a CRITICAL naming the key', async () => {
    const run = await tap(['--config', configFile(sim, { metrics_log_level: 'LOUD' }).config]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'CRITICAL').join('\n')).toMatch(/metrics_log_level/);
  });

  it("says at each stream's start which days it reads", async () => {
    const run = await tap(['--config', configFile(sim).config]);
    const info = linesAt(run.stderr, 'INFO');
    expect(info).toContain('INFO members: reading the member listings');
    expect(info.some((line) => /^INFO daily_consumption: reading billing days 2026-02-27 … 2026-03-10 \(12 days\) for \d+ members$/.test(line))).toBe(true);
  });

  it("a wait on the API's rate limit is an INFO line naming when the quota resets", async () => {
    sim.setFaults([{ kind: '429', path: /\/consumption\/daily\/users\//, times: 1, retryAfter: { seconds: 0 } }]);
    try {
      const run = await tap(['--config', configFile(sim).config]);
      expect(run.code, run.stderr).toBe(0);
      expect(linesAt(run.stderr, 'INFO').filter((line) => line.includes("waiting on the API's rate limit"))).toEqual([
        expect.stringMatching(/^INFO daily_consumption: waiting on the API's rate limit \(the quota resets at \d{4}-\d{2}-\d{2}T[\d:.]+Z\)$/),
      ]);
    } finally {
      sim.setFaults([]);
    }
  });
});
