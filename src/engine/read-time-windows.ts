/**
 * Timestamp-cursor streams (SPEC §13): one paginated list, filtered by windows of the planned range,
 * feeding its own stream and the child streams that follow its rows (read together: each page is
 * fetched once, SPEC §5.3, §6).
 *
 * - No sort order is assumed: a window counts only when its last page is read; the cursor is then
 *   that window's end (never past the read's start, ./time-range.ts).
 * - Every row's time is checked against the window asked for. A row outside it means the server
 *   ignored the filter: one WARN per endpoint, then one pass over the whole list, filtered here,
 *   from the current window's start to the range's end; the cursor moves when that pass ends.
 */
import { endpointInfo, endpointPath } from '../devin/endpoints.js';
import { paginate } from '../devin/pagination.js';
import type { TimeWindowSource } from '../streams/types.js';
import type { StreamState } from './state.js';
import type { StreamRun } from './stream-run.js';
import { advanceTimeCursor, planTimeRange, timeWindows, type TimeSpan } from './time-range.js';
import { handToMembers, windowMember, type WindowMember } from './time-window-members.js';
import { formatTimestamp } from './state.js';

/**
 * Reads the list for every run of the group (all in the same sync mode, from the same cursor).
 * `pagesRun` counts the list's requests. Resolves to each failed run's error.
 */
export async function readTimeWindows(
  runs: readonly StreamRun[],
  source: TimeWindowSource,
  pagesRun: StreamRun,
): Promise<Map<StreamRun, unknown>> {
  const { config, incremental, inputState, readStart } = pagesRun.options;
  const cursorField = (run: StreamRun) => run.options.stream.cursor?.field as string;
  const range = planTimeRange(config, incremental, inputState[cursorField(pagesRun)], readStart / 1000);
  const members = runs.map(windowMember);
  let cursor = range.cursor;
  const checkpoint = async (): Promise<void> => {
    for (const member of members) {
      if (member.error !== undefined) continue;
      const state: StreamState = cursor === undefined ? {} : { [cursorField(member.run)]: formatTimestamp(cursor) };
      await member.run.checkpoint(state);
    }
  };

  const reader = new WindowReader(pagesRun, source, members);
  for (const window of timeWindows(range)) {
    if (members.every((member) => member.error !== undefined)) break;
    if (await reader.readWindow(window)) {
      cursor = advanceTimeCursor(cursor, window.to);
      await checkpoint();
      continue;
    }
    reader.warnIgnored();
    await reader.readOnce({ from: window.from, to: range.to });
    cursor = advanceTimeCursor(cursor, range.to);
    break;
  }
  await checkpoint();
  const errors = new Map<StreamRun, unknown>();
  for (const member of members) if (member.error !== undefined) errors.set(member.run, member.error);
  return errors;
}

class WindowReader {
  /** The pages handed out in the current window, so the single pass does not repeat their rows. */
  private handed: unknown[][] = [];

  constructor(
    private readonly run: StreamRun,
    private readonly source: TimeWindowSource,
    private readonly members: readonly WindowMember[],
  ) {}

  /** Reads one window to its last page; false when a row fell outside it (the filter was ignored). */
  async readWindow(window: TimeSpan): Promise<boolean> {
    this.handed = [];
    for await (const page of this.pages(window)) {
      const inside = page.items.every((item) => {
        const time = this.source.rowTime(item);
        return time === undefined || (time >= window.from && time < window.to);
      });
      if (!inside) return false;
      this.handed.push(page.items);
      await handToMembers(this.members, page.items);
    }
    return true;
  }

  /** One pass over the whole list, keeping the rows inside `span` not handed out already. */
  async readOnce(span: TimeSpan): Promise<void> {
    // Keys only now: in the usual case (the filter works) no row is serialised for this.
    const handed = new Set(this.handed.flat().map(rowKey));
    this.handed = [];
    for await (const page of this.pages(span)) {
      const kept = page.items.filter((item) => {
        const time = this.source.rowTime(item);
        return (time === undefined || (time >= span.from && time < span.to)) && !handed.has(rowKey(item));
      });
      if (kept.length > 0) await handToMembers(this.members, kept);
      if (this.members.every((member) => member.error !== undefined)) return;
    }
  }

  warnIgnored(): void {
    const { output, scope, shared } = this.run.options;
    const [after, before] = this.source.filter;
    const label = endpointInfo(scope, this.source.endpoint).label;
    if (shared.warned.has(label)) return;
    shared.warned.add(label);
    output.log(
      'WARN',
      `${this.run.name}: the API ignored ${after}/${before} on the ${label} (a row's time is outside the window asked for); ` +
        'reading the list once to its end and keeping the rows inside the range',
    );
  }

  private pages(span: TimeSpan) {
    const { scope, client } = this.run.options;
    const [after, before] = this.source.filter;
    const query = [...(this.source.query ?? []), [after, span.from] as const, [before, span.to] as const];
    return paginate(client, { path: endpointPath(scope, this.source.endpoint), query }, this.run.counter);
  }
}

/** A row's identity for the single pass: the row itself (rows of one window are few hundred bytes each). */
function rowKey(item: unknown): string {
  return JSON.stringify(item);
}
