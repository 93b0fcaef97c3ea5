#!/usr/bin/env node
/**
 * The `source-devin` executable (Airbyte protocol). CommonJS, so that Node starts it without its ES
 * module loader: the connector itself runs from its bundle (./bundle-loader.cts).
 *
 * `spec` alone takes a fast path that loads one small module (src/protocol/spec-fast-path.ts), so its
 * cold start is that of bare node. Everything else — including `spec --help` and `spec` with anything
 * after it — goes through `runSourceDevin`, the full path.
 */
import { join } from 'node:path';
import type * as BundleLoader from './bundle-loader.cjs';
import type * as SourceDevinBundle from './source-devin-bundle.js' with { 'resolution-mode': 'import' };

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === 'spec') {
  void import('../protocol/spec-fast-path.js').then(async ({ writeSpecMessage }) => {
    process.exitCode = await writeSpecMessage(process.stdout, process.stderr);
  });
} else {
  // Required here, not above: `spec` loads neither the loader nor the bundle.
  const { bundleLoadFailure, loadBundle } = require('./bundle-loader.cjs') as typeof BundleLoader;
  let bundle: typeof SourceDevinBundle | undefined;
  try {
    bundle = loadBundle<typeof SourceDevinBundle>(join(__dirname, '../bundle/source-devin.cjs')).exports;
  } catch (error) {
    process.stderr.write(bundleLoadFailure('source-devin', error));
    process.exitCode = 1;
  }
  bundle?.main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A bug, not a user error (those are answered in the protocol): one line, never a stack trace.
      process.stderr.write(`source-devin: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
