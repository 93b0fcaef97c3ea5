/** Reading the generated markdown back: marker sections, table rows, headings and GitHub's anchors. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

export const DOCS_PAGE = 'docs/integrations/sources/devin.md';

export function repoFile(path: string): string {
  return readFileSync(`${REPO_ROOT}${path}`, 'utf8');
}

/** The text between `<!-- section:name -->` and `<!-- /section:name -->`, trimmed. */
export function section(text: string, name: string): string {
  const start = text.indexOf(`<!-- section:${name} -->`);
  const end = text.indexOf(`<!-- /section:${name} -->`);
  expect(start, `section ${name}`).toBeGreaterThanOrEqual(0);
  expect(end, `end of section ${name}`).toBeGreaterThan(start);
  return text.slice(start + `<!-- section:${name} -->`.length, end).trim();
}

/** The body rows of the table whose header line starts with `header`, as trimmed cells. */
export function tableRows(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const at = lines.findIndex((line) => line.startsWith(header));
  expect(at, `a table starting ${header}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
  }
  return rows;
}

/** Headings outside code fences, as written (`## Setup guide`). */
export function headings(markdown: string): string[] {
  let fenced = false;
  const found: string[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) found.push(line.trim());
  }
  return found;
}

/** GitHub's anchor for a heading's text. */
export function githubAnchor(heading: string): string {
  return heading.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

export const unquote = (cell: string | undefined): string => (cell ?? '').replace(/`/g, '');
