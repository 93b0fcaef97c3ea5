/**
 * Which billing days a day-cursor stream reads, and in which slices.
 *
 * - An incremental read starts at max(start_date, cursor − lookback_days); a full refresh at
 *   start_date. The last day is min(end_date, today).
 * - The cursor never passes yesterday (the signpost): today's billing day is read, but it is partial,
 *   so it is read again next time even with lookback_days 0. Progress inside a slice never claims a
 *   partial day either (issue 10, point 3): its `to` is capped at the signpost too.
 * - The cursor never moves backwards: re-reading the lookback does not undo what was delivered.
 * - A cursor later than the last day (end_date, or a future cursor) reads nothing.
 */
import { parseDay } from '../devin/billing-day.js';
import type { DayRange } from '../streams/types.js';
import type { StreamState } from './state.js';

export interface ReadRange {
  /** First and last billing day to read; `from > to` means there is nothing to read. */
  from: number;
  to: number;
  /** The cursor of the input state, when there is one. */
  cursor: number | undefined;
  /** The highest value the cursor (or a progress mark) may take in this read: yesterday. */
  signpost: number;
  /** In-slice progress from the input state, still useful for this read. */
  progress: { to: number; doneThrough: string; covered: string | undefined } | undefined;
}

export interface RangeSettings {
  startDay: number;
  endDay: number;
  lookbackDays: number;
}

export function planRange(settings: RangeSettings, incremental: boolean, state: StreamState, today: number): ReadRange {
  const to = Math.min(settings.endDay, today);
  const signpost = today - 1;
  const cursor = incremental && typeof state.date === 'string' ? (parseDay(state.date) as number) : undefined;
  // A cursor past the last day to read means everything asked for was delivered (SPEC §6): nothing
  // to re-read, even inside the lookback.
  const from =
    cursor === undefined
      ? settings.startDay
      : cursor > to
        ? to + 1
        : Math.max(settings.startDay, cursor - settings.lookbackDays);
  let progress: ReadRange['progress'];
  if (incremental && state.progress) {
    // A mark past the signpost (written by an older version) would claim a partial day: cap it.
    const progressTo = Math.min(parseDay(state.progress.to) as number, to, signpost);
    // Progress is about days after the cursor; anything else is already covered.
    if (progressTo > (cursor ?? settings.startDay - 1) && progressTo >= from) {
      progress = { to: progressTo, doneThrough: state.progress.done_through, covered: state.progress.covered };
    }
  }
  return { from, to, cursor, signpost, progress };
}

/** Slices of at most `windowDays` days; with progress, the first slice ends where it ended. */
export function sliceRange(range: ReadRange, windowDays: number): DayRange[] {
  const slices: DayRange[] = [];
  let from = range.from;
  if (range.progress) {
    slices.push({ from, to: range.progress.to });
    from = range.progress.to + 1;
  }
  for (; from <= range.to; from += windowDays) {
    slices.push({ from, to: Math.min(range.to, from + windowDays - 1) });
  }
  return slices;
}

/** The cursor after every day up to `lastDone` is emitted: capped at the signpost, never lower than before. */
export function advanceCursor(previous: number | undefined, lastDone: number, signpost: number): number | undefined {
  const candidate = Math.min(lastDone, signpost);
  if (previous === undefined) return candidate;
  return Math.max(previous, candidate);
}
