/** SPEC §13 range planning and API timestamps (pure functions). */
import { describe, expect, it } from 'vitest';
import { parseDay } from '../../src/devin/billing-day.js';
import { planTimeRange, timeWindows, MAX_WINDOW_SECONDS } from '../../src/engine/time-range.js';
import { apiTimestamp, RowTyper, secondsOfApiTimestamp } from '../../src/streams/normalize.js';

const day = (text: string) => parseDay(text) as number;
const at = (text: string) => Date.parse(text) / 1000;
const settings = { startDay: day('2026-01-01'), endDay: day('2026-03-10'), lookbackDays: 2 };

describe('planTimeRange', () => {
  it('runs from start_date 08:00Z to the earlier of end_date+1 08:00Z and the read start', () => {
    expect(planTimeRange(settings, false, undefined, at('2026-03-10T12:00:00Z'))).toEqual({
      from: at('2026-01-01T08:00:00Z'),
      to: at('2026-03-10T12:00:00Z'),
      cursor: undefined,
    });
    expect(planTimeRange({ ...settings, endDay: day('2026-02-01') }, false, undefined, at('2026-03-10T12:00:00Z')).to).toBe(at('2026-02-02T08:00:00Z'));
  });

  it('starts incrementally at cursor − lookback, never before start_date; full refresh ignores the cursor', () => {
    expect(planTimeRange(settings, true, '2026-03-01T10:00:00Z', at('2026-03-10T12:00:00Z')).from).toBe(at('2026-02-27T10:00:00Z'));
    expect(planTimeRange(settings, true, '2026-01-02T00:00:00Z', at('2026-03-10T12:00:00Z')).from).toBe(at('2026-01-01T08:00:00Z'));
    expect(planTimeRange(settings, false, '2026-03-01T10:00:00Z', at('2026-03-10T12:00:00Z')).from).toBe(at('2026-01-01T08:00:00Z'));
  });

  it('reads nothing when the cursor is at or past the end', () => {
    const range = planTimeRange(settings, true, '2027-01-01T00:00:00Z', at('2026-03-10T12:00:00Z'));
    expect(range.from).toBe(range.to);
    expect(timeWindows(range)).toEqual([]);
  });
});

describe('timeWindows', () => {
  it('cuts the range into consecutive windows of at most 100 days', () => {
    const range = { from: at('2025-01-01T08:00:00Z'), to: at('2026-03-10T12:00:00Z') };
    const windows = timeWindows(range);
    expect(windows).toHaveLength(5);
    expect(windows[0]!.from).toBe(range.from);
    expect(windows.at(-1)!.to).toBe(range.to);
    for (const [i, window] of windows.entries()) {
      expect(window.to - window.from).toBeLessThanOrEqual(MAX_WINDOW_SECONDS);
      if (i > 0) expect(window.from).toBe(windows[i - 1]!.to);
    }
  });
});

describe('API timestamps', () => {
  it('are Unix seconds, or milliseconds above 1e11, as YYYY-MM-DDTHH:MM:SSZ', () => {
    const typer = new RowTyper();
    expect(apiTimestamp(typer, 1_764_921_600, 'created_at')).toBe('2025-12-05T08:00:00Z');
    expect(apiTimestamp(typer, 1_764_921_600_123, 'created_at')).toBe('2025-12-05T08:00:00Z');
    expect(apiTimestamp(typer, '1764921600', 'created_at')).toBe('2025-12-05T08:00:00Z');
    expect(apiTimestamp(typer, null, 'created_at')).toBeNull();
    expect(typer.changes).toBeUndefined();
    expect(apiTimestamp(typer, 'yesterday', 'updated_at')).toBeNull();
    expect(apiTimestamp(typer, 1e300, 'updated_at')).toBeNull();
    expect(typer.changes).toEqual([
      { field: 'updated_at', change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' },
      { field: 'updated_at', change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' },
    ]);
    expect(secondsOfApiTimestamp(99_999_999_999)).toBe(99_999_999_999);
    expect(secondsOfApiTimestamp(100_000_000_001)).toBe(100_000_000);
  });
});
