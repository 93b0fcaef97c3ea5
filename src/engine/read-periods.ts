/**
 * Period streams (full refresh, SPEC §5.5): metrics per UTC day, ISO week or calendar month. The API
 * answers one point per period a window overlaps, counted over the part of the period inside the
 * window, so a window that cut a period would give a false low count. Hence, per unit:
 *
 * - from the start of the period containing start_date 00:00Z (that day, its Monday, its month's 1st);
 * - to the read's start, and at most the end of the period containing end_date (for days:
 *   end_date+1 00:00Z), so the period containing end_date comes back whole;
 * - in windows that begin and end on period boundaries, except the last, which ends at the read's start.
 *
 * Window size: the API documents no maximum for these endpoints; 100 days is the only one it states
 * for any window (audit logs, code scans), so a window holds as many whole periods as fit in 100 days
 * (100 days, 14 weeks, 3 months).
 */
import { SECONDS_PER_DAY } from '../devin/billing-day.js';
import { endpointPath } from '../devin/endpoints.js';
import { nextPeriodStart, periodStartOf, type PeriodUnit } from '../devin/utc-periods.js';
import type { RangeSettings } from './range.js';
import type { PeriodWindow, PeriodsSource } from '../streams/types.js';
import type { StreamRun } from './stream-run.js';
import { MAX_WINDOW_SECONDS, type TimeSpan } from './time-range.js';

/** [from, to) of one unit's read: see the file's comment. Empty (from ≥ to) when nothing is to be read. */
export function periodRange(unit: PeriodUnit, settings: Pick<RangeSettings, 'startDay' | 'endDay'>, readStart: number): TimeSpan {
  const from = periodStartOf(unit, settings.startDay * SECONDS_PER_DAY);
  const endPeriodEnd = nextPeriodStart(unit, periodStartOf(unit, settings.endDay * SECONDS_PER_DAY));
  return { from, to: Math.min(endPeriodEnd, readStart) };
}

/** Windows of whole periods, each at most `maxSeconds` long (at least one period), covering the range. */
export function periodWindows(unit: PeriodUnit, range: TimeSpan, maxSeconds = MAX_WINDOW_SECONDS): TimeSpan[] {
  const windows: TimeSpan[] = [];
  let from = range.from;
  while (from < range.to) {
    let to = nextPeriodStart(unit, from);
    for (let next = nextPeriodStart(unit, to); next - from <= maxSeconds && to < range.to; next = nextPeriodStart(unit, next)) to = next;
    to = Math.min(to, range.to);
    windows.push({ from, to });
    from = to;
  }
  return windows;
}

export async function readPeriods(run: StreamRun, source: PeriodsSource): Promise<void> {
  const { client, config, scope } = run.options;
  // The API speaks whole seconds; the partial period is the one containing this second.
  const readStart = Math.floor(run.options.readStart / 1000);
  const [after, before] = source.filter;
  for (const { unit, endpoint } of source.units) {
    for (const span of periodWindows(unit, periodRange(unit, config, readStart))) {
      const window: PeriodWindow = { unit, from: span.from, to: span.to, readStart };
      const body = await client.getJson(
        { path: endpointPath(scope, endpoint), query: [[after, window.from], [before, window.to]] },
        run.counter,
      );
      await run.emit(source.records(body, window, run.planContext));
    }
  }
  await run.checkpoint({});
}
