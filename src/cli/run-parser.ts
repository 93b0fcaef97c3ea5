/**
 * Runs a yargs parser without letting it print or exit: help and version texts come back as
 * `output` (the front door prints them as the document the command exists to print) and usage
 * problems as `error` (the front door turns them into one stderr line and exit 2).
 */
import type { Argv } from 'yargs';

export interface ParserOutcome {
  error?: Error;
  parsed: Record<string, unknown>;
  output: string;
}

export function runParser(parser: Argv, argv: readonly string[]): Promise<ParserOutcome> {
  return new Promise((resolve) => {
    void parser.parse([...argv], {}, (error, parsed, output) =>
      resolve({ ...(error ? { error } : {}), parsed: (parsed ?? {}) as Record<string, unknown>, output }),
    );
  });
}
