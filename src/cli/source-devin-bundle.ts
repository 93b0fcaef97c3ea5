/** What dist/bundle/source-devin.cjs exports (scripts/bundle.mjs): the Airbyte front door on the process's own stdio. */
import { runSourceDevin } from './airbyte-main.js';
import { processIo } from './io.js';

export function main(argv: readonly string[]): Promise<number> {
  return runSourceDevin(argv, processIo());
}
