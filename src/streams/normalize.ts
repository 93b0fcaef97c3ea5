/**
 * Defensive typing of API rows. The API's schemas grow and drift (fields added, numbers sent as
 * strings, products missing): a value of the wrong type becomes null and is reported as a field
 * change (Airbyte `meta.changes`), never a crash and never a record that breaks its schema.
 */
import { dayOfSeconds, formatDay, parseDay } from '../devin/billing-day.js';
import { isRecord } from '../json.js';

// The stream declarations take the shared guard from here, beside the rest of their row helpers.
export { isRecord };

export interface FieldChange {
  field: string;
  change: 'NULLED';
  reason: 'SOURCE_SERIALIZATION_ERROR';
}

/** A record on its way out, with the fields that had to be nulled. */
export interface NormalizedRecord {
  data: Record<string, unknown>;
  changes?: FieldChange[];
  /**
   * Exactly `JSON.stringify(data)`, when the stream built it along with `data` (the hot streams do:
   * it skips a generic serialisation per record). `data` must not change once this is set.
   */
  json?: string;
}

const NUMERIC = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** Collects the changes made while typing one row. */
export class RowTyper {
  changes: FieldChange[] | undefined;

  number(value: unknown, field: string): number | null {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' && NUMERIC.test(value.trim())) {
      // "1e400" is numeric text but not a finite number: JSON would silently print it as null.
      const number = Number(value);
      if (Number.isFinite(number)) return number;
    }
    return this.nulled(field);
  }

  integer(value: unknown, field: string): number | null {
    const number = this.number(value, field);
    if (number === null || Number.isInteger(number)) return number;
    return this.nulled(field);
  }

  string(value: unknown, field: string): string | null {
    if (typeof value === 'string') return value;
    if (value === null || value === undefined) return null;
    return this.nulled(field);
  }

  boolean(value: unknown, field: string): boolean | null {
    if (typeof value === 'boolean') return value;
    if (value === null || value === undefined) return null;
    return this.nulled(field);
  }

  array(value: unknown, field: string): unknown[] | null {
    if (Array.isArray(value)) return value;
    if (value === null || value === undefined) return null;
    return this.nulled(field);
  }

  object(value: unknown, field: string): Record<string, unknown> | null {
    if (isRecord(value)) return value;
    if (value === null || value === undefined) return null;
    return this.nulled(field);
  }

  /** Records that `field` had to be nulled. */
  /** The record of `data`, with the changes made while typing it (if any). */
  record(data: Record<string, unknown>): NormalizedRecord {
    return this.changes ? { data, changes: this.changes } : { data };
  }

  nullField(field: string): null {
    return this.nulled(field);
  }

  private nulled(field: string): null {
    (this.changes ??= []).push({ field, change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' });
    return null;
  }
}


/**
 * The billing day of an API row's `date`. Documented as integer Unix seconds at 08:00Z; tolerated:
 * milliseconds, numeric strings, `YYYY-MM-DD` and ISO date-times. Undefined when unusable.
 */
export function billingDayOfRowDate(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    const day = parseDay(text);
    if (day !== undefined) return day;
    if (NUMERIC.test(text)) return billingDayOfRowDate(Number(text));
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : dayOfSeconds(Math.floor(ms / 1000));
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return dayOfSeconds(unixSecondsOf(value));
}

/** '' for whole numbers, then '.01' … '.99' with the trailing zero dropped ('.1', not '.10'). */
const CENT_SUFFIXES: readonly string[] = Array.from({ length: 100 }, (_, cents) =>
  cents === 0 ? '' : `.${String(cents).padStart(2, '0').replace(/0$/, '')}`,
);
const SMALL_WHOLES: readonly string[] = Array.from({ length: 1_024 }, (_, whole) => String(whole));

/**
 * A typed number (finite, or null) as JSON, exactly as JSON.stringify writes it.
 *
 * Fast path for amounts with at most two decimals, which is how the API sends ACUs: when
 * `cents / 100` is exactly the value, its shortest round-trip form is that decimal (doubles below 1e9
 * are far closer together than 0.01), so it is put together from small tables instead of running
 * the general double-to-shortest conversion (3× faster; test/read/record-serialisation.test.ts holds
 * it equal to JSON.stringify). Everything else goes to JSON.stringify — never String(value): V8 keeps
 * the strings String() makes from fractional numbers in a number-to-string cache, so each outlives
 * the young generation and is promoted (measured: ~130 MB of old-space garbage over 2 M records).
 */
export function jsonNumber(value: number | null): string {
  if (value === null) return 'null';
  if (value >= 0 && value < 1e9) {
    const cents = Math.round(value * 100);
    if (cents / 100 === value) {
      const fraction = cents % 100;
      const whole = (cents - fraction) / 100;
      return (whole < SMALL_WHOLES.length ? (SMALL_WHOLES[whole] as string) : JSON.stringify(whole)) + CENT_SUFFIXES[fraction];
    }
  }
  return JSON.stringify(value);
}

/** Day labels kept by `dayLabel`; a read spans a few hundred days, so this never fills in practice. */
const DAY_LABEL_CACHE_SIZE = 4_096;
const dayLabels = new Map<number, string>();

/**
 * `formatDay`, memoised: every record carries its billing day as `YYYY-MM-DD`, and formatting a
 * Date costs more than building the rest of the record. A pure function's cache, bounded.
 */
export function dayLabel(day: number): string {
  let label = dayLabels.get(day);
  if (label === undefined) {
    if (dayLabels.size >= DAY_LABEL_CACHE_SIZE) dayLabels.clear();
    label = formatDay(day);
    dayLabels.set(day, label);
  }
  return label;
}

/**
 * Whole Unix seconds of an API number that is seconds or milliseconds (SPEC §5): seconds today are
 * ~1.7e9, milliseconds ~1.7e12, and above 1e11 seconds would be the year 5138 (1e11 ms is 1973).
 */
export function unixSecondsOf(value: number): number {
  return Math.floor(value > 1e11 ? value / 1000 : value);
}

/**
 * Unix seconds of an API timestamp: documented as integer seconds; a value above 1e11 is taken as
 * milliseconds (1e11 seconds is the year 5138, 1e11 ms is 1973). Numeric text is tolerated.
 * Undefined when unusable.
 */
export function secondsOfApiTimestamp(value: unknown): number | undefined {
  const number = typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
  const seconds = unixSecondsOf(number);
  // Date cannot represent more than ±8.64e15 ms.
  return Math.abs(seconds) <= 8.64e12 ? seconds : undefined;
}

const SECONDS_PER_DAY = 86_400;
/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit, signed year. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_800_000;
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds. */
export function dateTimeOfSeconds(seconds: number): string {
  // What `new Date(seconds * 1000)` keeps: whole milliseconds, truncated (TimeClip).
  const ms = Math.trunc(seconds * 1000);
  if (!(ms >= 0 && ms < LAST_FOUR_DIGIT_YEAR_MS)) return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
  // Put together from the memoised day label and small tables: toISOString costs ≈ 1 µs, and a
  // sessions read formats three timestamps per session (test/read/date-time-format.test.ts holds
  // this equal to toISOString).
  const whole = Math.floor(ms / 1000);
  const day = Math.floor(whole / SECONDS_PER_DAY);
  let rest = whole - day * SECONDS_PER_DAY;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  return `${dayLabel(day)}T${TWO_DIGITS[hours] as string}:${TWO_DIGITS[minutes] as string}:${TWO_DIGITS[rest - minutes * 60] as string}Z`;
}

/**
 * An API timestamp as `YYYY-MM-DDTHH:MM:SSZ` (SPEC §5); null when absent, nulled and recorded when
 * it is not a timestamp.
 */
export function apiTimestamp(typer: RowTyper, value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  const seconds = secondsOfApiTimestamp(value);
  return seconds === undefined ? typer.nullField(field) : dateTimeOfSeconds(seconds);
}
