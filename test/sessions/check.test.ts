/** `check` and the sessions family (SPEC §7): a key without the sessions permission still passes, and is told which streams it cannot read. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENT_NO_SESSIONS, KEY_ENTERPRISE, KEY_ORG_NO_SESSIONS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { connectionStatus } from '../foundation/support.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 5, sessions: 10, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

async function check(apiKey: string): Promise<{ status: string; message: string }> {
  const config = scratchDir().json('check.json', { api_key: apiKey, api_url: sim.url });
  return connectionStatus(await runAirbyte(['check', '--config', config], { now: () => FIXED_NOW }));
}

const FAMILY = 'session_insights, session_messages, session_pull_requests, sessions';

describe('check with the sessions family', () => {
  it.each([
    [KEY_ORG_NO_SESSIONS, `${FAMILY}: missing ViewOrgSessions`],
    [KEY_ENT_NO_SESSIONS, `${FAMILY}: missing ViewAccountSessions (ViewOrgSessions in older docs)`],
  ])('%s: SUCCEEDED, naming the streams it cannot read and the permission', async (key, missing) => {
    const status = await check(key);
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toMatch(new RegExp(`; the key cannot read ${missing.replace(/[()]/g, '\\$&')}$`));
  });

  it('probes one session list (the others need the same permission), and says nothing more for a key that can read it', async () => {
    sim.clearRequests();
    const status = await check(KEY_ENTERPRISE);
    expect(status.message).toMatch(/PR metrics are readable$/);
    const lists = sim.requests.filter((r) => r.pathSegments.includes('sessions')).map((r) => r.pathSegments.join('/'));
    expect(lists).toEqual(['v3/enterprise/sessions']);
  });
});
