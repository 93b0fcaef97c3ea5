/**
 * One member's consumption and PR counts per billing day: derived from (seed, member index, day)
 * unless a test stored an override. Only overrides are kept; the days that have any are listed so
 * that reads of sparse ranges still visit them.
 */
import { completePrCounts, generatedConsumption, generatedPrCounts } from './usage-generator.js';
import type { ConsumptionValue, PrCounts, SimulatedMember } from './member-types.js';

export class UsageCells {
  readonly #consumption = new Map<string, Map<number, ConsumptionValue | null>>();
  readonly #prs = new Map<string, Map<number, PrCounts>>();
  /** Every day with a consumption override (of any member). */
  readonly consumptionOverrideDays = new Set<number>();
  /** Every day with a PR-count override (of any member). */
  readonly prOverrideDays = new Set<number>();

  constructor(
    private readonly seed: number,
    /** Whether a day is in the simulated history (first day … today). */
    private readonly inHistory: (day: number) => boolean,
  ) {}

  consumption(member: SimulatedMember, day: number): ConsumptionValue | null {
    const overrides = this.#consumption.get(member.user_id);
    if (overrides?.has(day)) return overrides.get(day) ?? null;
    if (!member.consumes || !this.inHistory(day)) return null;
    return generatedConsumption(this.seed, member.index, day);
  }

  prCounts(member: SimulatedMember, day: number): Readonly<PrCounts> | null {
    const override = this.#prs.get(member.user_id)?.get(day);
    if (override !== undefined) return override;
    if (!member.consumes || !this.inHistory(day)) return null;
    return generatedPrCounts(this.seed, member.index, day);
  }

  /** The days with a consumption override for this member. */
  consumptionOverrideDaysOf(userId: string): Iterable<number> {
    return this.#consumption.get(userId)?.keys() ?? [];
  }

  setConsumption(userId: string, day: number, row: ConsumptionValue | null): void {
    overridesOf(this.#consumption, userId).set(day, row === null ? null : { acus: row.acus, acus_by_product: { ...row.acus_by_product } });
    this.consumptionOverrideDays.add(day);
  }

  setPrCounts(userId: string, day: number, counts: Partial<PrCounts>): void {
    overridesOf(this.#prs, userId).set(day, completePrCounts(counts));
    this.prOverrideDays.add(day);
  }
}

function overridesOf<T>(all: Map<string, Map<number, T>>, userId: string): Map<number, T> {
  let overrides = all.get(userId);
  if (overrides === undefined) {
    overrides = new Map();
    all.set(userId, overrides);
  }
  return overrides;
}
