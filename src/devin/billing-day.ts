/**
 * Devin billing days.
 *
 * A billing day starts at midnight PST = 08:00:00 UTC: billing day `D` is the interval
 * `[D 08:00Z, D+1 08:00Z)`. Inside the connector a billing day is a *day number*: the number of
 * calendar days between 1970-01-01 and `D` (so day 0 is the billing day labelled 1970-01-01).
 * Strings are `YYYY-MM-DD`. Everything here is pure integer arithmetic in UTC, never the host's
 * time zone (peers broke on exactly that: `strftime('%s')` uses the local zone).
 */

export const SECONDS_PER_DAY = 86_400;
export const BILLING_DAY_OFFSET_SECONDS = 8 * 3_600;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a `YYYY-MM-DD` string, or `undefined` when it is not a real calendar date. */
export function parseDay(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return ms / 1000 / SECONDS_PER_DAY;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

/** Unix seconds at which billing day `day` starts (08:00:00Z). */
export function dayStartSeconds(day: number): number {
  return day * SECONDS_PER_DAY + BILLING_DAY_OFFSET_SECONDS;
}

/** The billing day that contains the instant `unixSeconds`. */
export function dayOfSeconds(unixSeconds: number): number {
  return Math.floor((unixSeconds - BILLING_DAY_OFFSET_SECONDS) / SECONDS_PER_DAY);
}

/** The billing day that contains the instant `epochMs` (e.g. `Date.now()`). */
export function dayOfMillis(epochMs: number): number {
  return dayOfSeconds(Math.floor(epochMs / 1000));
}
