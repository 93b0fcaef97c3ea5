/**
 * Per-stream state, the same shape in both protocols (Singer wraps it in bookmarks):
 * - the cursor, under the stream's cursor field: `date` (the last *complete* billing day whose
 *   records have all been emitted) or a timestamp field such as `updated_at` (SPEC §13);
 * - `progress`: inside a slice of a fan-out, every partition whose id sorts at or before
 *   `done_through` — and that the `covered` digest proves existed then (./coverage.ts) — has all
 *   billing days up to `to` emitted, so a killed read resumes mid-slice.
 */
import { parseDay } from '../devin/billing-day.js';
import { isRecord } from '../streams/normalize.js';
import type { StreamDeclaration } from '../streams/types.js';

export interface DayProgress {
  to: string;
  done_through: string;
  covered?: string;
}

/**
 * Inside a window of a timestamp stream (SPEC §13): every row of the window
 * [window_from, window_to) up to the page cursor `after` has been emitted, with all its children.
 */
export interface PageProgress {
  window_from: string;
  window_to: string;
  after: string;
}

export interface StreamState {
  [key: string]: unknown;
  progress?: DayProgress;
  page?: PageProgress;
}

/** A state blob that cannot be used; the caller adds which file it came from. */
export class StateError extends Error {
  override name = 'StateError';
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Unix seconds of a `YYYY-MM-DDTHH:MM:SSZ` cursor, or undefined. */
export function parseTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string' || !TIMESTAMP.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) + 'Z' !== text ? undefined : ms / 1000;
}

/** `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds. */
export function formatTimestamp(seconds: number): string {
  return `${new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Does `value` fit the stream's cursor? */
export function cursorFits(stream: Pick<StreamDeclaration, 'cursor'>, value: unknown): boolean {
  if (!stream.cursor) return false;
  return stream.cursor.kind === 'billing-day'
    ? typeof value === 'string' && parseDay(value) !== undefined
    : parseTimestamp(value) !== undefined;
}

/**
 * Validates one stream's state blob. Unknown keys are ignored (older or newer versions of us). A
 * state that cannot apply to the stream any more is dropped with a warning (the stream then reads
 * from start_date).
 */
export function parseStreamState(stream: Pick<StreamDeclaration, 'name' | 'cursor'>, raw: unknown, warnings: string[] = []): StreamState {
  if (raw === null || raw === undefined) return {};
  if (!isRecord(raw)) throw new StateError(`the state of stream ${stream.name} must be an object`);
  const state: StreamState = {};
  const field = stream.cursor?.field;
  if (field !== undefined && raw[field] !== undefined && raw[field] !== null) {
    if (!cursorFits(stream, raw[field])) {
      const unit = stream.cursor?.kind === 'billing-day' ? 'a YYYY-MM-DD billing day' : 'a YYYY-MM-DDTHH:MM:SSZ timestamp';
      throw new StateError(`the state of stream ${stream.name} has ${field} ${JSON.stringify(raw[field])}, not ${unit}`);
    }
    state[field] = raw[field];
  }
  if (raw.granularity === 'user_day') {
    // Written by version 1 for per-member rows: that cursor says nothing about the per-day rows.
    warnings.push(
      `${stream.name}: the saved state is for granularity user_day (per-member rows, now the pr_metrics_by_member stream); reading from start_date`,
    );
    return {};
  }
  const page = raw.page;
  if (stream.cursor?.kind === 'timestamp' && page !== undefined && page !== null) {
    if (
      isRecord(page) &&
      parseTimestamp(page.window_from) !== undefined &&
      parseTimestamp(page.window_to) !== undefined &&
      typeof page.after === 'string' &&
      page.after !== ''
    ) {
      state.page = { window_from: page.window_from as string, window_to: page.window_to as string, after: page.after };
    } else {
      // Only a shortcut: without it the window is read again from its start.
      warnings.push(`${stream.name}: the saved place inside a window is not {window_from, window_to, after}; re-reading that window`);
    }
  }
  if (raw.progress !== undefined && raw.progress !== null) {
    const progress = raw.progress;
    if (
      !isRecord(progress) ||
      typeof progress.to !== 'string' ||
      parseDay(progress.to) === undefined ||
      typeof progress.done_through !== 'string' ||
      (progress.covered !== undefined && typeof progress.covered !== 'string')
    ) {
      throw new StateError(`the state of stream ${stream.name} has a progress entry that is not {to: YYYY-MM-DD, done_through: id}`);
    }
    state.progress = {
      to: progress.to,
      done_through: progress.done_through,
      ...(typeof progress.covered === 'string' ? { covered: progress.covered } : {}),
    };
  }
  return state;
}
