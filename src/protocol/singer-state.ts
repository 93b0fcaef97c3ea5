/**
 * Singer state: `{"bookmarks": {"<stream>": {"replication_key": "date", "replication_key_value":
 * "YYYY-MM-DD", ...}}}`, every STATE message carrying the whole value (only the last one is kept).
 *
 * The engine's per-stream StreamState translates one to one: `date` is `replication_key_value`, and
 * our other keys (`progress` inside a slice, pr_metrics' `granularity`) ride along in the bookmark.
 * A bookmark without `replication_key_value` means "no cursor". Bookmarks of streams this run does
 * not read, and any other top-level keys, are carried through untouched so nothing is lost.
 *
 * The `--state` file may also be a whole STATE line (`{"type":"STATE","value":…}`) or an Airbyte
 * state (array of per-stream messages, or a legacy blob) from the same connector.
 */
import { parseStreamState, StateError, type StreamState } from '../engine/state.js';
import { isRecord } from '../streams/normalize.js';
import { findStream } from '../streams/index.js';
import { parseAirbyteState } from './airbyte-state.js';

export interface SingerInputState {
  /** Validated per-stream state for the engine. */
  streams: Map<string, StreamState>;
  /** The document to build output state on (bookmarks of other streams, currently_syncing, …). */
  document: Record<string, unknown>;
}

export function parseSingerState(raw: unknown, warnings: string[] = []): SingerInputState {
  if (raw === null || raw === undefined) return { streams: new Map(), document: {} };
  if (isRecord(raw) && raw.type === 'STATE' && isRecord(raw.value)) return parseSingerState(raw.value, warnings);
  if (isRecord(raw) && 'bookmarks' in raw) return parseBookmarks(raw, warnings);
  if (Array.isArray(raw) || isRecord(raw)) {
    // Not Singer-shaped: an Airbyte state from the same connector. Its per-stream states carry over.
    const streams = parseAirbyteState(raw, warnings);
    const bookmarks = Object.fromEntries([...streams].map(([name, state]) => [name, toBookmark(name, state)]));
    return { streams, document: { bookmarks } };
  }
  throw new StateError('must be a Singer state object: {"bookmarks": {...}}');
}

function parseBookmarks(raw: Record<string, unknown>, warnings: string[]): SingerInputState {
  const bookmarks = raw.bookmarks ?? {};
  if (!isRecord(bookmarks)) throw new StateError('bookmarks must be an object of stream name → bookmark');
  const streams = new Map<string, StreamState>();
  for (const [name, bookmark] of Object.entries(bookmarks)) {
    const stream = findStream(name);
    if (!stream) continue; // not ours to read; carried through as is
    if (bookmark === null) continue;
    if (!isRecord(bookmark)) throw new StateError(`the bookmark of stream ${name} must be an object`);
    const key = bookmark.replication_key;
    const cursorField = stream.cursor?.field;
    if (key !== undefined && key !== null && key !== cursorField) {
      throw new StateError(
        `the bookmark of stream ${name} has replication_key ${JSON.stringify(key)}; ` +
          (cursorField ? `this tap's replication key is ${cursorField}` : 'this stream has no replication key'),
      );
    }
    const { replication_key_value: value, replication_key: _key, ...rest } = bookmark;
    if (cursorField) delete rest[cursorField];
    streams.set(name, parseStreamState(stream, cursorField ? { ...rest, [cursorField]: value } : rest, warnings));
  }
  return { streams, document: { ...raw, bookmarks: { ...bookmarks } } };
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
