/**
 * Row estimates that learn (SPEC §8): a fan-out's first guess (partitions × days) can be far too high
 * — members without consumption, days without rows — and a progress bar built on it stalls. As units
 * of work (partition-days, or days) finish, the rows they gave predict the rows of the units still
 * to read, and the estimate is sent again, refined, every few per cent of the work.
 */
import type { StreamName } from '../streams/types.js';
import type { ReadOutput } from './output.js';

/** Re-estimate after this share of the work more is done (at most ≈ 20 refinements per stream). */
const REFINE_EVERY = 0.05;

export class RowEstimate {
  private doneUnits = 0;
  private lastAtUnits = 0;

  constructor(
    private readonly output: Pick<ReadOutput, 'estimate'>,
    private readonly stream: StreamName,
    private readonly totalUnits: number,
    /** The records emitted so far (the stream run's count). */
    private readonly emitted: () => number,
  ) {}

  /** The first guess, before anything is known: one row per unit. */
  start(): void {
    this.output.estimate(this.stream, this.totalUnits);
  }

  /** `units` more units are done; refines the estimate when enough changed since the last one. */
  done(units: number): void {
    this.doneUnits += units;
    if (this.doneUnits >= this.totalUnits) return; // the stream is about to end: its count says it all
    if (this.doneUnits - this.lastAtUnits < Math.max(1, this.totalUnits * REFINE_EVERY)) return;
    this.lastAtUnits = this.doneUnits;
    const emitted = this.emitted();
    const perUnit = emitted / this.doneUnits;
    this.output.estimate(this.stream, Math.round(emitted + perUnit * (this.totalUnits - this.doneUnits)));
  }
}
