/**
 * `dateTimeOfSeconds` builds `YYYY-MM-DDTHH:MM:SSZ` from a memoised day label and small tables instead
 * of calling toISOString for every timestamp of a session. Its oracle is the definition it replaced:
 * `new Date(seconds * 1000).toISOString()` without the milliseconds, over whole and fractional seconds,
 * day and minute boundaries, both ends of the four-digit years and what lies beyond them.
 */
import { describe, expect, it } from 'vitest';
import { dateTimeOfSeconds } from '../../src/streams/normalize.js';

const oracle = (seconds: number): string => `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;

/** A small deterministic generator (xorshift), so a failure names a reproducible input. */
function* randomSeconds(count: number, max: number): Generator<number> {
  let state = 0x2545f491;
  for (let i = 0; i < count; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const unit = (state >>> 0) / 2 ** 32;
    yield i % 3 === 0 ? Math.floor(unit * max) : unit * max;
  }
}

describe('dateTimeOfSeconds', () => {
  it('equals toISOString without milliseconds on 20,000 whole and fractional instants up to the year 9999', () => {
    for (const seconds of randomSeconds(20_000, 253_402_300_800)) expect(dateTimeOfSeconds(seconds), String(seconds)).toBe(oracle(seconds));
  });

  it('equals it at the boundaries: epoch, midnight, the last second of a day, fractions just below a second', () => {
    const day = 20_454 * 86_400; // 2026-01-01
    const edges = [0, 0.0004, 0.999, 59, 60, 3_599, 3_600, 86_399, 86_399.9999, 86_400, day - 1, day, day + 0.5, 1_796_187_916.04, 1_796_187_916.9995];
    for (const seconds of edges) expect(dateTimeOfSeconds(seconds), String(seconds)).toBe(oracle(seconds));
  });

  it('equals it outside the four-digit years and before 1970, where it falls back to toISOString', () => {
    for (const seconds of [-1, -0.0004, -86_400.5, -62_135_596_800, 253_402_300_799, 253_402_300_799.999, 253_402_300_800, 8.64e12]) {
      expect(dateTimeOfSeconds(seconds), String(seconds)).toBe(oracle(seconds));
    }
  });
});
