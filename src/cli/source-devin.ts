#!/usr/bin/env node
/** The `source-devin` executable (Airbyte protocol). */
import { runSourceDevin } from './airbyte-main.js';
import { processIo } from './io.js';

process.exitCode = await runSourceDevin(process.argv.slice(2), processIo());
