// Writes the README's config reference table (section `config`) from the connector's spec, which is
// generated from the zod schema: key, type, default, meaning. `--check` only compares (exit 1 when the
// README is stale). Needs the compiled dist/ (`npm run build`); the test suite imports
// renderConfigTable() directly and compares with the README, so the two cannot drift.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { withSection } from './sections.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const README = `${root}README.md`;

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (value) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function typeOf(property, required) {
  if (property.airbyte_secret) return `${property.type}, ${required ? 'required, ' : ''}secret`;
  if (Array.isArray(property.enum)) return property.enum.map(code).join(' | ');
  if (property.format === 'date') return '`YYYY-MM-DD`';
  if (property.format === 'uri') return 'URL';
  if (property.type === 'integer') {
    const { minimum: min, maximum: max } = property;
    if (min !== undefined && max !== undefined) return `integer ${min}–${max}`;
    if (min !== undefined) return `integer ≥ ${min}`;
    if (max !== undefined) return `integer ≤ ${max}`;
  }
  return `${property.type}${required ? ', required' : ''}`;
}

/** Defaults the schema cannot hold (today, 30 days ago, the connector's choice) are written in the description. */
function defaultOf(property, required) {
  if ('default' in property) return code(property.default);
  const written = /\bDefault:? (.+?)(?:;|\.(?:\s|$)|$)/.exec(property.description ?? '');
  if (written) return written[1];
  return required ? '—' : 'none';
}

/** The markdown table for a connectionSpecification (properties in `order`). */
export function renderConfigTable(spec) {
  const required = new Set(spec.required ?? []);
  const rows = Object.entries(spec.properties)
    .sort(([, a], [, b]) => (a.order ?? 0) - (b.order ?? 0))
    .map(([key, property]) =>
      `| \`${key}\` | ${cell(typeOf(property, required.has(key)))} | ${cell(defaultOf(property, required.has(key)))} | ${cell(property.description ?? '')} |`,
    );
  return ['| key | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { configJsonSchema } = await import(new URL('../dist/config/spec.js', import.meta.url).href);
  const readme = await readFile(README, 'utf8');
  const updated = withSection(readme, 'config', renderConfigTable(configJsonSchema()));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md config table is stale: run `npm run build && node scripts/gen-readme-config.mjs`');
      process.exit(1);
    }
  } else if (updated !== readme) {
    await writeFile(README, updated);
    console.error('updated the config table in README.md');
  }
}
