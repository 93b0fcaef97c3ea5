/**
 * Day-cursor streams: billing days from the planned range, in slices of up to window_days days.
 *
 * - Scope-wide (no partitions): the slice's spans (days, or windows) run in parallel; the cursor
 *   follows the longest prefix of finished spans, checkpointed every few spans or seconds.
 * - Partitioned (a directory): one task per partition (in id order, several at a time), each reading
 *   its spans in order. A finished slice moves the cursor; inside a long slice the state records how
 *   far the partitions got (`progress`, with a digest of the ids it covers: ./coverage.ts), so a read
 *   killed mid-slice resumes with the partitions it had not finished — and with every partition it
 *   cannot prove was covered — at no extra request when nothing changed.
 */
import { formatDay } from '../devin/billing-day.js';
import type { DayRange, PartitionRef } from '../streams/types.js';
import { CheckpointClock, Watermark } from './checkpoint.js';
import { CoverageDigest, provenCovered } from './coverage.js';
import { RowEstimate } from './estimate.js';
import { runPool } from './pool.js';
import { advanceCursor, planRange, sliceRange, type ReadRange } from './range.js';
import { readSpans, type DayWindowSource } from './read-spans.js';
import type { StreamState } from './state.js';
import type { StreamRun } from './stream-run.js';

export async function readDayWindows(run: StreamRun, source: DayWindowSource): Promise<void> {
  const { config, output, today, incremental, inputState } = run.options;
  const range = planRange(config, incremental, inputState, today);
  const cursor = { value: range.cursor };
  if (range.from > range.to) {
    output.log('INFO', `${run.name}: nothing to read (the range after ${formatDay(range.to)} is empty)`);
    output.estimate(run.name, 0);
    await run.checkpoint(cursorState(cursor.value));
    return;
  }
  if (source.partitions) await readPartitioned(run, source, range, cursor);
  else await readScopeWide(run, source, range, cursor);
}

function cursorState(cursor: number | undefined): StreamState {
  return cursor === undefined ? {} : { date: formatDay(cursor) };
}

async function readScopeWide(run: StreamRun, source: DayWindowSource, range: ReadRange, cursor: { value: number | undefined }): Promise<void> {
  const { config, output, policy, poolSize, now, shared } = run.options;
  const spanDays = source.span === 'day' ? 1 : shared.windows.daysFor(source.endpoint);
  const spans: DayRange[] = [];
  for (let from = range.from; from <= range.to; from += spanDays) spans.push({ from, to: Math.min(range.to, from + spanDays - 1) });
  output.log('INFO', `${run.name}: reading ${describeDays(range)}`);
  const estimate = new RowEstimate(output, run.name, range.to - range.from + 1, () => run.recordCount);
  estimate.start();
  const watermark = new Watermark(spans.length);
  const clock = new CheckpointClock({ everyUnits: Math.min(policy.everyUnits, Math.ceil(config.windowDays / spanDays)), everyMs: policy.everyMs }, now);
  await runPool(spans.keys(), poolSize, async (index) => {
    const span = spans[index] as DayRange;
    await readSpans(run, source, span, undefined);
    estimate.done(span.to - span.from + 1);
    const advanced = watermark.complete(index);
    if (clock.tick() && advanced) {
      clock.reset();
      cursor.value = advanceCursor(cursor.value, (spans[watermark.prefix - 1] as DayRange).to, range.signpost);
      await run.checkpoint(cursorState(cursor.value));
    }
  });
  cursor.value = advanceCursor(cursor.value, range.to, range.signpost);
  await run.checkpoint(cursorState(cursor.value));
}

async function readPartitioned(
  run: StreamRun,
  source: DayWindowSource,
  range: ReadRange,
  cursor: { value: number | undefined },
): Promise<void> {
  const { config, output, policy, poolSize, now, shared } = run.options;
  const partitions = await shared.directories.get(source.partitions as NonNullable<DayWindowSource['partitions']>).partitions();
  const ids = partitions.map((partition) => partition.id);
  const slices = sliceRange(range, config.windowDays);
  // Partitions the interrupted read provably finished only need, in the first slice, the days up to
  // the cursor (the lookback).
  const resumed = range.progress ? provenCovered(ids, range.progress.doneThrough, range.progress.covered) : new Set<string>();
  const resumedTo = cursor.value ?? config.startDay - 1;
  const rangeFor = (sliceIndex: number, slice: DayRange, partition: PartitionRef): DayRange =>
    sliceIndex === 0 && resumed.has(partition.id) ? { from: slice.from, to: Math.min(slice.to, resumedTo) } : slice;
  const units = slices.reduce((sum, slice, i) => sum + partitions.reduce((n, p) => n + daysIn(rangeFor(i, slice, p)), 0), 0);
  output.log('INFO', `${run.name}: reading ${describeDays(range)} for ${partitions.length} ${run.partitionLabel}s`);
  const estimate = new RowEstimate(output, run.name, units, () => run.recordCount);
  estimate.start();

  for (const [sliceIndex, slice] of slices.entries()) {
    const resume = sliceIndex === 0 ? range.progress : undefined;
    const covered = resume ? resumed : new Set<string>();
    const coveredTo = cursor.value ?? config.startDay - 1;
    // A mark never claims a partial day: `to` stops at the signpost (yesterday).
    const markTo = Math.min(slice.to, range.signpost);
    const watermark = new Watermark(partitions.length);
    const clock = new CheckpointClock(policy, now);
    // The ids a mark covers: what the resumed mark proved, plus the finished prefix as it grows.
    const digest = new CoverageDigest();
    for (const id of covered) digest.add(id);
    let digested = 0;
    let doneThrough = resume && covered.size > 0 ? maxId(covered) : undefined;

    await runPool(partitions.keys(), poolSize, async (index) => {
      const partition = partitions[index] as PartitionRef;
      const partitionRange = rangeFor(sliceIndex, slice, partition);
      if (partitionRange.from <= partitionRange.to) await readSpans(run, source, partitionRange, partition);
      estimate.done(daysIn(partitionRange));
      const advanced = watermark.complete(index);
      if (clock.tick() && advanced && markTo > coveredTo) {
        clock.reset();
        for (; digested < watermark.prefix; digested += 1) {
          const id = ids[digested] as string;
          if (!covered.has(id)) digest.add(id);
          if (doneThrough === undefined || id > doneThrough) doneThrough = id;
        }
        await run.checkpoint({
          ...cursorState(cursor.value),
          progress: { to: formatDay(markTo), done_through: doneThrough as string, covered: digest.toString() },
        });
      }
    });
    cursor.value = advanceCursor(cursor.value, slice.to, range.signpost);
    await run.checkpoint(cursorState(cursor.value));
  }
}

function daysIn(range: DayRange): number {
  return Math.max(0, range.to - range.from + 1);
}

/** "billing days 2026-03-01 … 2026-03-10 (10 days)", for the stream's start LOG. */
function describeDays(range: ReadRange): string {
  const days = range.to - range.from + 1;
  if (days === 1) return `billing day ${formatDay(range.from)} (1 day)`;
  return `billing days ${formatDay(range.from)} … ${formatDay(range.to)} (${days} days)`;
}

function maxId(ids: Iterable<string>): string | undefined {
  let max: string | undefined;
  for (const id of ids) if (max === undefined || id > max) max = id;
  return max;
}
