/**
 * Schema drift, row by row: what the defensive typing of API rows (src/streams/normalize.ts) makes
 * of values of the wrong type. Readable values are read as meant; the rest become null and are
 * listed as field changes (Airbyte `meta.changes`); rows that cannot be keyed are skipped and
 * counted. Never a crash, never a record that breaks its schema.
 */
import { describe, expect, it } from 'vitest';
import { dayStartSeconds, parseDay } from '../../src/devin/billing-day.js';
import { consumptionRecords } from '../../src/streams/daily-consumption.js';
import { RowTyper, billingDayOfRowDate } from '../../src/streams/normalize.js';
import { memberFromItem } from '../../src/streams/members.js';
import { prRecord } from '../../src/streams/pr-metrics.js';
import type { PlanContext } from '../../src/streams/types.js';
import { assertRecordMatchesSchema } from '../helpers/protocol.js';

const DAY = parseDay('2025-12-05') as number;
const NULLED = (field: string) => ({ field, change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' });

function context(): PlanContext & { skipped: string[] } {
  const skipped: string[] = [];
  return { scope: { kind: 'enterprise' }, orgId: null, today: 0, skipRow: (reason) => skipped.push(reason), skipped };
}

describe('RowTyper', () => {
  it('numbers: finite numbers and numeric strings are read; anything else is nulled and recorded', () => {
    const typer = new RowTyper();
    expect(typer.number(1.25, 'a')).toBe(1.25);
    expect(typer.number(' 12.5 ', 'b')).toBe(12.5);
    expect(typer.number('-3e2', 'c')).toBe(-300);
    expect(typer.number(null, 'd')).toBeNull();
    expect(typer.number(undefined, 'e')).toBeNull();
    expect(typer.changes).toBeUndefined();
    for (const [value, field] of [['1,5', 'f'], ['NaN', 'g'], [true, 'h'], [{}, 'i'], ['1e400', 'j'], [Number.POSITIVE_INFINITY, 'k'], ['', 'l']] as const) {
      expect(typer.number(value, field), JSON.stringify(value)).toBeNull();
    }
    expect(typer.changes).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'l'].map(NULLED));
  });

  it('integers: a fraction is not a count', () => {
    const typer = new RowTyper();
    expect(typer.integer('7', 'a')).toBe(7);
    expect(typer.integer(7.5, 'b')).toBeNull();
    expect(typer.changes).toEqual([NULLED('b')]);
  });

  it('strings, arrays and objects: the wrong kind is nulled, absence is null without a change', () => {
    const typer = new RowTyper();
    expect(typer.string('x', 'a')).toBe('x');
    expect(typer.string(5, 'b')).toBeNull();
    expect(typer.array([1], 'c')).toEqual([1]);
    expect(typer.array({ 0: 1 }, 'd')).toBeNull();
    expect(typer.object({ a: 1 }, 'e')).toEqual({ a: 1 });
    expect(typer.object([1], 'f')).toBeNull();
    expect(typer.object(undefined, 'g')).toBeNull();
    expect(typer.changes).toEqual(['b', 'd', 'f'].map(NULLED));
  });
});

describe('billingDayOfRowDate', () => {
  it('reads the documented Unix seconds and the drifted forms of the same instant', () => {
    const seconds = dayStartSeconds(DAY); // 1764921600
    for (const value of [seconds, seconds + 3_600, seconds * 1_000, String(seconds), '2025-12-05', '2025-12-05T08:00:00.000Z', '2025-12-06T07:59:59Z']) {
      expect(billingDayOfRowDate(value), JSON.stringify(value)).toBe(DAY);
    }
    expect(billingDayOfRowDate(seconds - 1)).toBe(DAY - 1); // 07:59:59Z belongs to the day before
  });

  it('is undefined for what is not a date', () => {
    for (const value of [null, undefined, 'yesterday', '', {}, [], Number.NaN, true]) {
      expect(billingDayOfRowDate(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('consumption rows with the wrong types', () => {
  const member = { user_id: 'email|drift', email: 'drift@example.com' };
  const range = { from: DAY, to: DAY + 2 };

  it('reads strings as numbers, nulls the unreadable, skips rows without a usable date or outside the window', () => {
    const ctx = context();
    const body = {
      total_acus: '12.5',
      consumption_by_date: [
        { date: new Date(dayStartSeconds(DAY) * 1_000).toISOString(), acus: '10.5', acus_by_product: { devin: '10', cascade: 0.5, terminal: null } },
        { date: dayStartSeconds(DAY + 1), acus: 'lots', acus_by_product: 'n/a' },
        { date: 'someday', acus: 1 },
        { date: dayStartSeconds(DAY + 9), acus: 1 },
        { date: dayStartSeconds(DAY + 1), acus: 2 },
        'not a row',
      ],
    };
    const records = consumptionRecords(body, member, range, ctx);
    expect(records.map((r) => r.data)).toEqual([
      {
        user_id: 'email|drift',
        email: 'drift@example.com',
        date: '2025-12-05',
        acus: 10.5,
        acus_by_product: { devin: 10, cascade: 0.5, terminal: null, review: null },
        org_id: null,
        is_partial_day: false,
      },
      { user_id: 'email|drift', email: 'drift@example.com', date: '2025-12-06', acus: null, acus_by_product: null, org_id: null, is_partial_day: false },
    ]);
    expect(records[0]?.changes).toBeUndefined();
    expect(records[1]?.changes).toEqual([NULLED('acus_by_product'), NULLED('acus')]);
    expect(ctx.skipped.sort()).toEqual([
      'a consumption row dated outside the requested window',
      'a consumption row without a usable date',
      'a consumption row without a usable date',
      'a second consumption row for the same billing day',
    ]);
    for (const record of records) assertRecordMatchesSchema('daily_consumption', record.data);
  });

  it('a body without consumption_by_date is an error, not "no usage"', () => {
    expect(() => consumptionRecords({ total_acus: 0 }, member, range, context())).toThrow(/without a consumption_by_date array/);
    expect(() => consumptionRecords([], member, range, context())).toThrow(/an array/);
  });
});

describe('PR metrics with the wrong types', () => {
  it('counts sent as strings are read; unreadable ones are nulled and recorded', () => {
    const body = {
      prs_created_count: '3',
      prs_opened_count: 2,
      prs_merged_count: '1.5',
      prs_closed_count: 'null',
      prs_taken_over_count: '0',
    };
    const record = prRecord(body, DAY, null, context());
    expect(record.data).toEqual({
      date: '2025-12-05',
      user_id: null,
      org_id: null,
      prs_created_count: 3,
      prs_opened_count: 2,
      prs_merged_count: null,
      prs_closed_count: null,
      prs_taken_over_count: 0,
      prs_taken_over_opened_count: null,
      prs_taken_over_merged_count: null,
      prs_taken_over_closed_count: null,
      is_partial_day: false,
    });
    expect(record.changes).toEqual([NULLED('prs_merged_count'), NULLED('prs_closed_count')]);
    assertRecordMatchesSchema('pr_metrics', record.data);
  });

  it('a body that is not an object is an error', () => {
    expect(() => prRecord([1, 2], DAY, null, context())).toThrow(/an array, not an object/);
    expect(() => prRecord('3', DAY, null, context())).toThrow(/string, not an object/);
  });
});

describe('member role assignments with the wrong types', () => {
  const role = { role_id: 'account_member', role_name: 'Enterprise Member', role_type: 'enterprise' };
  it('entries that are not objects are dropped; the others are kept as sent', () => {
    const sent = [{ org_id: null, role }, 'admin', null, 7, { org_id: 'org-a', role }];
    const record = memberFromItem({ user_id: 'u1', email: 'a@example.com', name: 'A', role_assignments: sent }, 'direct', context());
    expect(record?.data.role_assignments).toEqual([{ org_id: null, role }, { org_id: 'org-a', role }]);
    expect(record?.changes).toBeUndefined();
    assertRecordMatchesSchema('members', record?.data ?? {});
  });

  it('a list of objects only is the list as sent, and an IdP list the same', () => {
    const sent = [{ org_id: null, role }, { org_id: 'org-a', role }];
    const direct = memberFromItem({ user_id: 'u1', email: null, name: null, role_assignments: sent }, 'direct', context());
    expect(direct?.data.role_assignments).toEqual(sent);
    const idp = memberFromItem({ user_id: 'u1', idp_role_assignments: [{ idp_group_name: 'devin-all-users', org_id: null, role }, 'x'] }, 'idp', context());
    expect(idp?.data.idp_role_assignments).toEqual([{ idp_group_name: 'devin-all-users', org_id: null, role }]);
    expect(idp?.data.role_assignments).toEqual([]);
  });
});
