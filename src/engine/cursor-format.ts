/**
 * What a saved cursor looks like, by the stream's cursor kind (SPEC §6): a billing-day cursor holds
 * `YYYY-MM-DD`, a timestamp cursor `YYYY-MM-DDTHH:MM:SSZ` (UTC, to the second). The one place that
 * decides whether a cursor read from a state file fits its stream.
 */
import { parseDay } from '../devin/billing-day.js';
import { STREAMS } from '../streams/index.js';
import type { CursorSpec } from '../streams/types.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Unix seconds of a `YYYY-MM-DDTHH:MM:SSZ` cursor, or undefined. */
export function parseTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string' || !TIMESTAMP.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || `${new Date(ms).toISOString().slice(0, 19)}Z` !== text ? undefined : ms / 1000;
}

/** `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds. */
export function formatTimestamp(seconds: number): string {
  return `${new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19)}Z`;
}

const EXPECTED: Record<CursorSpec['kind'], string> = {
  'billing-day': 'a YYYY-MM-DD billing day',
  timestamp: 'a YYYY-MM-DDTHH:MM:SSZ timestamp',
};

function fits(kind: CursorSpec['kind'], value: unknown): boolean {
  return kind === 'billing-day' ? typeof value === 'string' && parseDay(value) !== undefined : parseTimestamp(value) !== undefined;
}

/**
 * Every field name that holds a cursor in some stream's state (to spot a cursor saved under the wrong
 * one): the streams' cursor fields, and the timestamp fields SPEC §6 names.
 */
export const CURSOR_FIELDS: readonly string[] = [
  ...new Set(['date', 'updated_at', 'created_at', ...STREAMS.flatMap((stream) => (stream.cursor ? [stream.cursor.field] : []))]),
];

/**
 * Why `value` cannot be the cursor of a stream with this cursor (saved under `label`, the field's name
 * unless the state format names it otherwise); undefined when it fits.
 */
export function cursorMismatch(cursor: CursorSpec, value: unknown, label: string = cursor.field): string | undefined {
  return fits(cursor.kind, value) ? undefined : `has ${label} ${JSON.stringify(value)}, not ${EXPECTED[cursor.kind]}`;
}
