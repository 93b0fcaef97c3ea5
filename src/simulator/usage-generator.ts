/**
 * Generated usage of one user on one billing day, a pure function of (seed, user index, day).
 * Amounts are built in integer cents so the products add up to `acus` exactly at 2 decimals.
 */
import { hashInts, unitOf } from './hash.js';
import type { ConsumptionValue, PrCounts } from './types.js';

const SALT = {
  hasRow: 21,
  devin: 22,
  cascade: 23,
  terminal: 24,
  review: 25,
  prActive: 31,
  opened: 32,
  merged: 33,
  closed: 34,
  takenOver: 35,
  takenOverOpened: 36,
  takenOverMerged: 37,
  takenOverClosed: 38,
} as const;

/** Share of (consuming user, day) pairs that have a row. */
const ROW_PROBABILITY = 0.6;
/** Share of (consuming user, day) pairs with any PR activity. */
const PR_ACTIVITY_PROBABILITY = 0.3;

function roll(seed: number, index: number, day: number, salt: number): number {
  return hashInts(seed, index, day, salt);
}

export function generatedConsumption(seed: number, index: number, day: number): ConsumptionValue | null {
  if (unitOf(roll(seed, index, day, SALT.hasRow)) >= ROW_PROBABILITY) return null;
  const devin = 1 + (roll(seed, index, day, SALT.devin) % 2_500);
  const cascadeRoll = roll(seed, index, day, SALT.cascade);
  const cascade = unitOf(cascadeRoll) < 0.5 ? 0 : cascadeRoll % 400;
  const terminalRoll = roll(seed, index, day, SALT.terminal);
  const terminal = unitOf(terminalRoll) < 0.7 ? 0 : terminalRoll % 150;
  const reviewRoll = roll(seed, index, day, SALT.review);
  const reviewUnit = unitOf(reviewRoll);
  const review = reviewUnit < 0.2 ? null : reviewUnit < 0.6 ? 0 : reviewRoll % 300;
  return {
    acus: (devin + cascade + terminal + (review ?? 0)) / 100,
    acus_by_product: {
      devin: devin / 100,
      cascade: cascade / 100,
      terminal: terminal / 100,
      review: review === null ? null : review / 100,
    },
  };
}

export const ZERO_PR_COUNTS: Readonly<PrCounts> = Object.freeze({
  prs_created_count: 0,
  prs_opened_count: 0,
  prs_merged_count: 0,
  prs_closed_count: 0,
  prs_taken_over_count: 0,
  prs_taken_over_opened_count: 0,
  prs_taken_over_merged_count: 0,
  prs_taken_over_closed_count: 0,
});

/** Fills the totals from their parts unless the caller gave them (to allow inconsistent data on purpose). */
export function completePrCounts(counts: Partial<PrCounts>): PrCounts {
  const opened = counts.prs_opened_count ?? 0;
  const merged = counts.prs_merged_count ?? 0;
  const closed = counts.prs_closed_count ?? 0;
  const takenOverOpened = counts.prs_taken_over_opened_count ?? 0;
  const takenOverMerged = counts.prs_taken_over_merged_count ?? 0;
  const takenOverClosed = counts.prs_taken_over_closed_count ?? 0;
  return {
    prs_created_count: counts.prs_created_count ?? opened + merged + closed,
    prs_opened_count: opened,
    prs_merged_count: merged,
    prs_closed_count: closed,
    prs_taken_over_count: counts.prs_taken_over_count ?? takenOverOpened + takenOverMerged + takenOverClosed,
    prs_taken_over_opened_count: takenOverOpened,
    prs_taken_over_merged_count: takenOverMerged,
    prs_taken_over_closed_count: takenOverClosed,
  };
}

/** Mostly zeros; returns null for a day without activity (cheaper than a zero object). */
export function generatedPrCounts(seed: number, index: number, day: number): PrCounts | null {
  if (unitOf(roll(seed, index, day, SALT.prActive)) >= PR_ACTIVITY_PROBABILITY) return null;
  const tookOver = unitOf(roll(seed, index, day, SALT.takenOver)) < 0.15;
  return completePrCounts({
    prs_opened_count: roll(seed, index, day, SALT.opened) % 3,
    prs_merged_count: roll(seed, index, day, SALT.merged) % 3,
    prs_closed_count: roll(seed, index, day, SALT.closed) % 2,
    prs_taken_over_opened_count: tookOver ? roll(seed, index, day, SALT.takenOverOpened) % 2 : 0,
    prs_taken_over_merged_count: tookOver ? 1 + (roll(seed, index, day, SALT.takenOverMerged) % 2) : 0,
    prs_taken_over_closed_count: tookOver ? roll(seed, index, day, SALT.takenOverClosed) % 2 : 0,
  });
}

export function addPrCounts(total: PrCounts, add: Readonly<PrCounts>): void {
  total.prs_created_count += add.prs_created_count;
  total.prs_opened_count += add.prs_opened_count;
  total.prs_merged_count += add.prs_merged_count;
  total.prs_closed_count += add.prs_closed_count;
  total.prs_taken_over_count += add.prs_taken_over_count;
  total.prs_taken_over_opened_count += add.prs_taken_over_opened_count;
  total.prs_taken_over_merged_count += add.prs_taken_over_merged_count;
  total.prs_taken_over_closed_count += add.prs_taken_over_closed_count;
}
