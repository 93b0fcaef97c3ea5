/**
 * Which partitions a progress mark covers, provably. A checkpoint inside a fan-out says "every
 * partition whose id sorts at or before `done_through` has all days up to `to`" — but only of the
 * partitions that existed then. A partition that appears before the resume (a member added, or
 * listed because include_idp_users was switched on) may sort before `done_through` and was never
 * read: it must get its full range (issue 10, point 2).
 *
 * So the mark also carries a digest of the ids it covers: the ids hashed into 16 buckets, and per
 * bucket the 32-bit sum of a second hash of each id. On resume, a partition up to `done_through`
 * counts as covered only when its bucket's digest over today's ids equals the saved one; any change
 * in a bucket (an id added or removed) sends every partition of that bucket back to its full range.
 * When membership did not change, every bucket matches and the resume costs no extra request.
 */

const BUCKETS = 16;

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32), so that sums of hashes do not cancel on similar ids.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}

const bucketOf = (id: string): number => fnv1a(id, 0x811c9dc5) % BUCKETS;
const weightOf = (id: string): number => fnv1a(id, 0x9747b28c);

/** A digest built up id by id (the done prefix of a fan-out grows as partitions finish). */
export class CoverageDigest {
  private readonly totals = new Uint32Array(BUCKETS);

  add(id: string): void {
    const bucket = bucketOf(id);
    this.totals[bucket] = ((this.totals[bucket] as number) + weightOf(id)) >>> 0;
  }

  /** 16 × 8 hex digits. */
  toString(): string {
    return hex(this.totals);
  }
}

function hex(totals: Uint32Array): string {
  return Array.from(totals, (sum) => sum.toString(16).padStart(8, '0')).join('');
}

/**
 * The ids (of `ids`, those at or before `doneThrough`) that the saved digest proves were covered.
 * A missing or malformed digest proves nothing.
 */
export function provenCovered(ids: readonly string[], doneThrough: string, digest: string | undefined): Set<string> {
  const covered = new Set<string>();
  if (digest === undefined || !/^[0-9a-f]{128}$/.test(digest)) return covered;
  const prefix = ids.filter((id) => id <= doneThrough);
  const now = new CoverageDigest();
  for (const id of prefix) now.add(id);
  const current = now.toString();
  const matches = (bucket: number): boolean => digest.slice(bucket * 8, bucket * 8 + 8) === current.slice(bucket * 8, bucket * 8 + 8);
  for (const id of prefix) if (matches(bucketOf(id))) covered.add(id);
  return covered;
}
