/**
 * How many billing days one request may span, per endpoint, for one read. Starts at `window_days`;
 * when an endpoint rejects a window as too long (400/422), that endpoint — and only that one — asks
 * for half as many days for the rest of the read (SPEC §3 window_days).
 */
import type { EndpointName } from '../devin/endpoints.js';

export class WindowPolicies {
  private readonly days = new Map<EndpointName, number>();

  constructor(private readonly initialDays: number) {}

  daysFor(endpoint: EndpointName): number {
    return this.days.get(endpoint) ?? this.initialDays;
  }

  /**
   * A `rejected`-day window failed with 400/422. Returns the new span when this shrank it (so the
   * caller says so once), undefined when another request already shrank it further.
   */
  shrink(endpoint: EndpointName, rejected: number): number | undefined {
    if (rejected > this.daysFor(endpoint)) return undefined;
    const next = Math.max(1, Math.floor(rejected / 2));
    this.days.set(endpoint, next);
    return next;
  }
}
