/**
 * The connector's heap policy: a read is a stream, so its peak memory should not grow with the length
 * of the read. Node's defaults are tuned for servers that keep what they allocate; for a read they
 * mean a peak RSS that is mostly V8 garbage and grows with the data (BENCHMARKS.md, "Peak RSS"):
 *
 * - **Old generation: grow at most 1.5× past what the last full collection kept**
 *   (`--heap-growing-percent=50`, default up to 4×). The live heap of a read is small and flat (the
 *   member directory's fan-out view and what is in flight); every answer leaves a little promoted
 *   garbage behind. A full collection of a ~10 MB heap takes a few milliseconds and comes every few
 *   seconds.
 * - **Young generation: stop growing at 16 MB** (two 8 MB semi-spaces; V8 goes on to 32 MB). On a long
 *   read V8 keeps doubling it, since many objects of the answers in flight survive a collection; past
 *   16 MB that buys no measurable CPU and costs 16 MB of RSS.
 *
 * Both are V8 flags set at run time, not on the command line: V8 checks a code cache against its
 * flags, and a flag given at start would make it compile the bundle from source (so would a flag set
 * before the bundle is loaded). V8 reads both each time it decides: the first at every new old-generation
 * limit, the second at every young-generation growth, which is why the cap is set from a GC observer as
 * soon as the young generation has reached 16 MB.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export const OLD_GENERATION_FLAG = '--heap-growing-percent=50';
export const YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;
export const YOUNG_GENERATION_STOP_FLAG = '--semi-space-growth-factor=1';

/** What the policy needs from V8; tests pass their own. */
export interface HeapControls {
  setFlags(flags: string): void;
  /** Capacity of the young generation (V8's new space: both semi-spaces), bytes. */
  youngGenerationBytes(): number;
  /** Calls `onCollection` after each garbage collection until the returned function is called. */
  observeCollections(onCollection: () => void): () => void;
}

export function applyHeapPolicy(controls: HeapControls = v8HeapControls()): void {
  controls.setFlags(OLD_GENERATION_FLAG);
  let stopObserving: (() => void) | undefined;
  const capYoungGeneration = (): boolean => {
    if (controls.youngGenerationBytes() < YOUNG_GENERATION_CAP_BYTES) return false;
    controls.setFlags(YOUNG_GENERATION_STOP_FLAG);
    stopObserving?.();
    return true;
  };
  if (!capYoungGeneration()) stopObserving = controls.observeCollections(capYoungGeneration);
}

export function v8HeapControls(): HeapControls {
  return {
    setFlags: setFlagsFromString,
    youngGenerationBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
    observeCollections(onCollection) {
      const observer = new PerformanceObserver(() => onCollection());
      observer.observe({ entryTypes: ['gc'] });
      return () => observer.disconnect();
    },
  };
}
