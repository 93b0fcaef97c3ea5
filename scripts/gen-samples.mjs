// Writes what is derived for the README's "Samples" and "Questions in SQL" sections, so none of it can
// go stale: samples/config.json (every config key with its real default, from the spec), one
// configured catalog per use under samples/ (from the stream declarations, as `discover` lists them),
// the README's `samples` section (the sample config, the catalogs' streams) and its `sql` section
// (the text of every sql/*.sql file, verbatim). `--check` only compares (exit 1 when a file is stale).
// Needs the compiled dist/ (`npm run build`); test/warehouse/samples.test.ts imports the renderers.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { questions } from './warehouse.mjs';
import { withSection } from './sections.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The streams of DX-style usage reporting: who, how many ACUs per person and day, how many PRs. */
export const DX_STREAMS = ['members', 'daily_consumption', 'pr_metrics'];

/**
 * A config with every key: the spec's default where it has one, its example otherwise (start_date),
 * and a placeholder key. end_date is left out: its default (today) moves, and a file cannot hold it.
 */
export function sampleConfig(spec) {
  const config = {};
  for (const [key, property] of Object.entries(spec.properties)) {
    if (key === 'api_key') config[key] = 'cog_your_service_user_key';
    else if ('default' in property) config[key] = property.default;
    else if (key !== 'end_date' && Array.isArray(property.examples)) config[key] = property.examples[0];
  }
  return config;
}

/** samples/<file> → { use, catalog }: DX usage (both scopes), and per scope every default stream and every stream. */
export function sampleCatalogs({ configuredCatalogOf, findStream }) {
  const catalogs = {
    'catalog-dx-usage.json': {
      use: 'DX-style usage only (members, daily ACUs per member, PR counts per day); enterprise or organization key',
      catalog: configuredCatalogOf('enterprise', 'incremental', (name) => DX_STREAMS.includes(name)),
    },
  };
  for (const scope of ['enterprise', 'organization']) {
    catalogs[`catalog-default.${scope}.json`] = {
      use: `every default stream, ${scope} key`,
      catalog: configuredCatalogOf(scope, 'incremental', (name) => findStream(name).default),
    };
    catalogs[`catalog-everything.${scope}.json`] = {
      use: `every stream, ${scope} key`,
      catalog: configuredCatalogOf(scope, 'incremental'),
    };
  }
  return catalogs;
}

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** The README `samples` section. */
export function renderSamplesSection(config, catalogs) {
  const rows = Object.entries(catalogs).map(([file, { use, catalog }]) => {
    const streams = catalog.streams.map((entry) => `\`${entry.stream.name}\`${entry.sync_mode === 'incremental' ? '' : ' (FR)'}`);
    return `| [\`samples/${file}\`](samples/${file}) | ${use} | ${streams.join(', ')} |`;
  });
  return [
    '`samples/config.json`: every key with its default (`start_date` shows the spec\'s example; `end_date` is left out,',
    'its default is today). Replace `api_key`, and drop the keys you do not change.',
    '',
    '```json',
    json(config).trimEnd(),
    '```',
    '',
    'Configured catalogs, ready for `--catalog`: incremental (`append_dedup` on the primary key) wherever a stream',
    'has a cursor, full refresh (`overwrite`, marked FR) otherwise. A catalog with a stream the key\'s scope does not',
    'offer is refused, so the default and everything catalogs come per scope.',
    '',
    '| file | use | streams |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The README `sql` section: every question's SQL file, verbatim. */
export function renderSqlSection(list) {
  return list.map((q) => `**${q.title}** ([\`${q.file}\`](${q.file})):\n\n\`\`\`sql\n${q.sql.trimEnd()}\n\`\`\``).join('\n\n');
}

/** Every derived file: relative path → expected text (README.md from its current text). */
export function expectedFiles(dist, readme) {
  const config = sampleConfig(dist.configJsonSchema());
  const catalogs = sampleCatalogs(dist);
  const files = { 'samples/config.json': json(config) };
  for (const [file, { catalog }] of Object.entries(catalogs)) files[`samples/${file}`] = json(catalog);
  files['README.md'] = withSection(withSection(readme, 'samples', renderSamplesSection(config, catalogs)), 'sql', renderSqlSection(questions()));
  return files;
}

export async function loadDist() {
  const { configJsonSchema } = await import(`${root}dist/config/spec.js`);
  const { configuredCatalogOf } = await import(`${root}dist/protocol/airbyte-catalog.js`);
  const { findStream } = await import(`${root}dist/streams/index.js`);
  return { configJsonSchema, configuredCatalogOf, findStream };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const readme = readFileSync(`${root}README.md`, 'utf8');
  let stale = false;
  for (const [path, text] of Object.entries(expectedFiles(await loadDist(), readme))) {
    let current;
    try {
      current = readFileSync(`${root}${path}`, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    stale = true;
    if (!check) {
      mkdirSync(`${root}samples`, { recursive: true });
      writeFileSync(`${root}${path}`, text);
      console.error(`wrote ${path}`);
    }
  }
  if (stale && check) {
    console.error('stale: run `npm run build && node scripts/gen-samples.mjs`');
    process.exit(1);
  }
}
