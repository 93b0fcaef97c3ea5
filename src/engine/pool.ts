/**
 * Runs jobs with at most `size` in flight. The HTTP limiter bounds requests; this bounds how much
 * work (and memory) is queued behind it. The first failure stops new jobs from starting, lets the
 * running ones settle, and is then thrown.
 */
export async function runPool<T>(jobs: Iterable<T>, size: number, worker: (job: T) => Promise<void>): Promise<void> {
  const iterator = jobs[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, lane));
  if (failure) throw failure.error;
}
