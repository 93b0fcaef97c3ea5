/**
 * stdout that stops reading: the backpressure tests of both front doors stall it, check that the
 * read comes to rest, then drain it.
 */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { VirtualTime } from './virtual-time.js';

/** A reader that accepts `budget` bytes, then holds every write until `release()`. */
export class StallingReader extends Writable {
  text = '';
  private held: Array<() => void> = [];
  private stalled = false;
  constructor(private budget: number) {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    this.budget -= chunk.length;
    if (this.budget <= 0) this.stalled = true;
    if (this.stalled) this.held.push(callback);
    else callback();
  }
  get isStalled(): boolean {
    return this.stalled;
  }
  release(): void {
    this.stalled = false;
    this.budget = Number.POSITIVE_INFINITY;
    for (const callback of this.held.splice(0)) callback();
  }
}

/**
 * Runs the read until `stdout` stalls, then shows it comes to rest unfinished (nothing to send,
 * nothing on the wire, no timer set) with under half of the `needed` requests made, and that,
 * left alone again, it makes none more. Requests in flight at the stall (and the records that
 * still fit stdout's buffer) land before it rests.
 */
export async function expectReadToRestWhileStalled(
  time: VirtualTime,
  reading: Promise<number>,
  stdout: StallingReader,
  requests: () => number,
  needed: number,
): Promise<void> {
  expect(await time.runUntil(reading, () => stdout.isStalled, Number.POSITIVE_INFINITY)).toBe('stopped');
  expect(await time.runUntil(reading, () => false)).toBe('idle');
  const atRest = requests();
  expect(atRest).toBeLessThan(needed / 2);
  expect(await time.runUntil(reading, () => false)).toBe('idle');
  expect(requests()).toBe(atRest);
}
