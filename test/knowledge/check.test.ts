/**
 * `check` and playbooks / knowledge_notes / secrets (SPEC §7): a key that may not read them still
 * passes, and the SUCCEEDED message names the streams and the permission each needs (both documented
 * spellings); each list is probed once, with first=1, and the whole check stays a handful of requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ENT_NO_KNOWLEDGE,
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_NO_KNOWLEDGE,
  KEY_ORG_NO_SECRETS,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { connectionStatus } from '../foundation/support.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 5, sessions: 5, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

async function check(apiKey: string): Promise<{ status: string; message: string }> {
  const config = scratchDir().json('check.json', { api_key: apiKey, api_url: sim.url });
  return connectionStatus(await runAirbyte(['check', '--config', config], { now: () => FIXED_NOW }));
}

const escape = (text: string): string => text.replace(/[()]/g, '\\$&');

describe('check with playbooks, knowledge notes and secrets', () => {
  it.each([
    [KEY_ENT_NO_KNOWLEDGE, 'knowledge_notes: missing ManageAccountKnowledge; playbooks: missing ManageAccountPlaybooks'],
    [
      KEY_ORG_NO_KNOWLEDGE,
      'knowledge_notes: missing ManageAccountKnowledge (ManageOrgKnowledge in older docs); playbooks: missing ManageAccountPlaybooks (ManageOrgPlaybooks in older docs)',
    ],
    [KEY_ORG_NO_SECRETS, 'secrets: missing ManageOrgSecrets'],
  ])('%s: SUCCEEDED, naming the streams it cannot read and the permission', async (key, missing) => {
    const status = await check(key);
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toMatch(new RegExp(`; the key cannot read ${escape(missing)}$`));
  });

  it.each([
    [KEY_ENTERPRISE, 'v3/enterprise', ['playbooks', 'knowledge/notes']],
    [KEY_ORG, 'v3/organizations/org-sim-alpha', ['playbooks', 'knowledge/notes', 'secrets']],
  ])('%s: each list probed once with first=1, nothing more said, a dozen requests at most', async (key, prefix, lists) => {
    sim.clearRequests();
    const status = await check(key);
    expect(status).toEqual({ status: 'SUCCEEDED', message: expect.stringMatching(/PR metrics are readable$/) });
    for (const list of lists) {
      const probes = sim.requests.filter((r) => r.pathSegments.join('/') === `${prefix}/${list}`);
      expect(probes.map((r) => r.query), list).toEqual([{ first: ['1'] }]);
    }
    expect(sim.requests.some((r) => r.pathSegments.join('/') === 'v3/enterprise/secrets')).toBe(false);
    expect(sim.requests.length).toBeLessThanOrEqual(12);
  });
});
