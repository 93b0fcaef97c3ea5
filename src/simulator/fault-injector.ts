/**
 * Chooses which fault rule (if any) answers a request. Rules are tried in order; the first that
 * matches the path, applies to this kind of response and has budget left wins. Counters are per
 * rule; the probability PRNG is seeded so a run is reproducible.
 */
import { createRandom } from './hash.js';
import { REDIRECT_PREFIX } from './routes.js';
import type { ApiResponse } from './api-response.js';
import type { FaultKind, FaultRule } from './types.js';

interface RuleCounter {
  /** Matching requests seen (including those skipped by `after`). */
  seen: number;
  /** Requests this rule answered. */
  hits: number;
}

const LIST_ONLY: ReadonlySet<FaultKind> = new Set(['no-items', 'null-cursor-has-next', 'repeat-cursor']);
/** Body rewrites only make sense where the request would have succeeded. */
const SUCCESS_ONLY: ReadonlySet<FaultKind> = new Set(['malformed', 'truncated', 'wrong-types']);

function pathMatches(rule: FaultRule, path: string): boolean {
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === path;
  rule.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
  return rule.path.test(path);
}

function appliesTo(rule: FaultRule, path: string, response: ApiResponse): boolean {
  // Every cursor-paginated listing carries page info (members, sessions, session messages).
  if (LIST_ONLY.has(rule.kind)) return response.status === 200 && response.page !== undefined;
  if (rule.kind === 'wrong-types') {
    return response.status === 200 && response.endpoint !== undefined && response.endpoint !== 'self';
  }
  if (SUCCESS_ONLY.has(rule.kind)) return response.status === 200;
  if (rule.kind === 'redirect-same-host') return !path.startsWith(`/${REDIRECT_PREFIX}/`);
  return true;
}

export class FaultInjector {
  readonly #seed: number;
  #rules: FaultRule[] = [];
  #counters: RuleCounter[] = [];
  #random: () => number;

  constructor(seed: number, rules: FaultRule[]) {
    this.#seed = seed;
    this.#random = createRandom(seed);
    this.setRules(rules);
  }

  setRules(rules: FaultRule[]): void {
    this.#rules = rules.slice();
    this.#counters = rules.map(() => ({ seen: 0, hits: 0 }));
    this.#random = createRandom(this.#seed);
  }

  /** The rule that answers this request, if any (and counts it). */
  pick(path: string, response: ApiResponse): FaultRule | undefined {
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i]!;
      const counter = this.#counters[i]!;
      if (counter.hits >= (rule.times ?? Infinity)) continue;
      if (!pathMatches(rule, path) || !appliesTo(rule, path, response)) continue;
      counter.seen++;
      if (counter.seen <= (rule.after ?? 0)) continue;
      if (rule.probability !== undefined && rule.probability < 1 && this.#random() >= rule.probability) continue;
      counter.hits++;
      return rule;
    }
    return undefined;
  }
}
