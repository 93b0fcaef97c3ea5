/**
 * Reads the --state file Airbyte passes back: a JSON array of AirbyteStateMessage (STREAM or GLOBAL),
 * or a legacy object blob (LEGACY `data`, a map of stream → state, or Singer-style bookmarks).
 * Entries for streams we do not know or were not asked for are ignored.
 */
import { parseStreamState, StateError, type StreamState } from '../engine/state.js';
import { findStream } from '../streams/index.js';
import { isRecord } from '../streams/normalize.js';

export function parseAirbyteState(raw: unknown, warnings: string[] = []): Map<string, StreamState> {
  const states = new Map<string, StreamState>();
  const read = (entry: unknown, index: number): void => readStateMessage(unwrapEnvelope(entry), index, states, warnings);
  if (raw === null || raw === undefined) return states;
  if (Array.isArray(raw)) {
    raw.forEach(read);
    return states;
  }
  if (isRecord(raw)) {
    if (raw.type === 'STREAM' || raw.type === 'GLOBAL' || raw.type === 'STATE') {
      read(raw, 0);
      return states;
    }
    readLegacyBlob(raw, states, warnings);
    return states;
  }
  throw new StateError('must be a JSON array of state messages (or a legacy state object)');
}

function unwrapEnvelope(entry: unknown): unknown {
  // People sometimes save whole stdout lines: {"type":"STATE","state":{…}}.
  return isRecord(entry) && entry.type === 'STATE' && isRecord(entry.state) ? entry.state : entry;
}

function readStateMessage(entry: unknown, index: number, states: Map<string, StreamState>, warnings: string[]): void {
  if (!isRecord(entry)) throw new StateError(`entry ${index} must be an object`);
  const type = entry.type ?? (entry.stream ? 'STREAM' : entry.global ? 'GLOBAL' : entry.data ? 'LEGACY' : undefined);
  if (type === 'STREAM') {
    readStreamEntry(entry.stream, `entry ${index}`, states, warnings);
  } else if (type === 'GLOBAL') {
    const global = entry.global;
    if (!isRecord(global) || !Array.isArray(global.stream_states)) {
      throw new StateError(`entry ${index} is GLOBAL state without global.stream_states`);
    }
    global.stream_states.forEach((streamState, i) => readStreamEntry(streamState, `entry ${index} stream_states[${i}]`, states, warnings));
  } else if (type === 'LEGACY') {
    if (!isRecord(entry.data)) throw new StateError(`entry ${index} is LEGACY state without a data object`);
    readLegacyBlob(entry.data, states, warnings);
  } else {
    throw new StateError(`entry ${index} has none of stream, global or data (type ${JSON.stringify(entry.type)})`);
  }
}

function readStreamEntry(value: unknown, where: string, states: Map<string, StreamState>, warnings: string[]): void {
  if (!isRecord(value) || !isRecord(value.stream_descriptor) || typeof value.stream_descriptor.name !== 'string') {
    throw new StateError(`${where} must have stream_descriptor.name`);
  }
  const name = value.stream_descriptor.name;
  const stream = findStream(name);
  // Another connector's or an older version's stream: not ours to judge.
  if (!stream) return;
  states.set(name, parseStreamState(stream, value.stream_state, warnings));
}

function readLegacyBlob(blob: Record<string, unknown>, states: Map<string, StreamState>, warnings: string[]): void {
  const streams = isRecord(blob.bookmarks) ? blob.bookmarks : blob;
  for (const [name, value] of Object.entries(streams)) {
    const stream = findStream(name);
    if (!isRecord(value) || !stream) continue;
    // A Singer bookmark keeps the cursor in replication_key_value.
    const state = 'replication_key_value' in value && stream.cursor ? { ...value, [stream.cursor.field]: value.replication_key_value } : value;
    states.set(name, parseStreamState(stream, state, warnings));
  }
}
