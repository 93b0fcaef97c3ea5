/**
 * active_users: distinct active users per UTC day, ISO week and calendar month, from
 * `…/metrics/dau|wau|mau` (SPEC §5.5). The engine asks whole periods (src/engine/read-periods.ts);
 * here each answered point becomes a record, keyed by its unit and its start.
 */
import { ResponseShapeError } from '../devin/errors.js';
import { nextPeriodStart, periodStartOf } from '../devin/utc-periods.js';
import { RowTyper, apiTimestamp, dateTimeOfSeconds, isRecord, secondsOfApiTimestamp, type NormalizedRecord } from './normalize.js';
import { loadSchema, type PeriodWindow, type PlanContext, type StreamDeclaration } from './types.js';

export const activeUsersStream: StreamDeclaration = {
  name: 'active_users',
  description: 'Distinct active users per UTC day, ISO week and UTC calendar month (the running period up to the read start).',
  schema: loadSchema('active_users'),
  primaryKey: [['period'], ['period_start']],
  scopes: ['enterprise', 'organization'],
  default: true,
  source: {
    kind: 'periods',
    units: [
      { unit: 'day', endpoint: 'dailyActiveUsers' },
      { unit: 'week', endpoint: 'weeklyActiveUsers' },
      { unit: 'month', endpoint: 'monthlyActiveUsers' },
    ],
    filter: ['time_after', 'time_before'],
    records: activeUsersRecords,
  },
  endpoints: ['dailyActiveUsers', 'weeklyActiveUsers', 'monthlyActiveUsers'],
};

function activeUsersRecords(body: unknown, window: PeriodWindow, ctx: PlanContext): NormalizedRecord[] {
  if (!Array.isArray(body)) throw new ResponseShapeError(`active users came back as ${body === null ? 'null' : typeof body}, not an array`);
  const records: NormalizedRecord[] = [];
  const seen = new Set<number>();
  for (const point of body) {
    const start = isRecord(point) ? secondsOfApiTimestamp(point.start_time) : undefined;
    if (!isRecord(point) || start === undefined) {
      ctx.skipRow('an active-users point without a usable start_time');
      continue;
    }
    // A point that is not one of the periods asked for would be a partial count, or a duplicate key
    // of a neighbouring window: never trust the API's bound semantics.
    if (start < window.from || start >= window.to || periodStartOf(window.unit, start) !== start) {
      ctx.skipRow('an active-users point that does not start a period of the window asked for');
      continue;
    }
    if (seen.has(start)) {
      ctx.skipRow('a second active-users point for the same period');
      continue;
    }
    seen.add(start);
    const typer = new RowTyper();
    const data = {
      period: window.unit,
      period_start: dateTimeOfSeconds(start),
      period_end: apiTimestamp(typer, point.end_time, 'period_end'),
      active_users: typer.integer(point.active_users, 'active_users'),
      is_partial_period: start <= window.readStart && window.readStart < nextPeriodStart(window.unit, start),
      org_id: ctx.orgId,
    };
    records.push(typer.record(data));
  }
  return records;
}
