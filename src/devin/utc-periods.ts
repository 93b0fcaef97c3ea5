/**
 * The API's UTC calendar periods (metrics dau / wau / mau): UTC days, ISO weeks from Monday
 * 00:00:00Z, UTC calendar months. Unlike billing days (./billing-day.ts) they start at 00:00Z.
 * Pure integer arithmetic in UTC, never the host's time zone.
 */
import { SECONDS_PER_DAY } from './billing-day.js';

export type PeriodUnit = 'day' | 'week' | 'month';

/** First second of the UTC period containing `seconds`. */
export function periodStartOf(unit: PeriodUnit, seconds: number): number {
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  if (unit === 'day') return day * SECONDS_PER_DAY;
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  if (unit === 'week') return (day - (((day + 3) % 7) + 7) % 7) * SECONDS_PER_DAY;
  const date = new Date(day * SECONDS_PER_DAY * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
}

/** First second of the period after the one starting at `start`. */
export function nextPeriodStart(unit: PeriodUnit, start: number): number {
  if (unit === 'day') return start + SECONDS_PER_DAY;
  if (unit === 'week') return start + 7 * SECONDS_PER_DAY;
  const date = new Date(start * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000;
}

