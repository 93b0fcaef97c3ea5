/**
 * Rows of a `ConsumptionResponse` (`consumption_by_date`) as plain records, for the consumption
 * streams beyond members: the fields that say whose ACUs they are come first, then the day's.
 * Same guards as daily_consumption: rows outside the requested window or repeated are skipped.
 */
import { ResponseShapeError } from '../devin/errors.js';
import { RowTyper, billingDayOfRowDate, dayLabel, isRecord, type NormalizedRecord } from './normalize.js';
import type { DayRange, PlanContext } from './types.js';

export interface ConsumptionOwner {
  /** Fields written before `date` (service_user_id, …). */
  head: Readonly<Record<string, unknown>>;
  /** `org_id` of the rows. */
  orgId: string | null;
  /** "an organization" — for the shape error. */
  label: string;
}

/** One usable row of a `consumption_by_date` array, typed (a value of the wrong type is nulled and recorded). */
export interface TypedConsumptionRow {
  day: number;
  acus: number | null;
  byProduct: { devin: number | null; cascade: number | null; terminal: number | null; review: number | null } | null;
  changes: RowTyper['changes'];
}

/**
 * The rows every consumption stream can key: a usable date, inside the window asked for (never trust
 * the API's bound semantics: a row outside it belongs to a neighbouring window and would be a duplicate
 * key there), once per billing day. The others are skipped and counted (ctx.skipRow).
 */
export function typedConsumptionRows(rows: readonly unknown[], range: DayRange, ctx: PlanContext): TypedConsumptionRow[] {
  const out: TypedConsumptionRow[] = [];
  const seen = new Set<number>();
  for (const row of rows) {
    const day = isRecord(row) ? billingDayOfRowDate(row.date) : undefined;
    if (!isRecord(row) || day === undefined) {
      ctx.skipRow('a consumption row without a usable date');
      continue;
    }
    if (day < range.from || day > range.to) {
      ctx.skipRow('a consumption row dated outside the requested window');
      continue;
    }
    if (seen.has(day)) {
      ctx.skipRow('a second consumption row for the same billing day');
      continue;
    }
    seen.add(day);
    const typer = new RowTyper();
    const products = typer.object(row.acus_by_product, 'acus_by_product');
    const acus = typer.number(row.acus, 'acus');
    const byProduct = products && {
      devin: typer.number(products.devin, 'acus_by_product.devin'),
      cascade: typer.number(products.cascade, 'acus_by_product.cascade'),
      terminal: typer.number(products.terminal, 'acus_by_product.terminal'),
      review: typer.number(products.review, 'acus_by_product.review'),
    };
    out.push({ day, acus, byProduct, changes: typer.changes });
  }
  return out;
}

export function consumptionRowRecords(body: unknown, owner: ConsumptionOwner, range: DayRange, ctx: PlanContext): NormalizedRecord[] {
  const rows = isRecord(body) ? body.consumption_by_date : undefined;
  if (!Array.isArray(rows)) {
    throw new ResponseShapeError(`consumption for ${owner.label} came back without a consumption_by_date array`);
  }
  return typedConsumptionRows(rows, range, ctx).map(({ day, acus, byProduct, changes }) => {
    // Object.assign, then plain assignments, not `{ ...owner.head, date, … }`: in Node 20 that
    // spread followed by literal keys costs ≈ 20 µs per record (≈ 1 µs this way); same keys, same order.
    const data: Record<string, unknown> = Object.assign({}, owner.head);
    data.date = dayLabel(day);
    data.acus = acus;
    data.acus_by_product = byProduct;
    data.org_id = owner.orgId;
    data.is_partial_day = day === ctx.today;
    return changes ? { data, changes } : { data };
  });
}
