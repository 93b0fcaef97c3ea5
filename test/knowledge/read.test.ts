/**
 * playbooks, knowledge_notes and secrets against the simulator (SPEC §5.4): each equals the ground
 * truth in each scope that offers it, is absent from discover in the other (secrets: enterprise),
 * timestamps are date-times, org_id is the item's own (null for enterprise-wide items, also in an
 * organization's listing), lists of several pages are read whole, and ids are kept as given. (No
 * item id goes into a path here; the org id does, and the connector accepts only plain org ids.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_ID_SUFFIX, KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf, statesOf } from '../helpers/read.js';

const START = '2026-02-20';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** Per organization; the enterprise's own are half as many: 625 playbooks in enterprise scope (4 pages of 200). */
const ITEMS = 250;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 10, sessions: 0, knowledgeItems: ITEMS, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

const listings = (path: RegExp) => sim.requests.filter((r) => path.test(r.pathSegments.join('/')));

describe.each([
  { scope: 'enterprise', key: KEY_ENTERPRISE, streams: ['playbooks', 'knowledge_notes'], prefix: 'v3/enterprise' },
  { scope: 'organization', key: KEY_ORG, streams: ['playbooks', 'knowledge_notes', 'secrets'], prefix: 'v3/organizations/org-sim-alpha' },
])('in $scope scope', ({ key, streams, prefix }) => {
  it('each stream equals the ground truth, read over several pages of first=200 with the cursor', async () => {
    sim.clearRequests();
    const run = await readWith({ sim, config: { api_key: key, start_date: START }, streams: Object.fromEntries(streams.map((s) => [s, 'full_refresh'])) });
    expect(run.code, run.stderr).toBe(0);
    const truth = sim.groundTruth({ key, startDate: START, endDate: FIXED_TODAY });
    for (const stream of streams) {
      const records = recordsOf(run, stream);
      const expected = truth[stream as 'playbooks'];
      expect(expected.length, stream).toBeGreaterThan(200);
      expectRecordsToEqualTruth(stream, records, expected);
      expect(statesOf(run, stream).length, `${stream} STATE`).toBeGreaterThan(0);
      for (const record of records) {
        expect(record.created_at, `${stream} created_at`).toMatch(DATE_TIME);
        if (record.updated_at !== null) expect(record.updated_at, `${stream} updated_at`).toMatch(DATE_TIME);
      }
      const path = stream === 'knowledge_notes' ? 'knowledge/notes' : stream;
      const pages = listings(new RegExp(`^${prefix}/${path}$`));
      expect(pages.length, `${stream} pages`).toBe(Math.ceil(expected.length / 200));
      expect(pages.every((r) => r.query.first?.[0] === '200'), `${stream} first=200`).toBe(true);
      expect(pages.slice(1).every((r) => r.query.after?.[0] !== undefined), `${stream} after=`).toBe(true);
    }
  });
});

describe('org_id is the item\'s own', () => {
  it('enterprise-wide playbooks and notes carry null in both scopes, an organization\'s carry that organization', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { playbooks: 'full_refresh', knowledge_notes: 'full_refresh' } });
    for (const stream of ['playbooks', 'knowledge_notes']) {
      const orgIds = new Set(recordsOf(run, stream).map((r) => r.org_id));
      expect([...orgIds].sort(), stream).toEqual(['org-sim-alpha', null].sort());
      for (const record of recordsOf(run, stream)) expect(record.access_type, stream).toBe(record.org_id === null ? 'enterprise' : 'org');
    }
    const enterprise = sim.groundTruth({ startDate: START, endDate: FIXED_TODAY });
    expect(new Set(enterprise.playbooks.map((p) => p.org_id))).toEqual(new Set([null, 'org-sim-alpha', 'org-sim-beta']));
  });
});

describe('discover', () => {
  async function discovered(scope: string): Promise<string[]> {
    const config = scratchDir().json('discover.json', { api_key: 'cog_discover_key', scope });
    const run = await runAirbyte(['discover', '--config', config], { now: () => FIXED_NOW });
    const catalog = run.messages.find((m) => m.type === 'CATALOG')?.catalog as { streams: Array<{ name: string; supported_sync_modes: string[] }> };
    for (const stream of catalog.streams.filter((s) => ['playbooks', 'knowledge_notes', 'secrets'].includes(s.name))) {
      expect(stream.supported_sync_modes, stream.name).toEqual(['full_refresh']);
    }
    return catalog.streams.map((s) => s.name);
  }

  it('lists playbooks and knowledge_notes in both scopes, secrets only in organization scope', async () => {
    const enterprise = await discovered('enterprise');
    const organization = await discovered('organization');
    expect(enterprise).toEqual(expect.arrayContaining(['playbooks', 'knowledge_notes']));
    expect(enterprise).not.toContain('secrets');
    expect(organization).toEqual(expect.arrayContaining(['playbooks', 'knowledge_notes', 'secrets']));
  });

  it('a catalog naming secrets with an enterprise key is a config_error naming the stream and the scope', async () => {
    sim.clearRequests();
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: START }, streams: { secrets: 'full_refresh' } });
    expect(run.code).toBe(1);
    const error = run.messages.find((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')?.trace as { error: { message: string; failure_type: string } };
    expect(error.error.failure_type).toBe('config_error');
    expect(error.error.message).toMatch(/secrets/);
    expect(error.error.message).toMatch(/enterprise/);
    expect(sim.requests.some((r) => r.pathSegments.includes('secrets'))).toBe(false);
  });
});

describe('ids', () => {
  it('ids with characters a URL would mangle are kept exactly as the API gave them', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { playbooks: 'full_refresh', knowledge_notes: 'full_refresh', secrets: 'full_refresh' } });
    for (const [stream, field] of [['playbooks', 'playbook_id'], ['knowledge_notes', 'note_id'], ['secrets', 'secret_id']] as const) {
      const edge = recordsOf(run, stream).filter((r) => String(r[field]).endsWith(EDGE_ID_SUFFIX));
      expect(edge.length, stream).toBeGreaterThan(0);
    }
  });
});
