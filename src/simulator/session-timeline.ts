/**
 * When generated session `i` exists and how far it has run at a given clock second.
 *
 * Sessions arrive at a constant rate: `count` of them between the start of the history and the
 * clock at start-up, and more after it (index >= count) as the clock advances. `created_at` is
 * non-decreasing in the index, so "newest first" is "highest index first" and any created_at
 * bound is an index bound (binary search). Each session runs for a lifetime of at most
 * MAX_LIFETIME_SECONDS and refreshes its row every `tick` seconds while it runs, so at clock `t`
 * its updated_at is the last tick <= t (never in the future) and a later read finds it changed.
 */
import { hashInts, unitOf } from './hash.js';

export const MAX_LIFETIME_SECONDS = 3 * 86_400;
const TICKS = [300, 600, 900, 1_800] as const;

const SALT = { slot: 101, life: 102, lifeLength: 103, tick: 104 } as const;

export interface SessionProgress {
  created: number;
  lifetime: number;
  tick: number;
  /** Seconds from created_at to updated_at at the clock asked about. */
  elapsed: number;
  finished: boolean;
}

export class SessionTimeline {
  readonly #seed: number;
  readonly #start: number;
  readonly #span: number;
  readonly #count: number;

  /** `historyStart`..`clockAtStart` (Unix seconds) holds the first `count` sessions. */
  constructor(seed: number, count: number, historyStart: number, clockAtStart: number) {
    this.#seed = seed;
    this.#count = count;
    this.#start = historyStart;
    this.#span = Math.max(1, clockAtStart - historyStart);
  }

  get empty(): boolean {
    return this.#count === 0;
  }

  createdAt(index: number): number {
    const u = unitOf(hashInts(this.#seed, index, SALT.slot));
    return this.#start + Math.floor(((index + u) * this.#span) / this.#count);
  }

  /** The first index whose created_at is >= `seconds` (0 when every session is later). */
  firstIndexAtOrAfter(seconds: number): number {
    if (this.#count === 0) return 0;
    if (seconds <= this.#start) return 0;
    let low = 0;
    let high = Math.ceil(((seconds - this.#start) * this.#count) / this.#span) + 1;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (this.createdAt(mid) < seconds) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  lifetime(index: number): number {
    const roll = unitOf(hashInts(this.#seed, index, SALT.life));
    const length = hashInts(this.#seed, index, SALT.lifeLength);
    if (roll < 0.55) return 300 + (length % 6_900); // 5 min .. 2 h
    if (roll < 0.9) return 7_200 + (length % 79_200); // 2 h .. 24 h
    return 86_400 + (length % (MAX_LIFETIME_SECONDS - 86_400)); // 1 .. 3 days
  }

  tick(index: number): number {
    return TICKS[hashInts(this.#seed, index, SALT.tick) % TICKS.length]!;
  }

  /** Progress at clock `now` (Unix seconds), or undefined before the session exists. */
  progress(index: number, now: number): SessionProgress | undefined {
    const created = this.createdAt(index);
    if (created > now) return undefined;
    const lifetime = this.lifetime(index);
    const tick = this.tick(index);
    const age = now - created;
    if (age >= lifetime) return { created, lifetime, tick, elapsed: lifetime, finished: true };
    return { created, lifetime, tick, elapsed: Math.floor(age / tick) * tick, finished: false };
  }
}
