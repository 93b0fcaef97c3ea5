/**
 * Sums of consumption rows in whole cents, so that a scope's total equals the sum of its members'
 * and service users' rows exactly (float sums would drift in the last digit).
 */
import { dayStartSeconds } from '../devin/billing-day.js';
import { toCents } from './day-range.js';
import type { ConsumptionRow, ConsumptionValue } from './member-types.js';

/** Summed consumption of many users on one day, in cents (null review = no user had a review figure). */
export interface CentsRow {
  acus: number;
  devin: number;
  cascade: number;
  terminal: number;
  review: number | null;
}

/** The sum of the cells that exist (null when none does). */
export function sumInCents(cells: Iterable<ConsumptionValue | null>): CentsRow | null {
  let sum: CentsRow | null = null;
  for (const cell of cells) {
    if (cell === null) continue;
    sum ??= { acus: 0, devin: 0, cascade: 0, terminal: 0, review: null };
    sum.acus += toCents(cell.acus);
    sum.devin += toCents(cell.acus_by_product.devin);
    sum.cascade += toCents(cell.acus_by_product.cascade);
    sum.terminal += toCents(cell.acus_by_product.terminal);
    if (cell.acus_by_product.review !== null) sum.review = (sum.review ?? 0) + toCents(cell.acus_by_product.review);
  }
  return sum;
}

/** The API row of one billing day's sum. */
export function rowOfCents(day: number, sum: CentsRow): ConsumptionRow {
  return {
    date: dayStartSeconds(day),
    acus: sum.acus / 100,
    acus_by_product: {
      devin: sum.devin / 100,
      cascade: sum.cascade / 100,
      terminal: sum.terminal / 100,
      review: sum.review === null ? null : sum.review / 100,
    },
  };
}
