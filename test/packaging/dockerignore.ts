/**
 * .dockerignore semantics, as far as our file needs them: one pattern per line, `#` comments, `*` and `?`
 * within one path segment, `**` across segments, `!` re-includes, the last matching line wins, and a path
 * is excluded when it or any of its parent directories matches.
 */
import { readFileSync } from 'node:fs';

export interface IgnoreRule {
  pattern: string;
  negated: boolean;
  regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).trim().replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
      return { pattern, negated, regex: toRegex(pattern) };
    });
}

export function readDockerignore(path: string): IgnoreRule[] {
  return parseDockerignore(readFileSync(path, 'utf8'));
}

/** Whether a context-relative path (e.g. `src/cli/io.ts`) is left out of the build context. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const clean = path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  const segments = clean.split('/');
  const candidates = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negated;
  }
  return ignored;
}
