/**
 * SPEC §5: a stream selected only by default (no catalog) that the key may not read is skipped with a
 * WARN naming the missing permission (exit 0); a stream selected explicitly fails (exit ≠ 0) while the
 * others finish — in tap-devin, and in source-devin, whose configured catalog always selects explicitly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENT_NO_SESSIONS, KEY_ORG_NO_SESSIONS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { defaultStreams } from '../../src/streams/index.js';
import { readWith, recordsOf, statusesOf } from '../helpers/read.js';
import { configFile, linesAt, SIM_OPTIONS, tap } from './support.js';
import { recordsOf as singerRecordsOf } from '../helpers/singer.js';
import { traceErrors } from '../resilience/support.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ ...SIM_OPTIONS, sessions: 40 });
});
afterAll(() => sim.close());

describe('a default stream the key may not read', () => {
  it.each([
    [KEY_ENT_NO_SESSIONS, 'ViewAccountSessions'],
    [KEY_ORG_NO_SESSIONS, 'ViewOrgSessions'],
  ])('tap-devin without a catalog (%s): skipped with a WARNING naming %s, the other defaults read, exit 0', async (key, permission) => {
    const { config } = configFile(sim, { api_key: key });
    const run = await tap(['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    const warnings = linesAt(run.stderr, 'WARNING').filter((line) => line.includes('skipped'));
    expect(warnings.some((line) => line.startsWith('WARNING sessions: skipped') && line.includes(permission))).toBe(true);
    expect(linesAt(run.stderr, 'ERROR')).toEqual([]);
    for (const stream of ['members', 'daily_consumption', 'pr_metrics']) expect(singerRecordsOf(run, stream).length, stream).toBeGreaterThan(0);
    expect(defaultStreams('enterprise').map((s) => s.name)).toContain('sessions');
  });

  it('tap-devin with a catalog that selects sessions explicitly: the stream fails naming the permission, exit 1', async () => {
    const { config, dir } = configFile(sim, { api_key: KEY_ENT_NO_SESSIONS });
    const catalog = dir.json('catalog.json', {
      streams: ['members', 'sessions'].map((name) => ({ tap_stream_id: name, stream: name, schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] })),
    });
    const run = await tap(['--config', config, '--catalog', catalog]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'ERROR').join('\n')).toContain('ViewAccountSessions');
    expect(singerRecordsOf(run, 'members').length).toBeGreaterThan(0);
  });

  it('source-devin (a configured catalog is an explicit selection): INCOMPLETE with a config_error naming the permission, the others finish, exit 1', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ENT_NO_SESSIONS, start_date: '2026-02-27' }, streams: { members: 'full_refresh', sessions: 'full_refresh' } });
    expect(run.code).toBe(1);
    expect(traceErrors(run)).toEqual([expect.objectContaining({ stream: 'sessions', failure_type: 'config_error', message: expect.stringContaining('ViewAccountSessions') })]);
    expect(statusesOf(run, 'members').at(-1)).toBe('COMPLETE');
    expect(recordsOf(run, 'members').length).toBeGreaterThan(0);
  });
});
