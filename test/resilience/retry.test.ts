/**
 * The retry arithmetic (SPEC §9): which statuses are retried, how Retry-After is read (seconds or an
 * HTTP date, capped), and the exponential backoff with full jitter. Pure functions, exact values.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { DEFAULT_RETRY_POLICY, ISOLATED_429_BASE_MS, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from '../../src/devin/retry.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000, requestTimeoutMs: 10_000 };
const never = (): number => 0;
const almostOne = (): number => 0.999_999;

describe('isRetryableStatus', () => {
  it('retries 429, 408 and every 5xx', () => {
    for (const status of [429, 408, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status), String(status)).toBe(true);
  });

  it('does not retry other 4xx, 2xx or 3xx', () => {
    for (const status of [200, 204, 301, 307, 400, 401, 403, 404, 405, 409, 410, 422, 451]) {
      expect(isRetryableStatus(status), String(status)).toBe(false);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds, whole or fractional, with surrounding spaces', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('3', NOW)).toBe(3_000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });

  it('reads an HTTP date (IMF-fixdate and the obsolete forms) as the time left until then', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 12:00:07 GMT', NOW)).toBe(7_000);
    expect(parseRetryAfter('Tuesday, 10-Mar-26 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Tue Mar 10 12:00:30 2026', NOW)).toBe(30_000); // asctime: GMT, whatever the local zone
  });

  it('reads the zone-less asctime form as GMT even where local time is not GMT', () => {
    const script =
      `import('${REPO_ROOT}dist/devin/retry.js').then((m) => ` +
      `process.stdout.write(String(m.parseRetryAfter('Tue Mar 10 12:00:30 2026', ${NOW}))))`;
    for (const zone of ['America/New_York', 'Asia/Kolkata']) {
      const out = execFileSync(process.execPath, ['-e', script], { env: { TZ: zone, PATH: process.env.PATH ?? '' } });
      expect(out.toString(), zone).toBe('30000');
    }
  });

  it('reads a date in the past as "now"', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it('takes the first value of a repeated header', () => {
    expect(parseRetryAfter(['2', '9'], NOW)).toBe(2_000);
  });

  it('ignores an absent, empty or unreadable header (backoff applies instead)', () => {
    for (const value of [undefined, '', 'soon', '-1', '1e3', '0x10', '3 seconds']) {
      expect(parseRetryAfter(value, NOW), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('retryDelayMs', () => {
  it('without Retry-After: full jitter in [0, base·2^(attempt-1)), capped at maxDelayMs', () => {
    const ceilings = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
    ceilings.forEach((ceiling, index) => {
      const attempt = index + 1;
      expect(retryDelayMs(attempt, undefined, POLICY, never), `attempt ${attempt} low`).toBe(0);
      expect(retryDelayMs(attempt, undefined, POLICY, almostOne), `attempt ${attempt} high`).toBe(ceiling - 1);
      expect(retryDelayMs(attempt, undefined, POLICY, () => 0.5), `attempt ${attempt} mid`).toBe(ceiling / 2);
    });
  });

  it('jitter spreads: many draws cover the range instead of one value', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, undefined, POLICY, random));
    expect(Math.min(...delays)).toBeLessThan(400);
    expect(Math.max(...delays)).toBeGreaterThan(1_600);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it('with Retry-After: waits that long plus at most min(1 s, base) of jitter, whatever the attempt', () => {
    expect(retryDelayMs(1, 2_000, POLICY, never)).toBe(2_000);
    expect(retryDelayMs(5, 2_000, POLICY, never)).toBe(2_000);
    expect(retryDelayMs(1, 2_000, POLICY, almostOne)).toBe(2_499);
    expect(retryDelayMs(1, 0, POLICY, never)).toBe(0);
    const slowBase = { ...POLICY, baseDelayMs: 5_000 };
    expect(retryDelayMs(1, 2_000, slowBase, almostOne)).toBe(2_999);
  });

  it('an isolated 429 without Retry-After: the same full jitter, from a first ceiling of min(base, ISOLATED_429_BASE_MS)', () => {
    expect(ISOLATED_429_BASE_MS).toBe(50);
    expect(retryDelayMs(1, undefined, POLICY, almostOne, true)).toBe(49);
    expect(retryDelayMs(2, undefined, POLICY, almostOne, true)).toBe(99);
    expect(retryDelayMs(1, undefined, POLICY, () => 0.5, true)).toBe(25);
    expect(retryDelayMs(1, undefined, { ...POLICY, baseDelayMs: 10 }, almostOne, true)).toBe(9);
    // A Retry-After is honoured whatever the limiter thought.
    expect(retryDelayMs(1, 2_000, POLICY, never, true)).toBe(2_000);
  });

  it('caps a Retry-After at maxRetryAfterMs (a hostile header cannot park the sync)', () => {
    expect(retryDelayMs(1, 3_600_000, POLICY, never)).toBe(60_000);
    expect(retryDelayMs(1, 60_001, POLICY, never)).toBe(60_000);
    expect(retryDelayMs(1, 59_999, POLICY, never)).toBe(59_999);
  });

  it('default policy: bounded attempts, a per-request timeout, and a cap on server-asked waits', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeLessThanOrEqual(10);
    expect(DEFAULT_RETRY_POLICY.requestTimeoutMs).toBeGreaterThan(0);
    expect(DEFAULT_RETRY_POLICY.maxRetryAfterMs).toBeLessThanOrEqual(10 * 60_000);
    // The worst case of backoff alone (no Retry-After) stays under two minutes per request.
    let worst = 0;
    for (let attempt = 1; attempt < DEFAULT_RETRY_POLICY.maxAttempts; attempt += 1) {
      worst += retryDelayMs(attempt, undefined, DEFAULT_RETRY_POLICY, almostOne);
    }
    expect(worst).toBeLessThan(120_000);
  });
});
