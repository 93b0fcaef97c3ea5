// Writes the generated sections of the connector's docs page (docs/integrations/sources/devin.md, Airbyte's
// connector-docs layout) and the README's permissions table from what the code declares: the stream
// declarations (src/streams), the endpoint map with its permissions (src/devin/endpoints.ts), the config
// spec, meltano.yml and CHANGELOG.md. A stream added to STREAMS appears in every table after `npm run gen`.
// `--check` only compares (exit 1 when a file is stale). Needs the compiled dist/;
// test/docs/docs-page.test.ts imports the renderers and fails while a generated section is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, isSeq, parse, visit } from 'yaml';
import { renderConfigTable } from './gen-readme-config.mjs';
import { withSection } from './sections.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const DOCS_PAGE = 'docs/integrations/sources/devin.md';
const SCOPES = ['enterprise', 'organization'];

/**
 * The released versions of CHANGELOG.md, by heading: the version number and the release date the headings do
 * not carry. A `## ` heading that is neither listed here nor "Unreleased…" stops the generator, so a release
 * cannot reach the docs without its date.
 */
export const RELEASES = { 'Version 1': { version: '0.1.0', date: '2026-11-26' } };

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (value) => `\`${value}\``;

/** The permissions a stream needs in one scope: one entry per distinct permission, with what it is for. */
function permissionsOf(stream, scope, endpoints) {
  const byPermission = new Map();
  for (const name of stream.endpoints) {
    const info = endpoints[scope][name];
    if (!info) throw new Error(`stream ${stream.name} is offered in ${scope} scope but its ${name} endpoint has no ${scope} path`);
    const key = info.permission.join(' ');
    const entry = byPermission.get(key) ?? { permission: info.permission, labels: [] };
    if (!entry.labels.includes(info.label)) entry.labels.push(info.label);
    byPermission.set(key, entry);
  }
  return [...byPermission.values()];
}

/** " (in a third-party permissions table)" when the endpoint map says the other name is not from Devin's docs. */
function sourceOf(scope, stream, permission, endpoints) {
  const from = stream.endpoints.map((n) => endpoints[scope][n]).find((info) => info.permission[0] === permission)?.otherSpellingIn;
  return from ? ` (in ${from})` : '';
}

/** Stream × scope → permission: one row per permission, both documented spellings, what it is needed for. */
export function renderPermissionsTable(streams, endpoints) {
  const rows = [];
  for (const stream of streams) {
    for (const scope of SCOPES.filter((s) => stream.scopes.includes(s))) {
      for (const { permission: [name, ...others], labels } of permissionsOf(stream, scope, endpoints)) {
        const also = others.length > 0 ? others.map(code).join(', ') + sourceOf(scope, stream, name, endpoints) : '—';
        rows.push(`| ${code(stream.name)} | ${scope} | ${code(name)} | ${also} | ${cell(labels.join(', '))} |`);
      }
    }
  }
  const needs = (selection, scope) => [...new Set(selection
    .filter((s) => s.scopes.includes(scope))
    .flatMap((s) => permissionsOf(s, scope, endpoints))
    .map(({ permission: [name, ...others] }) => `${code(name)}${others.map((o) => ` (or ${code(o)})`).join('')}`))];
  const summary = SCOPES.map((scope) => {
    const defaults = needs(streams.filter((s) => s.default), scope);
    const more = needs(streams, scope).filter((p) => !defaults.includes(p));
    const optIn = more.length > 0 ? `the opt-in streams add ${more.join(', ')}` : 'the opt-in streams need nothing more';
    return `- **${scope[0].toUpperCase()}${scope.slice(1)} key**: the default streams need ${defaults.join(', ')}; ${optIn}.`;
  });
  return [
    '| stream | scope | permission | also documented as | needed for |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...summary,
  ].join('\n');
}

/** The supported-streams table: one row per stream, as it is declared. */
function renderSupportedStreams(streams) {
  const rows = streams.map((s) => {
    const modes = s.cursor ? 'Full Refresh, Incremental' : 'Full Refresh';
    const key = s.primaryKey.map((path) => code(path.join('.'))).join(' + ');
    const cursor = s.cursor ? code(s.cursor.field) : '—';
    return `| ${code(s.name)} | ${s.scopes.join(', ')} | ${modes} | ${key} | ${cursor} | ${s.default ? 'yes' : 'no'} | ${cell(s.description)} |`;
  });
  return [
    '| stream | scopes | sync modes | primary key | cursor | default | description |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** GitHub's anchor of a heading. */
function anchorOf(heading) {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** CHANGELOG.md's versions (its `## ` headings), newest first as the file lists them. */
function changelogVersions(changelog) {
  const versions = [];
  for (const line of changelog.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) versions.push({ heading: heading[1].trim(), areas: [], body: '' });
    else if (versions.length > 0) {
      const version = versions.at(-1);
      const area = /^### (.+)$/.exec(line);
      if (area) version.areas.push(area[1].trim());
      else version.body += `${line}\n`;
    }
  }
  return versions;
}

/** The changelog table (Version | Date | Pull Request | Subject), one row per CHANGELOG.md version. */
export function renderChangelogTable(changelog, streamNames, releases = RELEASES) {
  const versions = changelogVersions(changelog);
  const mentioned = (version) => streamNames.filter((name) => version.body.includes(code(name)));
  const rows = versions.map((version, i) => {
    const release = releases[version.heading];
    const unreleased = /^unreleased\b/i.test(version.heading);
    if (!release && !unreleased) {
      throw new Error(`CHANGELOG.md heading "${version.heading}" has no version and date in scripts/gen-docs.mjs RELEASES`);
    }
    const older = new Set(versions.slice(i + 1).flatMap(mentioned));
    const added = mentioned(version).filter((name) => !older.has(name));
    const streams = added.length === 0 ? '' : `${i === versions.length - 1 ? 'First release: streams' : 'New streams'} ${added.map(code).join(', ')}. `;
    const areas = version.areas.length > 0 ? `${version.areas.join(', ').toLowerCase()} ` : '';
    const subject = `${streams}Also: ${areas}([details](../../../CHANGELOG.md#${anchorOf(version.heading)}))`;
    return `| ${release ? release.version : 'unreleased'} | ${release ? release.date : '—'} | — | ${cell(subject)} |`;
  });
  return ['| Version | Date | Pull Request | Subject |', '|:---|:---|:---|:---|', ...rows].join('\n');
}

/** The tap-devin extractor of meltano.yml, its settings cut to name, kind and sensitivity. */
function renderMeltanoPlugin(meltanoYml) {
  const project = parse(meltanoYml);
  const plugin = project.plugins.extractors.find((p) => p.name === 'tap-devin');
  if (!plugin) throw new Error('meltano.yml has no tap-devin extractor');
  const { config: _config, select: _select, settings, ...rest } = plugin;
  const short = settings.map(({ name, kind, sensitive }) => ({ name, kind, ...(sensitive ? { sensitive } : {}) }));
  const doc = new Document({ plugins: { extractors: [{ ...rest, settings: short }] } });
  // A list of scalars inside a list (settings_group_validation) reads as meltano.yml writes it: `- [api_key]`.
  visit(doc, { Seq(_, node, path) { if (isSeq(path.at(-1)) && node.items.every(isScalar)) node.flow = true; } });
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return ['```yaml', yaml.trimEnd(), '```'].join('\n');
}

/** Every generated section of each file, from what the code declares. */
export function generatedSections({ streams, endpoints, spec, meltanoYml, changelog }) {
  const permissions = renderPermissionsTable(streams, endpoints);
  return {
    [DOCS_PAGE]: {
      'spec-fields': renderConfigTable(spec),
      meltano: renderMeltanoPlugin(meltanoYml),
      permissions,
      'supported-streams': renderSupportedStreams(streams),
      changelog: renderChangelogTable(changelog, streams.map((s) => s.name)),
    },
    'README.md': { permissions },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
  const [{ STREAMS }, { ENDPOINTS }, { configJsonSchema }] = await Promise.all([
    dist('streams/index.js'), dist('devin/endpoints.js'), dist('config/spec.js'),
  ]);
  const files = generatedSections({
    streams: STREAMS,
    endpoints: ENDPOINTS,
    spec: configJsonSchema(),
    meltanoYml: await readFile(`${root}meltano.yml`, 'utf8'),
    changelog: await readFile(`${root}CHANGELOG.md`, 'utf8'),
  });
  let stale = false;
  for (const [file, sections] of Object.entries(files)) {
    const text = await readFile(`${root}${file}`, 'utf8');
    const updated = Object.entries(sections).reduce((t, [name, content]) => withSection(t, name, content, file), text);
    if (updated === text) continue;
    stale = true;
    if (!process.argv.includes('--check')) {
      await writeFile(`${root}${file}`, updated);
      console.error(`updated ${file} from the stream declarations, the endpoint map, meltano.yml and CHANGELOG.md`);
    }
  }
  if (stale && process.argv.includes('--check')) {
    console.error('stale: run `npm run build && node scripts/gen-docs.mjs`');
    process.exit(1);
  }
}
