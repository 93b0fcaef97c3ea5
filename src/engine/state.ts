/**
 * Per-stream state, the same shape in both protocols (Singer wraps it in bookmarks):
 * - the cursor, under the stream's cursor field: `date` (the last *complete* billing day whose
 *   records have all been emitted) or a timestamp field such as `updated_at` (SPEC §13);
 * - `progress`: inside a slice of a fan-out, every partition whose id sorts at or before
 *   `done_through` — and that the `covered` digest proves existed then (./coverage.ts) — has all
 *   billing days up to `to` emitted, so a killed read resumes mid-slice.
 *
 * A stream's saved state that does not fit the stream (SPEC §6) is not an error: it becomes a warning
 * naming the stream, and that stream reads from start_date. Only problems with the file as a whole (not
 * JSON, not an array or object, an entry without a stream name) are a StateError.
 */
import * as z from 'zod/mini';
import { parseDay } from '../devin/billing-day.js';
import { isRecord } from '../json.js';
import type { StreamDeclaration } from '../streams/types.js';
import { CURSOR_FIELDS, cursorMismatch, parseTimestamp } from './cursor-format.js';

export { formatTimestamp, parseTimestamp } from './cursor-format.js';

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

/** A state file that cannot be used at all; the caller adds which file it came from. */
export class StateError extends Error {
  override name = 'StateError';
}

/** A stream whose saved state was not understood: `problem` completes "the state of stream <stream> …". */
export interface StateWarning {
  stream: string;
  problem: string;
}

/** What a --state file holds for this connector: the usable per-stream states, and what was not understood. */
export interface ParsedStates {
  streams: Map<string, StreamState>;
  warnings: StateWarning[];
}

/** The stream a saved state belongs to, as far as reading the state needs to know it. */
export type StateOwner = Pick<StreamDeclaration, 'name' | 'cursor'>;

type Parsed = { state: StreamState } | { problem: string };

export function emptyStates(): ParsedStates {
  return { streams: new Map(), warnings: [] };
}

/** The one line both front doors log for a warning. */
export function describeStateWarning(warning: StateWarning): string {
  return `the state of stream ${warning.stream} ${warning.problem}, so ${warning.stream} reads from start_date`;
}

/**
 * Adds one stream's saved state: an Airbyte `stream_state` (`form: 'state'`) or a Singer bookmark. A
 * state that is not understood replaces any earlier one of the stream with a warning.
 */
export function addStreamState(into: ParsedStates, owner: StateOwner, raw: unknown, form: 'state' | 'bookmark' = 'state'): void {
  const parsed = form === 'bookmark' ? parseBookmark(owner.cursor, raw) : parseStreamState(owner.cursor, raw);
  if ('problem' in parsed) {
    into.streams.delete(owner.name);
    into.warnings.push({ stream: owner.name, problem: parsed.problem });
  } else {
    into.streams.set(owner.name, parsed.state);
  }
}

const timestamp = z.string().check(z.refine((text) => parseTimestamp(text) !== undefined));
const pageShape = z.object({ window_from: timestamp, window_to: timestamp, after: z.string().check(z.minLength(1)) }) satisfies z.ZodMiniType<PageProgress>;
const progressShape = z.object({
  to: z.string().check(z.refine((day) => parseDay(day) !== undefined)),
  done_through: z.string(),
  covered: z.optional(z.string()),
}) satisfies z.ZodMiniType<DayProgress>;

/** Validates one stream's state blob. Unknown keys are ignored (older or newer versions of us). */
export function parseStreamState(cursor: StateOwner['cursor'], raw: unknown): Parsed {
  if (raw === null || raw === undefined) return { state: {} };
  if (!isRecord(raw)) return { problem: `is ${JSON.stringify(raw)}, not an object` };
  const state: StreamState = {};
  if (cursor !== undefined) {
    const value = raw[cursor.field];
    if (value !== undefined && value !== null) {
      const mismatch = cursorMismatch(cursor, value);
      if (mismatch) return { problem: mismatch };
      state[cursor.field] = value;
    } else {
      const other = CURSOR_FIELDS.find((field) => field !== cursor.field && raw[field] !== undefined && raw[field] !== null);
      if (other) return { problem: `keeps a cursor under ${other}, but its cursor field is ${cursor.field}` };
    }
  }
  // Written by version 1 for per-member rows: that cursor says nothing about the per-day rows.
  if (raw.granularity === 'user_day') return { problem: 'was written for per-member rows (granularity user_day, now the pr_metrics_by_member stream)' };
  if (cursor?.kind === 'timestamp' && raw.page !== undefined && raw.page !== null) {
    const page = pageShape.safeParse(raw.page);
    if (!page.success) return { problem: 'has a place inside a window that is not {window_from, window_to, after}' };
    state.page = page.data;
  }
  if (raw.progress !== undefined && raw.progress !== null) {
    const progress = progressShape.safeParse(raw.progress);
    if (!progress.success) return { problem: 'has a progress entry that is not {to: YYYY-MM-DD, done_through: id}' };
    state.progress = progress.data;
  }
  return { state };
}

/**
 * A Singer bookmark (`replication_key`, `replication_key_value`, and our other keys beside them) as the
 * stream's state. A bookmark without `replication_key_value` means "no cursor yet".
 */
export function parseBookmark(cursor: StateOwner['cursor'], raw: unknown): Parsed {
  const cursorField = cursor?.field;
  if (raw === null || raw === undefined) return { state: {} };
  if (!isRecord(raw)) return { problem: `is ${JSON.stringify(raw)}, not a bookmark object` };
  const { replication_key: key, replication_key_value: value, ...rest } = raw;
  if (key !== undefined && key !== null && key !== cursorField) {
    const expected = cursorField === undefined ? 'this stream has no replication key' : `its replication key is ${cursorField}`;
    return { problem: `has replication_key ${JSON.stringify(key)}, but ${expected}` };
  }
  if (cursor === undefined || cursorField === undefined) return parseStreamState(undefined, rest);
  if (value !== undefined && value !== null) {
    const mismatch = cursorMismatch(cursor, value, 'replication_key_value');
    if (mismatch) return { problem: mismatch };
  }
  // The bookmark's own value is the cursor; a stray key of the cursor's name is not.
  const { [cursorField]: _stray, ...others } = rest;
  return parseStreamState(cursor, { ...others, [cursorField]: value });
}
