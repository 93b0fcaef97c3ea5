/**
 * `source-devin spec` without the rest of the connector: the SPEC message is a constant generated
 * from src/config/spec.ts (scripts/gen-spec.mjs), written straight to stdout. Airbyte runs `spec`
 * often and its answer never changes, so loading zod, yargs, undici and the engine for it would only
 * cost start-up time (see BENCHMARKS.md).
 */
import type { Writable } from 'node:stream';
import { SPEC_MESSAGE } from './spec-message.generated.js';

/** Writes the SPEC message line; resolves to the exit code. */
export function writeSpecMessage(stdout: Writable, stderr: Writable): Promise<number> {
  return new Promise((resolve) => {
    stdout.once('error', () => {
      stderr.write('source-devin: stdout was closed by the reader; stopping\n');
      resolve(1);
    });
    stdout.write(`${SPEC_MESSAGE}\n`, (error) => {
      if (!error) resolve(0);
    });
  });
}
