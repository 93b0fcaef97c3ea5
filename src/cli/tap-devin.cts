#!/usr/bin/env node
/**
 * The `tap-devin` executable (Singer protocol, Meltano SDK conventions). CommonJS, so that Node starts
 * it without its ES module loader: the tap itself runs from its bundle (./bundle-loader.cts).
 */
import { join } from 'node:path';
import { bundleLoadFailure, loadBundle } from './bundle-loader.cjs';
import type * as TapDevinBundle from './tap-devin-bundle.js' with { 'resolution-mode': 'import' };

let bundle: typeof TapDevinBundle | undefined;
try {
  bundle = loadBundle<typeof TapDevinBundle>(join(__dirname, '../bundle/tap-devin.cjs')).exports;
} catch (error) {
  process.stderr.write(bundleLoadFailure('tap-devin', error));
  process.exitCode = 1;
}
bundle?.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not a user error (those are answered in the protocol): one line, never a stack trace.
    process.stderr.write(`tap-devin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
