#!/usr/bin/env node
/**
 * The `source-devin` executable (Airbyte protocol).
 *
 * `spec` alone takes a fast path that loads one small module (src/protocol/spec-fast-path.ts), so its
 * cold start is that of bare node. Everything else — including `spec --help` and `spec` with anything
 * after it — goes through `runSourceDevin`, the full path, loaded only then.
 */
const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === 'spec') {
  const { writeSpecMessage } = await import('../protocol/spec-fast-path.js');
  process.exitCode = await writeSpecMessage(process.stdout, process.stderr);
} else {
  const [{ runSourceDevin }, { processIo }] = await Promise.all([import('./airbyte-main.js'), import('./io.js')]);
  process.exitCode = await runSourceDevin(argv, processIo());
}
