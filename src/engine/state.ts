/**
 * Per-stream state, the same shape in both protocols (Singer wraps it in bookmarks):
 * - `date`: the cursor, the last *complete* billing day whose records have all been emitted;
 * - `progress`: inside a slice of a member fan-out, every member whose user_id sorts at or before
 *   `done_through` has all billing days up to `to` emitted (so a killed read resumes mid-slice);
 * - `granularity`: for pr_metrics, the granularity the cursor belongs to.
 */
import { parseDay } from '../devin/billing-day.js';
import { isRecord } from '../streams/normalize.js';

export interface StreamProgress {
  to: string;
  done_through: string;
}

export interface StreamState {
  date?: string;
  progress?: StreamProgress;
  granularity?: string;
}

/** A state blob that cannot be used; the caller adds which file it came from. */
export class StateError extends Error {
  override name = 'StateError';
}

/** Validates one stream's state blob. Unknown keys are ignored (older or newer versions of us). */
export function parseStreamState(stream: string, raw: unknown): StreamState {
  if (raw === null || raw === undefined) return {};
  if (!isRecord(raw)) throw new StateError(`the state of stream ${stream} must be an object`);
  const state: StreamState = {};
  if (raw.date !== undefined && raw.date !== null) {
    if (typeof raw.date !== 'string' || parseDay(raw.date) === undefined) {
      throw new StateError(`the state of stream ${stream} has date ${JSON.stringify(raw.date)}, not a YYYY-MM-DD billing day`);
    }
    state.date = raw.date;
  }
  if (raw.progress !== undefined && raw.progress !== null) {
    const progress = raw.progress;
    if (
      !isRecord(progress) ||
      typeof progress.to !== 'string' ||
      parseDay(progress.to) === undefined ||
      typeof progress.done_through !== 'string'
    ) {
      throw new StateError(`the state of stream ${stream} has a progress entry that is not {to: YYYY-MM-DD, done_through: user_id}`);
    }
    state.progress = { to: progress.to, done_through: progress.done_through };
  }
  if (typeof raw.granularity === 'string') state.granularity = raw.granularity;
  return state;
}
