#!/usr/bin/env node
/**
 * The `tap-devin` executable (Singer protocol, Meltano SDK conventions). CommonJS, so that Node starts
 * it without its ES module loader: the tap itself runs from its bundle (./bundle-loader.cts).
 */
import { runFrontDoor } from './bundle-loader.cjs';

runFrontDoor('tap-devin', process.argv.slice(2));
