/**
 * Timestamp-cursor streams (SPEC §13): one paginated list, filtered by windows of the planned range,
 * feeding its own stream and the child streams that follow its rows (read together: each page is
 * fetched once, SPEC §5.3, §6).
 *
 * - No sort order is assumed: a window counts only when its last page is read; the cursor is then
 *   that window's end (never past the read's start, ./time-range.ts).
 * - Inside a window, after a page every stream has all of (every few rows or seconds), the state
 *   records the window and the next page's cursor; a resumed read goes on from there (the list is
 *   keyset-paginated, and a row updated between the runs leaves the window for a later one, which
 *   this read's longer range covers), or reads the window again if the API refuses the cursor.
 * - Every row's time is checked against the window asked for. A row outside it means the server
 *   ignored the filter: one WARN per endpoint, then one pass over the whole list, filtered here,
 *   from the current window's start to the range's end; the cursor moves when that pass ends.
 */
import { endpointInfo, endpointPath } from '../devin/endpoints.js';
import { ApiStatusError } from '../devin/errors.js';
import { PAGE_SIZE, paginate } from '../devin/pagination.js';
import type { TimeWindowSource } from '../streams/types.js';
import { CheckpointClock } from './checkpoint.js';
import { formatTimestamp, parseTimestamp, type PageProgress, type StreamState } from './state.js';
import type { StreamRun } from './stream-run.js';
import { advanceTimeCursor, planTimeRange, timeWindows, type TimeSpan } from './time-range.js';
import { handToMembers, windowMember, type WindowMember } from './time-window-members.js';

/**
 * Reads the list for every run of the group (all in the same sync mode, from the same cursor).
 * `pagesRun` counts the list's requests. Resolves to each failed run's error.
 */
export async function readTimeWindows(
  runs: readonly StreamRun[],
  source: TimeWindowSource,
  pagesRun: StreamRun,
): Promise<Map<StreamRun, unknown>> {
  const { config, incremental, inputState, readStart, policy, now } = pagesRun.options;
  const cursorField = (run: StreamRun) => run.options.stream.cursor?.field as string;
  const range = planTimeRange(config, incremental, inputState[cursorField(pagesRun)], readStart / 1000);
  const members = runs.map(windowMember);
  let cursor = range.cursor;
  const checkpoint = async (page?: PageProgress): Promise<void> => {
    for (const member of members) {
      if (member.error !== undefined) continue;
      const state: StreamState = cursor === undefined ? {} : { [cursorField(member.run)]: formatTimestamp(cursor) };
      if (page) state.page = page;
      await member.run.checkpoint(state);
    }
  };

  const reader = new WindowReader(pagesRun, source, members, new CheckpointClock(policy, now), checkpoint);
  const resume = incremental ? resumable(inputState.page, range) : undefined;
  const plan: Array<{ window: TimeSpan; after?: string }> = resume
    ? [
        ...timeWindows({ from: range.from, to: resume.window.from }).map((window) => ({ window })),
        resume,
        ...timeWindows({ from: resume.window.to, to: range.to }).map((window) => ({ window })),
      ]
    : timeWindows(range).map((window) => ({ window }));
  for (const { window, after } of plan) {
    if (members.every((member) => member.error !== undefined)) break;
    if (await reader.readWindow(window, after)) {
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

/** The saved place inside a window, when it lies in this read's range (else the window is read whole). */
function resumable(page: PageProgress | undefined, range: TimeSpan): { window: TimeSpan; after: string } | undefined {
  if (!page) return undefined;
  const from = parseTimestamp(page.window_from) as number;
  const to = parseTimestamp(page.window_to) as number;
  return from >= range.from && from < to && to <= range.to ? { window: { from, to }, after: page.after } : undefined;
}

class WindowReader {
  /** The ids of the rows handed out in the current window, so the single pass does not repeat them. */
  private handed = new Set<string>();

  constructor(
    private readonly run: StreamRun,
    private readonly source: TimeWindowSource,
    private readonly members: readonly WindowMember[],
    private readonly clock: CheckpointClock,
    private readonly checkpoint: (page: PageProgress) => Promise<void>,
  ) {}

  /**
   * Reads one window to its last page (from `after`, a place saved inside it); false when a row fell
   * outside it (the filter was ignored). Between pages, when every stream has all of a page, the
   * state may say how far into the window the read is.
   */
  async readWindow(window: TimeSpan, after?: string): Promise<boolean> {
    this.handed = new Set();
    let pages = 0;
    try {
      for await (const page of this.pages(window, after)) {
        pages += 1;
        const inside = page.items.every((item) => {
          const time = this.source.rowTime(item);
          return time === undefined || (time >= window.from && time < window.to);
        });
        if (!inside) return false;
        for (const item of page.items) this.handed.add(this.keyOf(item));
        await handToMembers(this.members, page.items);
        if (page.next !== undefined && this.clock.tick(page.items.length)) {
          this.clock.reset();
          await this.checkpoint({ window_from: formatTimestamp(window.from), window_to: formatTimestamp(window.to), after: page.next });
        }
      }
    } catch (error) {
      // A saved place the API no longer accepts: read the window again from its start.
      if (after === undefined || pages > 0 || !(error instanceof ApiStatusError) || (error.status !== 400 && error.status !== 422)) throw error;
      this.run.options.output.log('WARN', `${this.run.name}: the API refused the saved page cursor (HTTP ${error.status}); reading the window again from its start`);
      return this.readWindow(window);
    }
    return true;
  }

  /** One pass over the whole list, keeping the rows inside `span` not handed out already. */
  private keyOf(item: unknown): string {
    return this.source.rowId?.(item) ?? rowKey(item);
  }

  async readOnce(span: TimeSpan): Promise<void> {
    const handed = this.handed;
    this.handed = new Set();
    for await (const page of this.pages(span)) {
      const kept = page.items.filter((item) => {
        const time = this.source.rowTime(item);
        return (time === undefined || (time >= span.from && time < span.to)) && !handed.has(this.keyOf(item));
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

  private pages(span: TimeSpan, startAfter?: string) {
    const { scope, client } = this.run.options;
    const [after, before] = this.source.filter;
    const query = [...(this.source.query ?? []), [after, span.from] as const, [before, span.to] as const];
    // Prefetched: a window is one chain of pages, each asked for only once the one before has come.
    return paginate(client, { path: endpointPath(scope, this.source.endpoint), query }, this.run.counter, PAGE_SIZE, startAfter, { prefetch: true });
  }
}

/** A row's identity for the single pass: the row itself (rows of one window are few hundred bytes each). */
function rowKey(item: unknown): string {
  return JSON.stringify(item);
}
