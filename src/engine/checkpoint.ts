/**
 * When to checkpoint inside a slice, and how far a slice has contiguously progressed.
 * Work finishes out of order (members and days run concurrently), but a checkpoint may only cover a
 * prefix in which everything is done: the watermark.
 */

export interface CheckpointPolicy {
  /** Checkpoint after this many more units (members or days) are done... */
  everyUnits: number;
  /** ...or after this much time, whichever comes first. */
  everyMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyUnits: 50, everyMs: 5_000 };

/** Tracks the longest prefix of units 0..n-1 that are all done. */
export class Watermark {
  private readonly done: Uint8Array;
  /** Number of units in the done prefix: units 0..prefix-1 are all done. */
  prefix = 0;

  constructor(size: number) {
    this.done = new Uint8Array(size);
  }

  /** Marks a unit done; returns true when the prefix grew. */
  complete(index: number): boolean {
    this.done[index] = 1;
    const before = this.prefix;
    while (this.prefix < this.done.length && this.done[this.prefix] === 1) this.prefix += 1;
    return this.prefix > before;
  }
}

/** Says when a checkpoint is due. */
export class CheckpointClock {
  private unitsSince = 0;
  private lastAt: number;

  constructor(
    private readonly policy: CheckpointPolicy,
    private readonly now: () => number,
  ) {
    this.lastAt = now();
  }

  /** Counts finished units; true when a checkpoint is due. */
  tick(units = 1): boolean {
    this.unitsSince += units;
    return this.unitsSince >= this.policy.everyUnits || this.now() - this.lastAt >= this.policy.everyMs;
  }

  reset(): void {
    this.unitsSince = 0;
    this.lastAt = this.now();
  }
}
