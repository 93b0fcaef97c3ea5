/**
 * DAU / WAU / MAU from the sessions: per UTC day, ISO week (Monday 00:00Z to Sunday 23:59:59Z) or
 * UTC calendar month overlapping [time_after, time_before), the distinct users (user_id; service
 * users do not count) who created at least `minSessions` sessions inside the part of the period
 * that lies in the window. A window that cuts a period therefore gets a partial count.
 */
import type { SessionCreation } from './session-store.js';
import type { ActivePeriod, ActiveUsersPoint } from './session-types.js';

const DAY = 86_400;

/** First second of the period containing `seconds`. */
export function periodStart(period: ActivePeriod, seconds: number): number {
  const day = Math.floor(seconds / DAY);
  if (period === 'day') return day * DAY;
  if (period === 'week') return (day - ((day + 3) % 7 + 7) % 7) * DAY; // 1970-01-01 was a Thursday
  const date = new Date(day * DAY * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
}

/** First second of the period after the one starting at `start`. */
export function nextPeriodStart(period: ActivePeriod, start: number): number {
  if (period === 'day') return start + DAY;
  if (period === 'week') return start + 7 * DAY;
  const date = new Date(start * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000;
}

/** [start, next start) of every period overlapping [from, to). */
export function periodsOverlapping(period: ActivePeriod, from: number, to: number): Array<[number, number]> {
  const periods: Array<[number, number]> = [];
  if (from >= to) return periods; // an empty window overlaps nothing
  for (let start = periodStart(period, from); start < to; start = nextPeriodStart(period, start)) {
    periods.push([start, nextPeriodStart(period, start)]);
  }
  return periods;
}

export function activeUsers(
  period: ActivePeriod,
  from: number,
  to: number,
  minSessions: number,
  /** null = every org. */
  orgIds: ReadonlySet<string> | null,
  creations: Iterable<SessionCreation>,
): ActiveUsersPoint[] {
  const periods = periodsOverlapping(period, from, to);
  const counts = periods.map(() => new Map<string, number>());
  for (const creation of creations) {
    if (creation.user_id === null || creation.created < from || creation.created >= to) continue;
    if (orgIds !== null && !orgIds.has(creation.org_id)) continue;
    // Periods are few and sorted: a binary search keeps 100k-session windows cheap.
    let low = 0;
    let high = periods.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (periods[mid]![0] <= creation.created) low = mid;
      else high = mid - 1;
    }
    const users = counts[low]!;
    users.set(creation.user_id, (users.get(creation.user_id) ?? 0) + 1);
  }
  return periods.map(([start, next], k) => {
    let active = 0;
    for (const count of counts[k]!.values()) if (count >= minSessions) active++;
    return { active_users: active, start_time: start, end_time: next - 1 };
  });
}
