// The demo's dates, in billing days (SPEC §5.6) like the simulator's data set: a billing day starts at
// 08:00 UTC, so before 08:00 UTC today's billing day still carries yesterday's date. A start_date taken
// from the calendar would then be a day later than the simulator's first day (and, for a one-day demo,
// after today's billing day, which the config rejects).
import { dayOfMillis, formatDay } from '../dist/devin/billing-day.js';

/** The start_date that covers the `days` billing days ending with the one that contains `nowMs`. */
export function demoStartDate(nowMs, days) {
  return formatDay(dayOfMillis(nowMs) - (days - 1));
}
