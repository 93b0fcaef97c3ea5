/**
 * What a saved cursor looks like, keyed by the stream's cursor field (SPEC §6): `date` holds a billing day,
 * `updated_at` / `created_at` a UTC timestamp to the second. The one place that decides whether a cursor
 * read from a state file fits its stream; a stream with a new kind of cursor adds its field here.
 */
import { parseDay } from '../devin/billing-day.js';

interface CursorFormat {
  /** For the WARN: what the value should have been. */
  expected: string;
  fits(value: string): boolean;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

const timestamp: CursorFormat = {
  expected: 'a YYYY-MM-DDTHH:MM:SSZ timestamp',
  fits: (value) => {
    const match = TIMESTAMP.exec(value);
    return match !== null && parseDay(match[1]!) !== undefined;
  },
};

const FORMATS: Readonly<Record<string, CursorFormat>> = {
  date: { expected: 'a YYYY-MM-DD billing day', fits: (value) => parseDay(value) !== undefined },
  updated_at: timestamp,
  created_at: timestamp,
};

/** The field names that hold a cursor in some stream's state. */
export const CURSOR_FIELDS: readonly string[] = Object.keys(FORMATS);

/**
 * Why `value` cannot be the cursor of a stream whose cursor field is `field` (saved under `label`, the
 * field's name unless the state format names it otherwise); undefined when it fits.
 */
export function cursorMismatch(field: string, value: unknown, label: string = field): string | undefined {
  const format = FORMATS[field];
  if (!format) return `keeps a cursor under ${field}, which this connector cannot resume from`;
  if (typeof value === 'string' && format.fits(value)) return undefined;
  return `has ${label} ${JSON.stringify(value)}, not ${format.expected}`;
}
