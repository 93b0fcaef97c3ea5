/**
 * SPEC §5.4, §10: secrets is metadata only. The simulator sends, on purpose, `value` and `secret`
 * fields with distinctive values; none of them — nor any half of one, in any case or encoding —
 * appears in a record, a LOG, a TRACE, a STATE or on stderr, in source-devin read and in tap-devin
 * (debug logging on), in-process and as a real process, also when secret rows are malformed (wrong
 * types become nulls with meta.changes, rows without an id are skipped with a WARN) and when the
 * secrets page itself is broken (wrong types, truncated). Records have exactly the allowlisted fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ORG, startSimulator, type FaultRule, type Simulator } from '../../src/simulator/index.js';
import { SECRET_FIELDS, secretRecord } from '../../src/streams/secrets.js';
import type { PlanContext } from '../../src/streams/types.js';
import { spawnCli } from '../helpers/cli.js';
import { configuredCatalog, scratchDir } from '../helpers/files.js';
import { FIXED_NOW, FIXED_TODAY, expectRecordsToEqualTruth, readWith, recordsOf } from '../helpers/read.js';
import { assertNoSecrets } from '../helpers/secrets.js';
import { recordsOf as singerRecordsOf, runTap } from '../helpers/singer.js';

const START = '2026-03-01';
/** Values on the malformed rows (besides `value` / `secret`, which secretValues() lists). */
const IN_WRONG_FIELDS = ['nv-Rk2Pq9Lm4Xw7Tz3Hb8Vc', 'bare-item-Jd5Ks8Qw2Nf6Gh'];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 10, sessions: 0, now: () => FIXED_NOW });
});
afterAll(() => sim.close());

function everySecretValue(): string[] {
  const values = [...sim.data.knowledge.secretValues(), ...IN_WRONG_FIELDS];
  expect(values.length).toBeGreaterThan(16);
  return values;
}

const ctx = (): PlanContext & { skipped: string[] } => {
  const skipped: string[] = [];
  return { scope: { kind: 'organization', orgId: 'org-x' }, orgId: 'org-x', today: 0, skipRow: (reason) => skipped.push(reason), skipped };
};

describe('the secrets record', () => {
  it('has exactly the allowlist, whatever else the item carries', () => {
    const item = { ...sim.data.knowledge.secrets('org-sim-alpha')[0], extra_new_field: 'x', value: 'v', secret: 's', token: 't' };
    const record = secretRecord(item, ctx());
    expect(Object.keys(record?.data ?? {}).sort()).toEqual([...SECRET_FIELDS].sort());
    expect(record?.data.org_id).toBe('org-x');
  });

  it('keeps the API\'s own org_id when it sends one; an item without a secret_id is skipped with a reason naming no value', () => {
    expect(secretRecord({ secret_id: 's1', org_id: 'org-own' }, ctx())?.data.org_id).toBe('org-own');
    const c = ctx();
    expect(secretRecord({ secret_id: 7, value: 'hunter2-secret' }, c)).toBeUndefined();
    expect(c.skipped).toEqual(['a secret without a secret_id']);
  });

  it('equals the ground truth over the simulator, values never read', async () => {
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { secrets: 'full_refresh' } });
    expect(run.code, run.stderr).toBe(0);
    const truth = sim.groundTruth({ key: KEY_ORG, startDate: START, endDate: FIXED_TODAY }).secrets;
    expect(truth.length).toBeGreaterThan(4);
    expectRecordsToEqualTruth('secrets', recordsOf(run, 'secrets'), truth);
    for (const record of recordsOf(run, 'secrets')) expect(Object.keys(record).sort()).toEqual([...SECRET_FIELDS].sort());
    assertNoSecrets(run, everySecretValue());
  });
});

describe('secret values appear nowhere', () => {
  beforeAll(() => {
    const [value, secret] = sim.data.knowledge.secretValues();
    // Wrong types in allowlisted fields, one of them holding a value; an item with no usable id; an item that is a bare string.
    sim.data.knowledge.addRawSecret('org-sim-alpha', {
      secret_id: 'secret-malformed-1',
      key: 42,
      note: { text: IN_WRONG_FIELDS[0] },
      is_sensitive: 'yes',
      secret_type: [secret],
      created_at: value,
      created_by: 'user-x',
      updated_at: 'not a time',
      value,
      secret,
    });
    sim.data.knowledge.addRawSecret('org-sim-alpha', { secret_id: { id: value }, key: 'K', value: secret });
    sim.data.knowledge.addRawSecret('org-sim-alpha', IN_WRONG_FIELDS[1] as unknown as Record<string, unknown>);
  });
  afterAll(() => sim.setFaults([]));

  const VECTORS: Array<{ name: string; faults: FaultRule[]; ok: boolean }> = [
    { name: 'malformed rows', faults: [], ok: true },
    { name: 'a secrets page with every field of the wrong type', faults: [{ kind: 'wrong-types', path: /\/secrets$/ }], ok: false },
    { name: 'a truncated secrets page', faults: [{ kind: 'truncated', path: /\/secrets$/ }], ok: false },
  ];

  it.each(VECTORS)('source-devin read, $name', async ({ faults, ok }) => {
    sim.setFaults(faults);
    const run = await readWith({ sim, config: { api_key: KEY_ORG, start_date: START }, streams: { members: 'full_refresh', secrets: 'full_refresh' } });
    expect(run.code).toBe(ok ? 0 : 1);
    assertNoSecrets(run, everySecretValue());
    if (ok) {
      const malformed = run.messages.find((m) => m.type === 'RECORD' && (m.record as { data: { secret_id: string } }).data.secret_id === 'secret-malformed-1');
      const record = malformed?.record as { data: Record<string, unknown>; meta?: { changes: Array<{ field: string }> } };
      expect(record.data).toMatchObject({ key: null, note: null, is_sensitive: null, secret_type: null, created_at: null, updated_at: null, created_by: 'user-x' });
      expect(record.meta?.changes.map((c) => c.field).sort()).toEqual(['created_at', 'is_sensitive', 'key', 'note', 'secret_type', 'updated_at']);
      expect(run.stdout).toContain('secrets: skipped 2 × a secret without a secret_id');
    }
  });

  it.each(VECTORS)('tap-devin (debug logging), $name', async ({ faults, ok }) => {
    sim.setFaults(faults);
    const dir = scratchDir();
    const config = dir.json('config.json', { api_key: KEY_ORG, api_url: sim.url, start_date: START });
    const catalog = dir.json('catalog.json', {
      streams: ['members', 'secrets'].map((name) => ({ tap_stream_id: name, stream: name, schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] })),
    });
    const run = await runTap(['--config', config, '--catalog', catalog], { now: () => FIXED_NOW, env: { TAP_DEVIN_LOGLEVEL: 'debug' } });
    expect(run.code, run.stderr).toBe(ok ? 0 : 1);
    assertNoSecrets({ stdout: run.stdout, stderr: run.rawStderr }, everySecretValue());
    if (ok) expect(singerRecordsOf(run, 'secrets').length).toBeGreaterThan(4);
  });

  it('source-devin read as a real process', async () => {
    sim.setFaults([]);
    const dir = scratchDir();
    const config = dir.json('config.json', { api_key: KEY_ORG, api_url: sim.url, start_date: START });
    const catalog = dir.json('catalog.json', configuredCatalog({ secrets: 'full_refresh' }));
    const run = await spawnCli('source-devin', ['read', '--config', config, '--catalog', catalog]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.messages.filter((m) => m.type === 'RECORD').length).toBeGreaterThan(4);
    assertNoSecrets(run, everySecretValue());
  });
});
