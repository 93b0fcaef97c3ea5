/**
 * Deterministic integer hashing. Every generated value is a pure function of (seed, coordinates),
 * so any cell of members × days can be computed on demand without materialising the grid, and the
 * same seed always yields the same data set.
 */

/** murmur3's 32-bit finaliser: a cheap, well-mixed bijection on uint32. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 hash of a list of integers (order matters). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h = mix32(h ^ mix32((value | 0) + 0x7f4a7c15));
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  return mix32(h);
}

/** A uint32 hash of a string (FNV-1a, then mixed), for keying data by user id. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A uniform number in [0, 1) from a uint32 hash. */
export function unitOf(hash: number): number {
  return (hash >>> 0) / 4_294_967_296;
}

/** Lower-case hex of a uint32, zero-padded to 8 characters. */
export function hex8(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** A small seeded PRNG (mulberry32) for sequential decisions such as fault probabilities. */
export function createRandom(seed: number): () => number {
  let state = hashInts(seed, 0x5eed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
