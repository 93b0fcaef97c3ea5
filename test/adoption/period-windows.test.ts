/**
 * The pieces of a periods read that a simulator read does not reach: windows of whole periods at most
 * 100 days long over any calendar (leap February, year ends), and active_users points the API should
 * not send (outside the window, off a boundary, repeated, not an array) never becoming records.
 */
import { describe, expect, it } from 'vitest';
import { periodRange, periodWindows } from '../../src/engine/read-periods.js';
import { ResponseShapeError } from '../../src/devin/errors.js';
import { activeUsersStream } from '../../src/streams/active-users.js';
import type { PeriodWindow, PlanContext } from '../../src/streams/types.js';

const DAY = 86_400;
const utc = (text: string): number => Date.parse(text) / 1000;
const dayNumber = (date: string): number => utc(`${date}T00:00:00Z`) / DAY;

describe('periodWindows', () => {
  it.each([
    ['day', 100 * DAY],
    ['week', 14 * 7 * DAY],
  ] as const)('%s: as many whole periods as fit in 100 days, the last cut at the range end', (unit, size) => {
    const range = { from: utc('2023-12-25T00:00:00Z'), to: utc('2024-11-06T15:30:00Z') };
    const windows = periodWindows(unit, range);
    expect(windows[0]!.from).toBe(range.from);
    expect(windows.at(-1)!.to).toBe(range.to);
    for (const [i, window] of windows.entries()) {
      if (i > 0) expect(window.from).toBe(windows[i - 1]!.to);
      if (i < windows.length - 1) expect(window.to - window.from).toBe(size);
    }
  });

  it('month: three whole calendar months a window (≤ 92 days), across a leap February and a year end', () => {
    const windows = periodWindows('month', { from: utc('2023-11-01T00:00:00Z'), to: utc('2024-09-10T00:00:00Z') });
    expect(windows.map((w) => new Date(w.from * 1000).toISOString().slice(0, 10))).toEqual(['2023-11-01', '2024-02-01', '2024-05-01', '2024-08-01']);
    expect(new Date(windows.at(-1)!.to * 1000).toISOString()).toBe('2024-09-10T00:00:00.000Z');
    for (const window of windows) expect(window.to - window.from).toBeLessThanOrEqual(100 * DAY);
  });

  it('a range that ends before it starts (start_date after the read start) asks nothing', () => {
    const settings = { startDay: dayNumber('2026-03-12'), endDay: dayNumber('2026-03-20') };
    expect(periodWindows('day', periodRange('day', settings, utc('2026-03-10T12:00:00Z')))).toEqual([]);
  });
});

describe('active_users records', () => {
  const source = activeUsersStream.source;
  if (source.kind !== 'periods') throw new Error('active_users is a periods stream');
  const skipped: string[] = [];
  const ctx: PlanContext = { scope: { kind: 'organization', orgId: 'org-x' }, orgId: 'org-x', today: 0, skipRow: (reason) => skipped.push(reason) };
  const window: PeriodWindow = { unit: 'week', from: utc('2026-02-02T00:00:00Z'), to: utc('2026-02-16T00:00:00Z'), readStart: utc('2026-03-10T12:00:00Z') };
  const point = (start: string, users: unknown = 3) => ({ start_time: utc(start), end_time: utc(start) + 7 * DAY - 1, active_users: users });

  it('keeps the window\'s periods once each; skips points outside it, off a boundary, repeated or without a start', () => {
    skipped.length = 0;
    const body = [
      point('2026-02-02T00:00:00Z'),
      point('2026-02-09T00:00:00Z', '7'),
      point('2026-02-09T00:00:00Z', 9),
      point('2026-01-26T00:00:00Z'),
      point('2026-02-16T00:00:00Z'),
      point('2026-02-04T00:00:00Z'),
      { active_users: 1 },
      'junk',
    ];
    const records = source.records(body, window, ctx).map((r) => r.data);
    expect(records).toEqual([
      { period: 'week', period_start: '2026-02-02T00:00:00Z', period_end: '2026-02-08T23:59:59Z', active_users: 3, is_partial_period: false, org_id: 'org-x' },
      { period: 'week', period_start: '2026-02-09T00:00:00Z', period_end: '2026-02-15T23:59:59Z', active_users: 7, is_partial_period: false, org_id: 'org-x' },
    ]);
    expect(skipped).toHaveLength(6);
  });

  it('a non-integer count is nulled and recorded; a body that is not an array is a shape error', () => {
    const [record] = source.records([point('2026-02-02T00:00:00Z', 2.5)], window, ctx);
    expect(record!.data.active_users).toBeNull();
    expect(record!.changes).toEqual([{ field: 'active_users', change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' }]);
    expect(() => source.records({ items: [] }, window, ctx)).toThrow(ResponseShapeError);
  });
});
