#!/usr/bin/env node
/**
 * The `source-devin` executable (Airbyte protocol). CommonJS, so that Node starts it without its ES
 * module loader: the connector itself runs from its bundle (./bundle-loader.cts).
 *
 * `spec` alone takes a fast path that loads one small module (src/protocol/spec-fast-path.ts), so its
 * cold start is that of bare node. Everything else — including `spec --help` and `spec` with anything
 * after it — goes through `runSourceDevin`, the full path.
 */
import type * as BundleLoader from './bundle-loader.cjs';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === 'spec') {
  void import('../protocol/spec-fast-path.js').then(async ({ writeSpecMessage }) => {
    process.exitCode = await writeSpecMessage(process.stdout, process.stderr);
  });
} else {
  // Required here, not above: `spec` loads neither the loader nor the bundle.
  (require('./bundle-loader.cjs') as typeof BundleLoader).runFrontDoor('source-devin', argv);
}
