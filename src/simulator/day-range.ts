/**
 * Which billing days to visit for a query: the generated history clipped to the query, plus any
 * overridden days in the query that lie outside the history (tests may write rows anywhere).
 */
export function daysToVisit(
  fromDay: number,
  toDay: number,
  historyFirst: number,
  historyLast: number,
  overrideDays: Iterable<number>,
): number[] {
  const days: number[] = [];
  const first = Math.max(fromDay, historyFirst);
  const last = Math.min(toDay, historyLast);
  for (let day = first; day <= last; day++) days.push(day);
  let extra = false;
  for (const day of overrideDays) {
    if (day >= fromDay && day <= toDay && (day < first || day > last)) {
      days.push(day);
      extra = true;
    }
  }
  if (extra) {
    days.sort((a, b) => a - b);
    return days.filter((day, i) => i === 0 || days[i - 1] !== day);
  }
  return days;
}

/** Cents of an ACU amount; aggregates are summed in cents so they stay exact at 2 decimals. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}
