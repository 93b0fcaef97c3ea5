/**
 * One partition's (or the whole scope's) requests over a range of billing days: one billing day per
 * request, or windows as long as the endpoint's window policy allows — shrinking when the API
 * rejects a window as too long, for that endpoint only.
 */
import { ApiStatusError } from '../devin/errors.js';
import type { DayRange, PartitionRef, SourceSpec } from '../streams/types.js';
import type { StreamRun } from './stream-run.js';

export type DayWindowSource = Extract<SourceSpec, { kind: 'day-windows' }>;

/** Reads `range`; resolves to false when the partition is gone (404: skipped, counted). */
export async function readSpans(
  run: StreamRun,
  source: DayWindowSource,
  range: DayRange,
  partition: PartitionRef | undefined,
): Promise<boolean> {
  const { client, shared, output } = run.options;
  let from = range.from;
  while (from <= range.to) {
    const span = source.span === 'day' ? 1 : shared.windows.daysFor(source.endpoint);
    const to = Math.min(range.to, from + span - 1);
    let body: unknown;
    try {
      body = await client.getJson(source.request({ from, to }, partition, run.planContext), run.counter);
    } catch (error) {
      if (partition && error instanceof ApiStatusError && error.status === 404) {
        // The partition left between the listing and now: nothing to read for it.
        run.skips.add(`a ${run.partitionLabel} the API no longer knows (404)`);
        return false;
      }
      const days = to - from + 1;
      if (source.span === 'window' && error instanceof ApiStatusError && (error.status === 400 || error.status === 422) && days > 1) {
        const shrunk = shared.windows.shrink(source.endpoint, days);
        if (shrunk !== undefined) {
          output.log(
            'WARN',
            `${run.name}: the API rejected a ${days}-day window (HTTP ${error.status}${error.detail ? `: ${error.detail}` : ''}); ` +
              `using ${shrunk}-day windows for the rest of this read`,
          );
        }
        continue;
      }
      throw error;
    }
    await run.emit(source.records(body, { from, to }, partition, run.planContext));
    from = to + 1;
  }
  return true;
}
