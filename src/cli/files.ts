/**
 * Reads the JSON files a command is given. Every failure is a one-line message naming the file and
 * the problem (missing, unreadable, not JSON), never a stack trace.
 *
 * Synchronously: they are small local files read before anything else runs, and a start-up does not
 * need node:fs/promises and four thread-pool round trips per file (BENCHMARKS.md, start-up).
 */
import { readFileSync } from 'node:fs';

export class InputFileError extends Error {
  override name = 'InputFileError';
}

export type FileRole = 'config' | 'catalog' | 'state';

const UNREADABLE_REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of its path is a file, not a directory)',
  EACCES: 'is not readable (permission denied)',
  EPERM: 'is not readable (permission denied)',
  EISDIR: 'is a directory',
  ELOOP: 'cannot be read (a loop of symbolic links)',
};

/** Parsed JSON, or `undefined` for an empty state file (Airbyte passes one on a first sync). */
export function readJsonFile(path: string, role: FileRole): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new InputFileError(`${role} file ${path} ${UNREADABLE_REASONS[code] ?? `cannot be read (${code})`}`);
  }
  if (text.trim() === '') {
    if (role === 'state') return undefined;
    throw new InputFileError(`${role} file ${path} is empty`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputFileError(`${role} file ${path} is not valid JSON${whereJsonBroke(text, error)}`);
  }
}

/**
 * " (line L, column C)" from V8's message. The message itself is not repeated: V8 quotes the start of
 * the text, and a config file's start is where the API key is.
 */
function whereJsonBroke(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!position) return '';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}
