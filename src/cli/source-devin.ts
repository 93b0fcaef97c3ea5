#!/usr/bin/env node
/**
 * The `source-devin` executable (Airbyte protocol).
 *
 * `spec` alone takes a fast path: Airbyte runs it often (every image pull, every connector page) and
 * its answer never changes, so it is printed from a constant generated from src/config/spec.ts
 * without loading zod, yargs, undici or the engine (cold start ≈ bare node instead of ~4×; see
 * BENCHMARKS.md). Everything else — including `spec --help` and `spec` with anything after it —
 * goes through `runSourceDevin`, the full path, loaded only then.
 */
import { SPEC_MESSAGE } from './spec-message.generated.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === 'spec') {
  process.stdout.on('error', () => {
    process.stderr.write('source-devin: stdout was closed by the reader; stopping\n');
    process.exitCode = 1;
  });
  process.stdout.write(`${SPEC_MESSAGE}\n`);
} else {
  const [{ runSourceDevin }, { processIo }] = await Promise.all([import('./airbyte-main.js'), import('./io.js')]);
  process.exitCode = await runSourceDevin(argv, processIo());
}
