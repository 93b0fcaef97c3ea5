/**
 * The README's `config` and `check` sections cannot drift from the code: the config table is what
 * scripts/gen-readme-config.mjs renders from the spec (itself generated from the zod schema), and the
 * check section documents every check code, the permissions of the endpoint map, and a real message.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/spec.js';
import { ENDPOINTS, type EndpointName } from '../../src/devin/endpoints.js';
import { CHECK_CODES } from '../../src/engine/check.js';
import { STREAMS, defaultStreams } from '../../src/streams/index.js';
import { KEY_ENT_NO_METRICS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { REPO_ROOT, runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { connectionStatus } from './support.js';

function section(name: string): string {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  const start = readme.indexOf(`<!-- section:${name} -->`);
  const end = readme.indexOf(`<!-- /section:${name} -->`);
  expect(start, `README section ${name}`).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return readme.slice(start + `<!-- section:${name} -->`.length, end).trim();
}

/** Table rows of a markdown section as cells (header and separator dropped). */
function rows(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const at = lines.findIndex((line) => line.startsWith(header));
  expect(at, `a table starting ${header}`).toBeGreaterThanOrEqual(0);
  const body: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    body.push(line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
  }
  return body;
}

describe('README config section', () => {
  it('is the table scripts/gen-readme-config.mjs renders from the spec', async () => {
    const script = new URL('scripts/gen-readme-config.mjs', `file://${REPO_ROOT}`).href;
    const { renderConfigTable } = (await import(script)) as { renderConfigTable: (spec: unknown) => string };
    const expected = renderConfigTable(configJsonSchema());
    expect(section('config') === expected, 'README config table is stale: run `npm run build && node scripts/gen-readme-config.mjs`').toBe(true);
  });

  it('lists every key in order with the SPEC §3 type and default', () => {
    const table = rows(section('config'), '| key |');
    const byKey = Object.fromEntries(table.map(([key, type, def]) => [key?.replace(/`/g, ''), { type, def }]));
    expect(table.map(([key]) => key?.replace(/`/g, ''))).toEqual(Object.keys(configJsonSchema().properties as object));
    expect(byKey).toEqual({
      api_key: { type: 'string, required, secret', def: '—' },
      start_date: { type: '`YYYY-MM-DD`', def: '30 days before today' },
      end_date: { type: '`YYYY-MM-DD`', def: 'today' },
      lookback_days: { type: 'integer 0–366', def: '`7`' },
      scope: { type: '`auto` \\| `enterprise` \\| `organization`', def: '`auto`' },
      include_idp_users: { type: 'boolean', def: '`true`' },
      api_url: { type: 'URL', def: '`https://api.devin.ai`' },
      max_concurrency: { type: 'integer 1–64', def: '`8`' },
      window_days: { type: 'integer 1–366', def: '`90`' },
      metrics_log_level: { type: '`DEBUG` \\| `INFO` \\| `WARNING` \\| `ERROR` \\| `CRITICAL`', def: '`INFO`' },
    });
  });
});

describe('README check section', () => {
  it('has a row with "when" and "what to do" for every check code', () => {
    const table = rows(section('check'), '| code |');
    expect(table.map(([code]) => code)).toEqual(CHECK_CODES.map((code) => `\`${code}\``));
    for (const [code, when, todo] of table) {
      expect(when?.length, `${code}: when`).toBeGreaterThan(20);
      expect(todo?.length, `${code}: what to do`).toBeGreaterThan(20);
    }
  });

  it('lists the permissions of the endpoint map, per stream and scope', () => {
    const table = rows(section('check'), '| stream |');
    const endpointOf: Record<string, EndpointName> = { members: 'members', daily_consumption: 'userConsumption', pr_metrics: 'prMetrics' };
    const cellFor = (permission: readonly string[]): string =>
      permission.length > 1 ? `\`${permission[0]}\` (\`${permission[1]}\`)` : `\`${permission[0]}\``;
    expect(table).toEqual(
      Object.entries(endpointOf).map(([stream, endpoint]) => [
        `\`${stream}\``,
        cellFor(ENDPOINTS.enterprise[endpoint as 'members'].permission),
        cellFor(ENDPOINTS.organization[endpoint as 'members'].permission),
      ]),
    );
  });

  describe('its example message', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ members: 3, days: 5, now: () => FIXED_NOW });
    });
    afterAll(() => sim.close());

    it('is what check really says for a key without PR-metrics permission', async () => {
      const example = /^Example: `(.+)`$/m.exec(section('check'))?.[1];
      const config = scratchDir().json('readme-check.json', { api_key: KEY_ENT_NO_METRICS, api_url: sim.url });
      const status = connectionStatus(await runAirbyte(['check', '--config', config], { now: () => FIXED_NOW }));
      expect(status).toEqual({ status: 'FAILED', message: example });
    });
  });
});

describe('what is derived from the stream declarations', () => {
  it('the README stream table and metadata.yaml suggestedStreams are what scripts/gen-stream-table.mjs writes', async () => {
    const script = new URL('scripts/gen-stream-table.mjs', `file://${REPO_ROOT}`).href;
    const gen = (await import(script)) as {
      renderStreamTable: (streams: unknown, endpoints: unknown) => string;
      withSuggestedStreams: (metadata: string, names: string[]) => string;
    };
    const stale = 'stale: run `npm run build && node scripts/gen-stream-table.mjs`';
    expect(section('stream-table') === gen.renderStreamTable(STREAMS, ENDPOINTS), stale).toBe(true);
    const metadata = readFileSync(`${REPO_ROOT}metadata.yaml`, 'utf8');
    expect(gen.withSuggestedStreams(metadata, defaultStreams(undefined).map((s) => s.name)) === metadata, stale).toBe(true);
  });
});
