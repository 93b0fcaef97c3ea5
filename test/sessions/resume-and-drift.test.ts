/**
 * The sessions family under interruption and drift: killed after every k-th STATE and resumed with
 * the last STATE, the union holds the full read; a drifted session row is typed field by field
 * (wrong types nulled and recorded, new fields passed through); a session id that is not a plain
 * token reaches the messages listing as one encoded segment, exactly as the API gave it.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, KEY_ORG, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { assertAirbyteMessage, parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, lastStateArray, primaryKey, readWith, recordsOf, statesOf } from '../helpers/read.js';
import { KillAfterStates } from '../helpers/streams.js';

const STREAMS = { sessions: 'incremental', session_pull_requests: 'incremental', session_messages: 'incremental' } as const;
// Three windows (2025-06-01 … 2026-03-10), so kills land between windows.
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: '2025-06-01', lookback_days: 1, max_concurrency: 2 };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 10, days: 300, sessions: 40, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

async function readKilledAfter(k: number, state: unknown): Promise<Array<Record<string, unknown>>> {
  const dir = scratchDir();
  const stdout = new KillAfterStates(k);
  const argv = ['read', '--config', dir.json('config.json', { ...CONFIG, api_url: sim.url }), '--catalog', dir.json('catalog.json', configuredCatalog(STREAMS))];
  if (state !== undefined) argv.push('--state', dir.json('state.json', state));
  await runSourceDevin(argv, { stdout, stderr: new Writable({ write: (_c, _e, cb) => cb() }), env: {}, now: () => FIXED_NOW, retryPolicy: FAST_RETRY });
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertAirbyteMessage(message);
  return messages;
}

describe('kill after the k-th STATE, resume with the last STATE', () => {
  it('loses no session, PR or message, for every k', async () => {
    const full = await readWith({ sim, config: CONFIG, streams: STREAMS });
    expect(full.code).toBe(0);
    const totalStates = statesOf(full).length;
    expect(totalStates).toBeGreaterThanOrEqual(9);
    for (let k = 1; k < totalStates; k++) {
      const killed = await readKilledAfter(k, undefined);
      const resumed = await readWith({ sim, config: CONFIG, streams: STREAMS, state: lastStateArray({ messages: killed }) });
      expect(resumed.code).toBe(0);
      for (const stream of Object.keys(STREAMS)) {
        const union = new Map<string, unknown>();
        for (const run of [{ messages: killed }, resumed]) for (const record of recordsOf(run, stream)) union.set(primaryKey(stream, record), record);
        const expected = recordsOf(full, stream);
        expect(expected.length).toBeGreaterThan(0);
        for (const record of expected) expect(union.get(primaryKey(stream, record)), `k=${k} ${stream}`).toEqual(record);
      }
    }
  }, 180_000);
});

describe('schema drift on a session row', () => {
  it('nulls the wrong types (recorded in meta.changes) and passes new fields through', async () => {
    const session = sim.data.addSession({
      session_id: 'devin-drifted',
      org_id: 'org-sim-alpha',
      created_at: FIXED_NOW / 1000 - 7200,
      updated_at: FIXED_NOW / 1000 - 3600,
      fields: { acus_consumed: 'lots', tags: 'one,two', is_archived: 'no', brand_new_field: { nested: [1, 2] } } as never,
      pull_requests: [{ pr_url: 'https://gitlab.com/a/b/c/-/merge_requests/4', pr_state: 'merged' }],
    });
    expect(session.session_id).toBe('devin-drifted');
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: '2026-03-01' }, streams: { sessions: 'full_refresh', session_pull_requests: 'full_refresh' } });
    expect(run.code).toBe(0);
    const message = run.messages.find((m) => m.type === 'RECORD' && (m.record as { data: { session_id: string } }).data.session_id === 'devin-drifted' && (m.record as { stream: string }).stream === 'sessions');
    const record = message!.record as { data: Record<string, unknown>; meta?: { changes: Array<{ field: string }> } };
    expect(record.data.acus_consumed).toBeNull();
    expect(record.data.tags).toBeNull();
    expect(record.data.is_archived).toBeNull();
    expect(record.data.brand_new_field).toEqual({ nested: [1, 2] });
    expect(record.data.updated_at).toBe(new Date(FIXED_NOW - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(record.meta?.changes.map((c) => c.field).sort()).toEqual(['acus_consumed', 'is_archived', 'tags']);
    const pr = recordsOf(run, 'session_pull_requests').find((r) => r.session_id === 'devin-drifted');
    expect(pr).toMatchObject({ host: 'gitlab.com', provider: 'gitlab', repository: 'a/b/c', pr_number: 4, pr_state: 'merged' });
  });
});

describe('session ids', () => {
  it('go into the messages path exactly as the API gave them, as one encoded segment', async () => {
    const id = 'devin-a/b?c#d %..';
    sim.data.addSession({ session_id: id, org_id: 'org-sim-alpha', created_at: FIXED_NOW / 1000 - 600, updated_at: FIXED_NOW / 1000 - 60, messages: [{ source: 'user', message: 'odd id' }] });
    sim.clearRequests();
    const run = await readWith({ sim, config: { api_key: KEY_ENTERPRISE, start_date: '2026-03-09' }, streams: { session_messages: 'full_refresh' } });
    expect(run.code).toBe(0);
    const messages = recordsOf(run, 'session_messages').filter((m) => m.session_id === id);
    expect(messages.map((m) => m.message)).toEqual(['odd id']);
    const request = sim.requests.find((r) => r.pathSegments.includes(id));
    expect(request?.rawUrl).toContain(`/v3/enterprise/sessions/${encodeURIComponent(id)}/messages?`);
    expect(request?.query.org_id).toEqual(['org-sim-alpha']);
  });
});
