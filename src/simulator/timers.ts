/** A sleep whose timer never keeps the process alive, so close() and test exit cannot hang on it. */
export function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}
