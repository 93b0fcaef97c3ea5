/**
 * The simulator's audit log (`GET /v3/enterprise/audit-logs`): deterministic from the seed, both
 * timestamp units in one data set, `[time_after, time_before)` half-open like the session lists,
 * `order` asc/desc (default desc), keyset pagination, the 100-day limit, the filter-ignoring mode,
 * and a 403 naming ManageEnterpriseSettings for a key without the audit permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENT_NO_AUDIT, KEY_ORG, MAX_AUDIT_SPAN_SECONDS, startSimulator, type AuditLogRow, type Simulator } from '../../src/simulator/index.js';
import { dayStartSeconds } from '../../src/devin/billing-day.js';
import { get } from '../simulator/helpers.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 3, days: 30, now: () => NOW, auditLogs: { perDay: 4, millisecondsFraction: 0.5 } });
});
afterAll(() => sim.close());

const seconds = (row: AuditLogRow) => (row.created_at > 1e11 ? row.created_at / 1000 : row.created_at);

async function walk(query: string): Promise<AuditLogRow[]> {
  const rows: AuditLogRow[] = [];
  let after: string | null = null;
  do {
    const reply = await get(sim, `/v3/enterprise/audit-logs?first=7&${query}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
    expect(reply.status, reply.text).toBe(200);
    const body = reply.json as { items: AuditLogRow[]; end_cursor: string | null; has_next_page: boolean };
    rows.push(...body.items);
    after = body.has_next_page ? body.end_cursor : null;
  } while (after !== null);
  return rows;
}

describe('the simulated audit log', () => {
  it('is the same for the same seed, whatever the clock and history length, and holds both timestamp units', async () => {
    const again = await startSimulator({ members: 3, days: 30, now: () => NOW, auditLogs: { perDay: 4, millisecondsFraction: 0.5 } });
    try {
      expect(again.data.auditLogs.rows()).toEqual(sim.data.auditLogs.rows());
    } finally {
      await again.close();
    }
    // A longer history on a later clock serves the same entries for the same moments.
    const later = await startSimulator({ members: 3, days: 90, now: () => NOW + 7 * 86_400_000, auditLogs: { perDay: 4, millisecondsFraction: 0.5 } });
    try {
      const range = { start: NOW / 1000 - 20 * 86_400, end: NOW / 1000 };
      expect(later.data.auditLogs.truth(range)).toEqual(sim.data.auditLogs.truth(range));
      expect(later.data.auditLogs.rows().length).toBeGreaterThan(sim.data.auditLogs.rows().length * 3);
    } finally {
      await later.close();
    }
    const rows = sim.data.auditLogs.rows();
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((row) => seconds(row) >= dayStartSeconds(sim.data.firstDay()))).toBe(true);
    expect(rows.some((row) => row.created_at > 1e11)).toBe(true);
    expect(rows.some((row) => row.created_at < 1e11)).toBe(true);
    expect(rows.every((row) => seconds(row) * 1000 <= NOW)).toBe(true);
  });

  it('pages oldest first with order=asc and newest first by default, through every entry once', async () => {
    const asc = await walk('order=asc');
    const all = sim.data.auditLogs.rows();
    expect(asc).toEqual(all);
    expect(await walk('')).toEqual([...all].reverse());
    expect(await walk('order=desc')).toEqual([...all].reverse());
  });

  it('filters [time_after, time_before) on the moment, whichever unit created_at is in', async () => {
    const rows = sim.data.auditLogs.rows();
    const pick = rows.find((row) => row.created_at > 1e11 && row.created_at % 1000 !== 0) as AuditLogRow;
    const at = Math.floor(pick.created_at / 1000);
    // The entry happened inside second `at`: in [at, at+1), not in [at-10, at).
    expect((await walk(`order=asc&time_after=${at}&time_before=${at + 1}`)).map((r) => r.audit_log_id)).toContain(pick.audit_log_id);
    expect((await walk(`order=asc&time_after=${at - 10}&time_before=${at}`)).map((r) => r.audit_log_id)).not.toContain(pick.audit_log_id);
    const start = seconds(rows[10] as AuditLogRow);
    const end = seconds(rows[40] as AuditLogRow);
    const inside = rows.filter((row) => seconds(row) >= Math.floor(start) && seconds(row) < Math.floor(end));
    expect(await walk(`order=asc&time_after=${Math.floor(start)}&time_before=${Math.floor(end)}`)).toEqual(inside);
  });

  it('refuses a span over 100 days, time_before alone, a bad order and a garbled cursor', async () => {
    const t = Math.floor(NOW / 1000) - 200 * 86_400;
    expect((await get(sim, `/v3/enterprise/audit-logs?time_after=${t}&time_before=${t + MAX_AUDIT_SPAN_SECONDS}`)).status).toBe(200);
    expect((await get(sim, `/v3/enterprise/audit-logs?time_after=${t}&time_before=${t + MAX_AUDIT_SPAN_SECONDS + 1}`)).status).toBe(422);
    expect((await get(sim, `/v3/enterprise/audit-logs?time_before=${t}`)).status).toBe(422);
    expect((await get(sim, '/v3/enterprise/audit-logs?order=sideways')).status).toBe(422);
    expect((await get(sim, '/v3/enterprise/audit-logs?after=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('ignores the time filters in the filter-ignoring mode', async () => {
    sim.data.auditLogs.ignoreTimeFilters = true;
    try {
      expect(await walk('order=asc&time_after=0&time_before=1')).toEqual(sim.data.auditLogs.rows());
    } finally {
      sim.data.auditLogs.ignoreTimeFilters = false;
    }
    expect(await walk('order=asc&time_after=0&time_before=1')).toEqual([]);
  });

  it('answers 403 naming ManageEnterpriseSettings to a key without the audit permission, and to an organization key', async () => {
    for (const key of [KEY_ENT_NO_AUDIT, KEY_ORG]) {
      const reply = await get(sim, '/v3/enterprise/audit-logs', key);
      expect(reply.status).toBe(403);
      if (key === KEY_ENT_NO_AUDIT) expect(reply.text).toContain('ManageEnterpriseSettings');
    }
  });
});
