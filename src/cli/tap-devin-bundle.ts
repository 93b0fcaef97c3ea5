/** What dist/bundle/tap-devin.cjs exports (scripts/bundle.mjs): the Singer front door on the process's own stdio. */
import { processIo } from './io.js';
import { runTapDevin } from './singer-main.js';

export function main(argv: readonly string[]): Promise<number> {
  return runTapDevin(argv, processIo());
}
