#!/usr/bin/env node
/** The `tap-devin` executable (Singer protocol, Meltano SDK conventions). */
import { processIo } from './io.js';
import { runTapDevin } from './singer-main.js';

process.exitCode = await runTapDevin(process.argv.slice(2), processIo());
