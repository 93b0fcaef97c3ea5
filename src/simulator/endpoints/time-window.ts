/**
 * Converts a `[time_after, time_before)` window in Unix seconds into the billing days whose
 * 08:00Z start lies inside it (a row belongs to the window iff its own `date` does).
 */
import { BILLING_DAY_OFFSET_SECONDS, SECONDS_PER_DAY } from '../../devin/billing-day.js';

/** The first billing day whose start is at or after `unixSeconds`. */
function firstDayStartingAtOrAfter(unixSeconds: number): number {
  return Math.ceil((unixSeconds - BILLING_DAY_OFFSET_SECONDS) / SECONDS_PER_DAY);
}

/** Inclusive day range; open bounds become ±Infinity. */
export function daysInWindow(timeAfter: number | undefined, timeBefore: number | undefined): { fromDay: number; toDay: number } {
  return {
    fromDay: timeAfter === undefined ? -Infinity : firstDayStartingAtOrAfter(timeAfter),
    toDay: timeBefore === undefined ? Infinity : firstDayStartingAtOrAfter(timeBefore) - 1,
  };
}
