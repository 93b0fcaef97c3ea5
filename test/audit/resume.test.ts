/**
 * audit_logs under interruption (SPEC §6): killed right after the k-th STATE, for every k, and
 * resumed with the last STATE it emitted, the union of both runs holds every record of an
 * uninterrupted read (half the entries carry milliseconds). A small checkpoint interval puts STATEs inside windows too, so kills land mid-window.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSourceDevin } from '../../src/cli/airbyte-main.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { FAST_RETRY } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { assertAirbyteMessage, parseJsonLines } from '../helpers/protocol.js';
import { FIXED_NOW, lastStateArray, primaryKey, readWith, recordsOf, statesOf } from '../helpers/read.js';
import { KillAfterStates } from '../helpers/streams.js';

const STREAMS = { audit_logs: 'incremental', members: 'full_refresh' } as const;
// Three windows (2025-06-01 … 2026-03-10).
const CONFIG = { api_key: KEY_ENTERPRISE, start_date: '2025-06-01', lookback_days: 0 };
// A STATE inside a window after every page of 200 rows (the default waits longer).
const POLICY = { everyUnits: 200, everyMs: 60_000 };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 5, days: 300, sessions: 0, now: () => FIXED_NOW, auditLogs: { perDay: 4, millisecondsFraction: 0.5 } });
});
afterAll(() => sim.close());

async function readKilledAfter(k: number): Promise<Array<Record<string, unknown>>> {
  const dir = scratchDir();
  const stdout = new KillAfterStates(k);
  const argv = ['read', '--config', dir.json('config.json', { ...CONFIG, api_url: sim.url }), '--catalog', dir.json('catalog.json', configuredCatalog(STREAMS))];
  await runSourceDevin(argv, { stdout, stderr: new Writable({ write: (_c, _e, cb) => cb() }), env: {}, now: () => FIXED_NOW, retryPolicy: FAST_RETRY, checkpointPolicy: POLICY });
  const messages = parseJsonLines(stdout.text);
  for (const message of messages) assertAirbyteMessage(message);
  return messages;
}

describe('kill after the k-th STATE, resume with the last STATE', () => {
  it('loses no audit log entry, for every k', async () => {
    const full = await readWith({ sim, config: CONFIG, streams: STREAMS, policy: POLICY });
    expect(full.code, full.stderr).toBe(0);
    const expected = recordsOf(full, 'audit_logs');
    expect(expected.length).toBeGreaterThan(1000);
    const auditStates = statesOf(full, 'audit_logs');
    // Window ends and places inside windows.
    expect(auditStates.some((s) => JSON.stringify(s).includes('"page"'))).toBe(true);
    const totalStates = statesOf(full).length;
    expect(totalStates).toBeGreaterThanOrEqual(6);
    for (let k = 1; k < totalStates; k++) {
      const killed = await readKilledAfter(k);
      const resumed = await readWith({ sim, config: CONFIG, streams: STREAMS, state: lastStateArray({ messages: killed }), policy: POLICY });
      expect(resumed.code, `k=${k}: ${resumed.stderr}`).toBe(0);
      const union = new Map<string, unknown>();
      for (const run of [{ messages: killed }, resumed]) for (const record of recordsOf(run, 'audit_logs')) union.set(primaryKey('audit_logs', record), record);
      for (const record of expected) expect(union.get(primaryKey('audit_logs', record)), `k=${k}`).toEqual(record);
    }
  }, 180_000);
});
