/**
 * audit_logs and the key's permissions (SPEC §5, §7, §8): `check` passes for a key without the audit
 * permission and names audit_logs with ManageEnterpriseSettings (both spellings); the stream is
 * opt-in, so a default selection neither reads nor skips it; selected explicitly with such a key it
 * fails (INCOMPLETE, config_error naming the permission, exit ≠ 0) while the others finish — in
 * source-devin and in tap-devin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENT_NO_AUDIT, KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { defaultStreams } from '../../src/streams/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';
import { FIXED_NOW, readWith, recordsOf, statusesOf } from '../helpers/read.js';
import { recordsOf as singerRecordsOf } from '../helpers/singer.js';
import { connectionStatus } from '../foundation/support.js';
import { traceErrors } from '../resilience/support.js';
import { configFile, linesAt, SIM_OPTIONS, tap } from '../singer/support.js';

const PERMISSION = 'ManageEnterpriseSettings (ViewAccountAuditLogs in a third-party permissions table)';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ ...SIM_OPTIONS, sessions: 5 });
});
afterAll(() => sim.close());

const auditRequests = () => sim.requests.filter((r) => r.pathSegments.join('/') === 'v3/enterprise/audit-logs');

async function check(apiKey: string): Promise<{ status: string; message: string }> {
  const config = scratchDir().json('check.json', { api_key: apiKey, api_url: sim.url });
  return connectionStatus(await runAirbyte(['check', '--config', config], { now: () => FIXED_NOW }));
}

describe('check', () => {
  it('a key without the audit permission: SUCCEEDED, naming audit_logs and the permission', async () => {
    const status = await check(KEY_ENT_NO_AUDIT);
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message.endsWith(`; the key cannot read audit_logs: missing ${PERMISSION}`)).toBe(true);
  });

  it('probes the audit log once, with first=1, and says nothing of it for a key that can read it', async () => {
    sim.clearRequests();
    const status = await check(KEY_ENTERPRISE);
    expect(status.message).not.toContain('audit_logs');
    expect(auditRequests().map((r) => r.query)).toEqual([{ first: ['1'] }]);
  });
});

describe('an opt-in stream', () => {
  it('tap-devin without a catalog neither reads audit_logs nor warns about it, exit 0', async () => {
    expect(defaultStreams('enterprise').map((s) => s.name)).not.toContain('audit_logs');
    sim.clearRequests();
    const { config } = configFile(sim, { api_key: KEY_ENT_NO_AUDIT });
    const run = await tap(['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(auditRequests()).toEqual([]);
    expect(run.stderr).not.toContain('audit_logs');
  });
});

describe('selected explicitly with a key that may not read it', () => {
  it('source-devin: INCOMPLETE with a config_error naming the permission, the others finish, exit 1', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ENT_NO_AUDIT, start_date: '2026-02-27' }, streams: { members: 'full_refresh', audit_logs: 'incremental', pr_metrics: 'incremental' } });
    expect(run.code).toBe(1);
    expect(traceErrors(run)).toEqual([expect.objectContaining({ stream: 'audit_logs', failure_type: 'config_error', message: expect.stringContaining('ManageEnterpriseSettings') })]);
    expect(statusesOf(run, 'audit_logs').at(-1)).toBe('INCOMPLETE');
    for (const stream of ['members', 'pr_metrics']) {
      expect(statusesOf(run, stream).at(-1), stream).toBe('COMPLETE');
      expect(recordsOf(run, stream).length, stream).toBeGreaterThan(0);
    }
  });

  it('tap-devin with a catalog that selects it: the stream fails naming the permission, the others finish, exit 1', async () => {
    const { config, dir } = configFile(sim, { api_key: KEY_ENT_NO_AUDIT });
    const catalog = dir.json('catalog.json', {
      streams: ['members', 'audit_logs'].map((name) => ({ tap_stream_id: name, stream: name, schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] })),
    });
    const run = await tap(['--config', config, '--catalog', catalog]);
    expect(run.code).toBe(1);
    const errors = linesAt(run.stderr, 'ERROR').join('\n');
    expect(errors).toContain('audit_logs');
    expect(errors).toContain('ManageEnterpriseSettings');
    expect(singerRecordsOf(run, 'members').length).toBeGreaterThan(0);
  });
});
