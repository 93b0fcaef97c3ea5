/**
 * SPEC §5, §8 for playbooks, knowledge_notes and secrets: selected only by default (tap-devin without
 * a catalog, `--test`), a stream the key may not read is skipped with a WARNING naming the permission
 * and the run exits 0; selected explicitly (a Singer catalog, any Airbyte configured catalog), it fails
 * — INCOMPLETE with a config_error naming the permission, exit ≠ 0 — while the other streams finish.
 * secrets is not a default stream, so a key without it is never even asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENT_NO_KNOWLEDGE, KEY_ORG_NO_KNOWLEDGE, KEY_ORG_NO_SECRETS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { readWith, recordsOf, statusesOf } from '../helpers/read.js';
import { recordsOf as singerRecordsOf } from '../helpers/singer.js';
import { traceErrors } from '../resilience/support.js';
import { configFile, linesAt, SIM_OPTIONS, tap } from '../singer/support.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ ...SIM_OPTIONS, sessions: 10 });
});
afterAll(() => sim.close());

const selecting = (names: string[]) => ({
  streams: names.map((name) => ({ tap_stream_id: name, stream: name, schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] })),
});

describe.each([
  { key: KEY_ENT_NO_KNOWLEDGE, playbooks: 'ManageAccountPlaybooks', notes: 'ManageAccountKnowledge' },
  { key: KEY_ORG_NO_KNOWLEDGE, playbooks: 'ManageAccountPlaybooks (ManageOrgPlaybooks in older docs)', notes: 'ManageAccountKnowledge (ManageOrgKnowledge in older docs)' },
])('a key without the playbook and knowledge permissions ($key)', ({ key, playbooks, notes }) => {
  it.each([[[]], [['--test']]])('tap-devin %j without a catalog: both skipped with a WARNING naming the permission, the other defaults read, exit 0', async (extra) => {
    const { config } = configFile(sim, { api_key: key });
    const run = await tap(['--config', config, ...extra]);
    expect(run.code, run.stderr).toBe(0);
    const warnings = linesAt(run.stderr, 'WARNING');
    expect(warnings.some((line) => line.startsWith('WARNING playbooks: skipped') && line.includes(playbooks)), warnings.join('\n')).toBe(true);
    expect(warnings.some((line) => line.startsWith('WARNING knowledge_notes: skipped') && line.includes(notes)), warnings.join('\n')).toBe(true);
    expect(linesAt(run.stderr, 'ERROR')).toEqual([]);
    expect(singerRecordsOf(run, 'members').length).toBeGreaterThan(0);
    expect(singerRecordsOf(run, 'playbooks')).toEqual([]);
  });

  it('tap-devin with a catalog selecting playbooks: it fails naming the permission, members still read, exit 1', async () => {
    const { config, dir } = configFile(sim, { api_key: key });
    const run = await tap(['--config', config, '--catalog', dir.json('catalog.json', selecting(['members', 'playbooks']))]);
    expect(run.code).toBe(1);
    expect(linesAt(run.stderr, 'ERROR').join('\n')).toContain(playbooks);
    expect(singerRecordsOf(run, 'members').length).toBeGreaterThan(0);
  });

  it('source-devin: playbooks and knowledge_notes INCOMPLETE with a config_error naming the permission, members COMPLETE, exit 1', async () => {
    const run = await readWith({ sim, config: { api_key: key, start_date: '2026-03-01' }, streams: { members: 'full_refresh', playbooks: 'full_refresh', knowledge_notes: 'full_refresh' } });
    expect(run.code).toBe(1);
    const errors = traceErrors(run);
    expect(errors.map((e) => e.stream).sort()).toEqual(['knowledge_notes', 'playbooks']);
    for (const [stream, permission] of [['playbooks', playbooks], ['knowledge_notes', notes]] as const) {
      expect(errors.find((e) => e.stream === stream)).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining(permission) });
      expect(statusesOf(run, stream).at(-1)).toBe('INCOMPLETE');
    }
    expect(statusesOf(run, 'members').at(-1)).toBe('COMPLETE');
    expect(recordsOf(run, 'members').length).toBeGreaterThan(0);
  });
});

describe('a key without the secrets permission', () => {
  it('tap-devin without a catalog: secrets is not a default stream, so nothing is skipped or asked, exit 0', async () => {
    sim.clearRequests();
    const { config } = configFile(sim, { api_key: KEY_ORG_NO_SECRETS });
    const run = await tap(['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(linesAt(run.stderr, 'WARNING').filter((line) => line.includes('skipped'))).toEqual([]);
    expect(singerRecordsOf(run, 'playbooks').length).toBeGreaterThan(0);
    expect(sim.requests.some((r) => r.pathSegments.at(-1) === 'secrets')).toBe(false);
  });

  it('tap-devin selecting secrets: it fails naming ManageOrgSecrets, exit 1; source-devin: INCOMPLETE + config_error, the others COMPLETE', async () => {
    const { config, dir } = configFile(sim, { api_key: KEY_ORG_NO_SECRETS });
    const singer = await tap(['--config', config, '--catalog', dir.json('catalog.json', selecting(['playbooks', 'secrets']))]);
    expect(singer.code).toBe(1);
    expect(linesAt(singer.stderr, 'ERROR').join('\n')).toContain('ManageOrgSecrets');
    expect(singerRecordsOf(singer, 'playbooks').length).toBeGreaterThan(0);

    const run = await readWith({ sim, config: { api_key: KEY_ORG_NO_SECRETS, start_date: '2026-03-01' }, streams: { playbooks: 'full_refresh', secrets: 'full_refresh' } });
    expect(run.code).toBe(1);
    expect(traceErrors(run)).toEqual([expect.objectContaining({ stream: 'secrets', failure_type: 'config_error', message: expect.stringContaining('ManageOrgSecrets') })]);
    expect(statusesOf(run, 'secrets').at(-1)).toBe('INCOMPLETE');
    expect(statusesOf(run, 'playbooks').at(-1)).toBe('COMPLETE');
  });
});
