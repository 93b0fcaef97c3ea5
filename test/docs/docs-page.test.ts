/**
 * The docs page (docs/integrations/sources/devin.md, Airbyte's connector-docs layout) and the README's
 * permissions table cannot drift from the code: their tables are what scripts/gen-docs.mjs renders from the
 * stream declarations, the endpoint map, the spec, meltano.yml and CHANGELOG.md, and they are read back here
 * against those sources directly (not through the renderer), so a stream added to STREAMS without `npm run gen`,
 * or a renderer that drops a scope or a spelling, fails.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, DOCUMENTATION_URL } from '../../src/config/spec.js';
import { ENDPOINTS, type EndpointInfo, type EndpointName } from '../../src/devin/endpoints.js';
import { STREAMS } from '../../src/streams/index.js';
import type { ScopeKind, StreamDeclaration } from '../../src/streams/types.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { DOCS_PAGE, githubAnchor, headings, repoFile, section, tableRows, unquote } from './markdown.js';

interface Gen {
  DOCS_PAGE: string;
  RELEASES: Record<string, { version: string; date: string }>;
  generatedSections(sources: unknown): Record<string, Record<string, string>>;
  renderChangelogTable(changelog: string, streamNames: string[], releases?: unknown): string;
  renderPermissionsTable(streams: unknown, endpoints: unknown): string;
}
const gen = (await import(new URL('scripts/gen-docs.mjs', `file://${REPO_ROOT}`).href)) as Gen;
const SCOPES: ScopeKind[] = ['enterprise', 'organization'];
const PERMISSION_HEADER = '| stream | scope | permission |';

function endpointOf(scope: ScopeKind, name: EndpointName): EndpointInfo {
  const info = (ENDPOINTS[scope] as Partial<Record<EndpointName, EndpointInfo>>)[name];
  expect(info, `${scope} path of ${name}`).toBeDefined();
  return info!;
}

/** What the permissions table must say for a stream in a scope: [permission, also documented as], deduplicated. */
function expectedPermissions(stream: StreamDeclaration, scope: ScopeKind): string[][] {
  const pairs = stream.endpoints.map((name) => {
    const info = endpointOf(scope, name);
    const [first, ...others] = info.permission;
    const from = (info as { otherSpellingIn?: string }).otherSpellingIn;
    return [first!, others.length > 0 ? `${others.join(', ')}${from ? ` (in ${from})` : ''}` : '—'];
  });
  return [...new Map(pairs.map((pair) => [pair.join(' '), pair])).values()];
}

describe('the generated sections', () => {
  it('of the docs page and the README are what scripts/gen-docs.mjs writes (run `npm run gen` after changing a stream)', () => {
    const files = gen.generatedSections({
      streams: STREAMS,
      endpoints: ENDPOINTS,
      spec: configJsonSchema(),
      meltanoYml: repoFile('meltano.yml'),
      changelog: repoFile('CHANGELOG.md'),
    });
    expect(Object.keys(files).sort()).toEqual([DOCS_PAGE, 'README.md'].sort());
    expect(gen.DOCS_PAGE).toBe(DOCS_PAGE);
    for (const [file, sections] of Object.entries(files)) {
      const text = repoFile(file);
      for (const [name, content] of Object.entries(sections)) {
        expect(section(text, name) === content.trim(), `${file} section ${name} is stale: run \`npm run build && node scripts/gen-docs.mjs\``).toBe(true);
      }
    }
  });
});

describe('the supported-streams table of the docs page', () => {
  const rows = tableRows(section(repoFile(DOCS_PAGE), 'supported-streams'), '| stream |');

  it('has one row per stream of STREAMS, in order, with its scopes, sync modes, key, cursor, default and description', () => {
    expect(rows.map(([name]) => unquote(name))).toEqual(STREAMS.map((s) => s.name));
    for (const stream of STREAMS) {
      const [, scopes, modes, key, cursor, isDefault, description] = rows.find(([name]) => unquote(name) === stream.name)!;
      expect(scopes?.split(', '), stream.name).toEqual([...stream.scopes]);
      expect(modes, stream.name).toBe(stream.cursor ? 'Full Refresh, Incremental' : 'Full Refresh');
      expect(key?.split(' + ').map(unquote), stream.name).toEqual(stream.primaryKey.map((path) => path.join('.')));
      expect(unquote(cursor), stream.name).toBe(stream.cursor?.field ?? '—');
      expect(isDefault, stream.name).toBe(stream.default ? 'yes' : 'no');
      expect(description, stream.name).toBe(stream.description.replace(/\|/g, '\\|'));
    }
  });
});

describe.each([DOCS_PAGE, 'README.md'])('the permissions table of %s', (file) => {
  const rows = tableRows(section(repoFile(file), 'permissions'), PERMISSION_HEADER);

  it('has, for every stream and each of its scopes, a row per permission its endpoints need, with both documented spellings', () => {
    for (const stream of STREAMS) {
      for (const scope of SCOPES) {
        const listed = rows
          .filter(([name, rowScope]) => unquote(name) === stream.name && rowScope === scope)
          .map(([, , permission, also]) => [unquote(permission), also === '—' ? '—' : unquote(also)]);
        if (stream.scopes.includes(scope)) {
          expect(listed.length, `${stream.name} in ${scope} scope has a permission`).toBeGreaterThan(0);
          expect(listed, `${stream.name} in ${scope} scope`).toEqual(expectedPermissions(stream, scope));
        } else {
          expect(listed, `${stream.name} is not offered in ${scope} scope`).toEqual([]);
        }
      }
    }
    expect(new Set(rows.map(([name]) => unquote(name)))).toEqual(new Set(STREAMS.map((s) => s.name)));
  });

  it('names what each permission is needed for, from the endpoint map', () => {
    for (const [name, scope, permission, , neededFor] of rows) {
      const stream = STREAMS.find((s) => s.name === unquote(name))!;
      const labels = stream.endpoints
        .map((endpoint) => endpointOf(scope as ScopeKind, endpoint))
        .filter((info) => info.permission[0] === unquote(permission))
        .map((info) => info.label);
      expect(neededFor?.split(', '), `${name} ${scope} ${permission}`).toEqual([...new Set(labels)]);
    }
  });
});

describe('the permissions renderer', () => {
  it('lists a stream that is added to the declarations, in each of its scopes', () => {
    const added = { ...STREAMS[0]!, name: 'added_stream', scopes: ['organization'], endpoints: ['prMetrics'] };
    const rows = tableRows(gen.renderPermissionsTable([...STREAMS, added], ENDPOINTS), PERMISSION_HEADER);
    expect(rows.filter(([name]) => unquote(name) === 'added_stream')).toEqual([
      ['`added_stream`', 'organization', '`ViewOrgMetrics`', '`ViewAccountMetrics`', 'PR metrics'],
    ]);
  });

  it('refuses a stream whose endpoint has no path in a scope the stream claims', () => {
    const wrong = { ...STREAMS[0]!, name: 'wrong', scopes: ['organization'], endpoints: ['organizations'] };
    expect(() => gen.renderPermissionsTable([wrong], ENDPOINTS)).toThrow(/wrong is offered in organization scope but its organizations endpoint has no organization path/);
  });
});

describe('the changelog table of the docs page', () => {
  const changelog = repoFile('CHANGELOG.md');
  const versions = changelog.split('\n').filter((line) => line.startsWith('## ')).map((line) => line.slice(3).trim());
  const rows = tableRows(section(repoFile(DOCS_PAGE), 'changelog'), '| Version |');

  it('has a row per CHANGELOG.md version, in its order, each linking to that version', () => {
    expect(versions.length).toBeGreaterThan(1);
    expect(rows).toHaveLength(versions.length);
    rows.forEach(([version, date, , subject], i) => {
      const heading = versions[i]!;
      const release = gen.RELEASES[heading];
      if (release) {
        expect([version, date], heading).toEqual([release.version, release.date]);
        expect(version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      } else {
        expect(heading).toMatch(/^Unreleased\b/);
        expect([version, date]).toEqual(['unreleased', '—']);
      }
      expect(subject, heading).toContain(`(../../../CHANGELOG.md#${githubAnchor(heading)})`);
    });
  });

  it('names the streams each version introduced, first mention wins', () => {
    const text = ['# Changelog', '## Unreleased', '### Streams', '- `b` and `a` again', '## Version 1', '### Connector', '- `a`'].join('\n');
    const table = tableRows(gen.renderChangelogTable(text, ['a', 'b', 'c']), '| Version |');
    expect(table.map(([version, , , subject]) => [version, subject?.split('. Also')[0]])).toEqual([
      ['unreleased', 'New streams `b`'],
      ['0.1.0', 'First release: streams `a`'],
    ]);
  });

  it('refuses a released CHANGELOG version without a version number and date', () => {
    expect(() => gen.renderChangelogTable('## Version 3\n- x\n## Version 1\n- y\n', [])).toThrow(/"Version 3" has no version and date/);
  });
});

describe('the docs page', () => {
  const page = repoFile(DOCS_PAGE);

  it("has the headers of Airbyte's connector-docs template, in its order", () => {
    const expected = [
      '# Devin',
      '## Prerequisites',
      '## Setup guide',
      '## Set up Devin',
      '## Set up the Devin connector in Airbyte',
      '### For Airbyte Cloud:',
      '### For Airbyte Open Source:',
      '## Supported sync modes',
      '## Supported Streams',
      '## Limitations & Troubleshooting',
      '## Changelog',
    ];
    const found = headings(page);
    const positions = expected.map((heading) => found.indexOf(heading));
    expect(positions.every((at) => at >= 0), `headings present: ${JSON.stringify(found)}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(found.at(-1)).toBe('## Changelog');
    expect(page).toContain('This page contains the setup guide and reference information for the [Devin](');
    expect(page).toContain('The Devin source connector supports the following [sync modes]');
    expect(page.slice(page.indexOf('## Changelog'))).toMatch(/<details>\s*<summary>Expand to review<\/summary>[\s\S]*section:changelog[\s\S]*<\/details>/);
  });

  it('describes every config key in the Airbyte setup (the spec fields) and shows the meltano.yml extractor', () => {
    const keys = tableRows(section(page, 'spec-fields'), '| key |').map(([key]) => unquote(key));
    expect(keys).toEqual(Object.keys(configJsonSchema().properties as object));
    const meltano = section(page, 'meltano');
    expect(meltano).toContain('executable: tap-devin');
    for (const key of keys) expect(meltano, key).toContain(`- name: ${key}`);
  });

  it('maps every JSON Schema type and format the stream schemas use to an Airbyte type', () => {
    const used = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const { type, format } = node as { type?: unknown; format?: string };
      // A property named `type` is a schema, not a type name: only strings are types.
      for (const t of [type ?? []].flat().filter((t): t is string => typeof t === 'string' && t !== 'null')) {
        used.add(t === 'string' && format ? `string, format: ${format}` : t === 'object' || t === 'array' ? 'object, array' : t);
      }
      Object.values(node).forEach(walk);
    };
    for (const stream of STREAMS) walk(stream.schema);
    const mapped = tableRows(page.slice(page.indexOf('## Data type map')), '| JSON Schema |').map(([type]) => unquote(type));
    for (const type of used) expect(mapped.some((row) => row === type || row.startsWith(`${type},`)), type).toBe(true);
  });

  it('links only to files and README headings that exist', () => {
    const readmeAnchors = new Set(headings(repoFile('README.md')).map(githubAnchor));
    const links = [...page.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((link) => !/^https?:/.test(link));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      const [path, anchor] = link.split('#');
      if (path) expect(existsSync(join(REPO_ROOT, dirname(DOCS_PAGE), path)), link).toBe(true);
      if (path?.endsWith('README.md') && anchor) expect(readmeAnchors.has(anchor), link).toBe(true);
      if (!path && anchor) expect(new Set(headings(page).map(githubAnchor)).has(anchor), link).toBe(true);
    }
  });

  it('is the documentation URL of the spec and metadata.yaml, and the README links to it', () => {
    expect(DOCUMENTATION_URL).toBe(`https://github.com/source-devin/source-devin/blob/main/${DOCS_PAGE}`);
    expect(repoFile('metadata.yaml')).toContain(`documentationUrl: ${DOCUMENTATION_URL}\n`);
    expect(repoFile('README.md')).toContain(`](${DOCS_PAGE})`);
  });
});
