/**
 * Reads the --state file Airbyte passes back: a JSON array of AirbyteStateMessage (STREAM, GLOBAL or
 * LEGACY), or a legacy object blob: `{"data": {...}}` or `{"type": "LEGACY", "data": {...}}` (what older
 * Airbyte versions saved), a map of stream → state, or Singer-style bookmarks.
 *
 * A problem with the file as a whole (not an array or object, an entry without a stream name) is a
 * StateError; a stream's state that does not fit the stream is a warning (engine/state.ts). Entries for
 * streams we do not know are ignored: another connector's or an older version's, not ours to judge.
 */
import * as z from 'zod/mini';
import { addStreamState, emptyStates, StateError, type ParsedStates } from '../engine/state.js';
import { jsonObject } from '../json-shapes.js';
import { isRecord } from '../json.js';
import { findStream } from '../streams/index.js';

const MESSAGE_TYPES: readonly unknown[] = ['STREAM', 'GLOBAL', 'STATE', 'LEGACY'];

/** A whole saved stdout line (people do save them): {"type":"STATE","state":{…}}. */
const stateLine = z.object({ type: z.literal('STATE'), state: jsonObject });
const streamEntry = z.object({ stream_descriptor: z.object({ name: z.string() }), stream_state: z.optional(z.unknown()) });
const globalState = z.object({ stream_states: z.array(z.unknown()) });
/** `{"data": {...}}`: the legacy blob under `data` (when no stream of ours stands beside it). */
const legacyEnvelope = z.object({ data: jsonObject });
/** A Singer bookmark keeps the cursor in replication_key_value. */
const singerBookmark = jsonObject.check(z.refine((value) => 'replication_key_value' in value || 'replication_key' in value));

export function parseAirbyteState(raw: unknown): ParsedStates {
  const states = emptyStates();
  if (raw === null || raw === undefined) return states;
  if (Array.isArray(raw)) {
    raw.forEach((entry, index) => readStateMessage(unwrapLine(entry), index, states));
    return states;
  }
  if (!isRecord(raw)) throw new StateError('must be a JSON array of state messages (or a legacy state object)');
  if (MESSAGE_TYPES.includes(raw.type)) {
    readStateMessage(unwrapLine(raw), 0, states);
    return states;
  }
  const envelope = legacyEnvelope.safeParse(raw);
  const enveloped = envelope.success && Object.keys(raw).every((key) => !findStream(key));
  readLegacyBlob(enveloped ? envelope.data.data : raw, states);
  return states;
}

function unwrapLine(entry: unknown): unknown {
  const line = stateLine.safeParse(entry);
  return line.success ? line.data.state : entry;
}

function readStateMessage(entry: unknown, index: number, states: ParsedStates): void {
  if (!isRecord(entry)) throw new StateError(`entry ${index} must be an object`);
  const type = entry.type ?? (entry.stream ? 'STREAM' : entry.global ? 'GLOBAL' : entry.data ? 'LEGACY' : undefined);
  if (type === 'STREAM') {
    readStreamEntry(entry.stream, `entry ${index}`, states);
  } else if (type === 'GLOBAL') {
    const global = globalState.safeParse(entry.global);
    if (!global.success) throw new StateError(`entry ${index} is GLOBAL state without global.stream_states`);
    global.data.stream_states.forEach((streamState, i) => readStreamEntry(streamState, `entry ${index} stream_states[${i}]`, states));
  } else if (type === 'LEGACY') {
    const data = jsonObject.safeParse(entry.data);
    if (!data.success) throw new StateError(`entry ${index} is LEGACY state without a data object`);
    readLegacyBlob(data.data, states);
  } else {
    throw new StateError(`entry ${index} has none of stream, global or data (type ${JSON.stringify(entry.type)})`);
  }
}

function readStreamEntry(value: unknown, where: string, states: ParsedStates): void {
  const entry = streamEntry.safeParse(value);
  if (!entry.success) throw new StateError(`${where} must have stream_descriptor.name`);
  const stream = findStream(entry.data.stream_descriptor.name);
  if (stream) addStreamState(states, stream, entry.data.stream_state);
}

function readLegacyBlob(blob: Record<string, unknown>, states: ParsedStates): void {
  const bookmarks = jsonObject.safeParse(blob.bookmarks);
  for (const [name, value] of Object.entries(bookmarks.success ? bookmarks.data : blob)) {
    const stream = findStream(name);
    if (!stream) continue;
    const isBookmark = bookmarks.success || singerBookmark.safeParse(value).success;
    addStreamState(states, stream, value, isBookmark ? 'bookmark' : 'state');
  }
}
