/**
 * Singer state: `{"bookmarks": {"<stream>": {"replication_key": "date", "replication_key_value":
 * "YYYY-MM-DD", ...}}}`, every STATE message carrying the whole value (only the last one is kept).
 *
 * The engine's per-stream StreamState translates one to one: `date` is `replication_key_value`, and
 * our other keys (`progress` inside a slice, pr_metrics' `granularity`) ride along in the bookmark.
 * A bookmark without `replication_key_value` means "no cursor". A bookmark that does not fit its
 * stream is a warning (that stream reads from start_date), as in the Airbyte front door. Bookmarks of
 * streams this run does not read, and any other top-level keys, are carried through untouched so
 * nothing is lost.
 *
 * The `--state` file may also be a whole STATE line (`{"type":"STATE","value":…}`) or an Airbyte
 * state (array of per-stream messages, or a legacy blob) from the same connector.
 */
import * as z from 'zod/mini';
import { addStreamState, emptyStates, StateError, type StateWarning, type StreamState } from '../engine/state.js';
import { jsonObject } from '../json-shapes.js';
import { isRecord } from '../json.js';
import { findStream } from '../streams/index.js';
import { parseAirbyteState } from './airbyte-state.js';

export interface SingerInputState {
  /** Validated per-stream state for the engine. */
  streams: Map<string, StreamState>;
  /** Streams whose bookmark was not understood (they read from start_date). */
  warnings: StateWarning[];
  /** The document to build output state on (bookmarks of other streams, currently_syncing, …). */
  document: Record<string, unknown>;
}

/** A whole saved STATE line: {"type":"STATE","value":{…}}. */
const stateLine = z.object({ type: z.literal('STATE'), value: jsonObject });

export function parseSingerState(raw: unknown): SingerInputState {
  if (raw === null || raw === undefined) return { ...emptyStates(), document: {} };
  const line = stateLine.safeParse(raw);
  if (line.success) return parseSingerState(line.data.value);
  if (isRecord(raw) && 'bookmarks' in raw) return parseBookmarks(raw);
  if (Array.isArray(raw) || isRecord(raw)) {
    // Not Singer-shaped: an Airbyte state from the same connector. Its per-stream states carry over.
    const { streams, warnings } = parseAirbyteState(raw);
    const bookmarks = Object.fromEntries([...streams].map(([name, state]) => [name, toBookmark(name, state)]));
    return { streams, warnings, document: { bookmarks } };
  }
  throw new StateError('must be a Singer state object: {"bookmarks": {...}}');
}

function parseBookmarks(raw: Record<string, unknown>): SingerInputState {
  const parsed = jsonObject.safeParse(raw.bookmarks ?? {});
  if (!parsed.success) throw new StateError('bookmarks must be an object of stream name → bookmark');
  const bookmarks = parsed.data;
  const states = emptyStates();
  for (const [name, bookmark] of Object.entries(bookmarks)) {
    const stream = findStream(name);
    // Not ours to read: carried through as is.
    if (stream) addStreamState(states, stream, bookmark, 'bookmark');
  }
  return { ...states, document: { ...raw, bookmarks: { ...bookmarks } } };
}

/** The Singer bookmark for one stream's engine state. */
export function toBookmark(streamName: string, state: StreamState): Record<string, unknown> {
  const cursorField = findStream(streamName)?.cursor?.field;
  if (cursorField === undefined || state[cursorField] === undefined) return { ...state };
  const { [cursorField]: value, ...rest } = state;
  return { replication_key: cursorField, replication_key_value: value, ...rest };
}

/** The whole state value, updated one stream at a time as checkpoints come in. */
export class SingerStateTracker {
  private readonly document: Record<string, unknown>;
  private readonly bookmarks: Record<string, unknown>;

  constructor(input: Record<string, unknown> = {}) {
    this.bookmarks = isRecord(input.bookmarks) ? { ...input.bookmarks } : {};
    this.document = { ...input };
  }

  /** Replaces a stream's bookmark (stale keys such as finished progress go with the old one). */
  update(stream: string, state: StreamState): void {
    this.bookmarks[stream] = toBookmark(stream, state);
  }

  value(): Record<string, unknown> {
    return { ...this.document, bookmarks: { ...this.bookmarks } };
  }
}
