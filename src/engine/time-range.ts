/**
 * Which moments a timestamp-cursor stream reads (SPEC §13), in Unix seconds, half-open [from, to):
 * - from start_date 08:00Z, or incrementally from the later of that and cursor − lookback_days;
 * - to the earlier of end_date+1 08:00Z and the moment the read started (so a session updated
 *   during the read is read again next time, and the cursor never passes the read's start);
 * - in windows of at most 100 days, so that a checkpoint follows each completed window.
 */
import { dayStartSeconds } from '../devin/billing-day.js';
import type { RangeSettings } from './range.js';
import { parseTimestamp } from './state.js';

const DAY = 86_400;
export const MAX_WINDOW_SECONDS = 100 * DAY;

export interface TimeSpan {
  from: number;
  to: number;
}

export interface TimeRange extends TimeSpan {
  /** The input cursor (Unix seconds), when there is one. */
  cursor: number | undefined;
}

export function planTimeRange(settings: RangeSettings, incremental: boolean, cursorText: unknown, readStartSeconds: number): TimeRange {
  const to = Math.min(dayStartSeconds(settings.endDay + 1), Math.floor(readStartSeconds));
  const start = dayStartSeconds(settings.startDay);
  const cursor = incremental ? parseTimestamp(cursorText) : undefined;
  // A cursor at or past the end means everything asked for was delivered: nothing to re-read.
  const from = cursor === undefined ? start : cursor >= to ? to : Math.max(start, cursor - settings.lookbackDays * DAY);
  return { from: Math.min(from, to), to, cursor };
}

/** Consecutive windows covering the range, each at most `maxSeconds` long. */
export function timeWindows(range: TimeSpan, maxSeconds = MAX_WINDOW_SECONDS): TimeSpan[] {
  const windows: TimeSpan[] = [];
  for (let from = range.from; from < range.to; from += maxSeconds) windows.push({ from, to: Math.min(range.to, from + maxSeconds) });
  return windows;
}

/** The cursor after every row up to `done` is emitted: never lower than before. */
export function advanceTimeCursor(previous: number | undefined, done: number): number {
  return previous === undefined ? done : Math.max(previous, done);
}
