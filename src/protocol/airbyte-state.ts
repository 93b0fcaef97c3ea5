/**
 * Reads the --state file Airbyte passes back: a JSON array of AirbyteStateMessage (STREAM, GLOBAL or
 * LEGACY), or a legacy object blob: `{"data": {...}}` or `{"type": "LEGACY", "data": {...}}` (what older
 * Airbyte versions saved), a map of stream → state, or Singer-style bookmarks.
 *
 * A problem with the file as a whole (not an array or object, an entry without a stream name) is a
 * StateError; a stream's state that does not fit the stream is a warning (engine/state.ts). Entries for
 * streams we do not know are ignored: another connector's or an older version's, not ours to judge.
 */
import { addStreamState, emptyStates, StateError, type ParsedStates } from '../engine/state.js';
import { findStream } from '../streams/index.js';
import { isRecord } from '../json.js';

export function parseAirbyteState(raw: unknown): ParsedStates {
  const states = emptyStates();
  if (raw === null || raw === undefined) return states;
  if (Array.isArray(raw)) {
    raw.forEach((entry, index) => readStateMessage(unwrapEnvelope(entry), index, states));
    return states;
  }
  if (isRecord(raw)) {
    if (raw.type === 'STREAM' || raw.type === 'GLOBAL' || raw.type === 'STATE' || raw.type === 'LEGACY') {
      readStateMessage(unwrapEnvelope(raw), 0, states);
    } else if (isLegacyEnvelope(raw)) {
      readLegacyBlob(raw.data, states);
    } else {
      readLegacyBlob(raw, states);
    }
    return states;
  }
  throw new StateError('must be a JSON array of state messages (or a legacy state object)');
}

function unwrapEnvelope(entry: unknown): unknown {
  // People sometimes save whole stdout lines: {"type":"STATE","state":{…}}.
  return isRecord(entry) && entry.type === 'STATE' && isRecord(entry.state) ? entry.state : entry;
}

/** `{"data": {...}}`: the legacy blob under `data`, with no stream of ours beside it. */
function isLegacyEnvelope(raw: Record<string, unknown>): raw is { data: Record<string, unknown> } {
  return isRecord(raw.data) && Object.keys(raw).every((key) => !findStream(key));
}

function readStateMessage(entry: unknown, index: number, states: ParsedStates): void {
  if (!isRecord(entry)) throw new StateError(`entry ${index} must be an object`);
  const type = entry.type ?? (entry.stream ? 'STREAM' : entry.global ? 'GLOBAL' : entry.data ? 'LEGACY' : undefined);
  if (type === 'STREAM') {
    readStreamEntry(entry.stream, `entry ${index}`, states);
  } else if (type === 'GLOBAL') {
    const global = entry.global;
    if (!isRecord(global) || !Array.isArray(global.stream_states)) {
      throw new StateError(`entry ${index} is GLOBAL state without global.stream_states`);
    }
    global.stream_states.forEach((streamState, i) => readStreamEntry(streamState, `entry ${index} stream_states[${i}]`, states));
  } else if (type === 'LEGACY') {
    if (!isRecord(entry.data)) throw new StateError(`entry ${index} is LEGACY state without a data object`);
    readLegacyBlob(entry.data, states);
  } else {
    throw new StateError(`entry ${index} has none of stream, global or data (type ${JSON.stringify(entry.type)})`);
  }
}

function readStreamEntry(value: unknown, where: string, states: ParsedStates): void {
  if (!isRecord(value) || !isRecord(value.stream_descriptor) || typeof value.stream_descriptor.name !== 'string') {
    throw new StateError(`${where} must have stream_descriptor.name`);
  }
  const stream = findStream(value.stream_descriptor.name);
  if (stream) addStreamState(states, stream, value.stream_state);
}

function readLegacyBlob(blob: Record<string, unknown>, states: ParsedStates): void {
  const bookmarks = isRecord(blob.bookmarks);
  for (const [name, value] of Object.entries(bookmarks ? (blob.bookmarks as Record<string, unknown>) : blob)) {
    const stream = findStream(name);
    if (!stream) continue;
    // A Singer bookmark keeps the cursor in replication_key_value.
    const isBookmark = bookmarks || (isRecord(value) && ('replication_key_value' in value || 'replication_key' in value));
    addStreamState(states, stream, value, isBookmark ? 'bookmark' : 'state');
  }
}
