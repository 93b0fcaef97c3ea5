/**
 * Config keys the connector does not know (SPEC §3). They are ignored — Meltano passes extras — but a
 * typo such as `apikey` or `startDate` would otherwise fall back to a default in silence, so each one
 * that does not begin with `_` is named in a warning, with the nearest known key when there is one.
 * Keys only, never values: a value may be the credential. Both front doors use this module, and
 * tap-devin also applies it to `TAP_DEVIN_*` variable names.
 */
import { configSchema } from './schema.js';

/** Keys that once meant something, with what to do instead (whether or not the schema still has them). */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  pr_metrics_granularity: 'select the pr_metrics_by_member stream instead (one row per member and billing day)',
};

/** Every key the config schema knows. */
export function knownConfigKeys(): string[] {
  return Object.keys(configSchema.shape);
}

export interface KeyWarning {
  key: string;
  /** The known key it was probably meant to be. */
  suggestion?: string;
  /** Set for a retired key: what to do instead. */
  retired?: string;
}

/** Suggestions must be close: at most this many edits, after case, `_` and `-` are set aside. */
const MAX_EDITS = 2;

/** The nearest known key, when one differs only in case, `_` and `-`, or is within two edits. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = keyDistance(key, candidate);
    if (distance <= MAX_EDITS && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** The unknown (or retired) keys of a raw config, in the order they appear. `_private` keys are skipped. */
export function unknownKeys(raw: Record<string, unknown>, known: readonly string[] = knownConfigKeys()): KeyWarning[] {
  const warnings: KeyWarning[] = [];
  for (const key of Object.keys(raw)) {
    if (key.startsWith('_')) continue;
    const retired = RETIRED_KEYS[key];
    if (retired !== undefined) {
      warnings.push({ key, retired });
      continue;
    }
    if (known.includes(key)) continue;
    const suggestion = suggestKey(key, known);
    warnings.push({ key, ...(suggestion ? { suggestion } : {}) });
  }
  return warnings;
}

/** One line for a config file's key: `unknown key "apikey" (ignored): did you mean api_key?`. */
export function describeKeyWarning(warning: KeyWarning): string {
  return describeWarning(warning, `key ${quoteKey(warning.key)}`, (key) => key);
}

/**
 * The same line for any name: `typed` is the name as the user wrote it, `name` spells a known key the
 * same way (a config key, a `TAP_DEVIN_*` variable).
 */
export function describeWarning(warning: KeyWarning, typed: string, name: (key: string) => string): string {
  if (warning.retired !== undefined) return `${typed} is retired: ${warning.retired}`;
  const hint = warning.suggestion === undefined ? '' : `: did you mean ${name(warning.suggestion)}?`;
  return `unknown ${typed} (ignored)${hint}`;
}

/**
 * For "<key> is required": which unknown key was probably meant to be it, as a parenthesis to append
 * (`(the config has "apikey": did you mean api_key?)`), or '' when none was.
 */
export function requiredKeyHint(key: string, raw: Record<string, unknown>): string {
  const typo = unknownKeys(raw).find((warning) => warning.suggestion === key);
  return typo ? ` (the config has ${quoteKey(typo.key)}: did you mean ${key}?)` : '';
}

/** A key as it is shown: JSON-quoted, and cut short when it is long (a key may be pasted garbage). */
export function quoteKey(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key);
}

function keyDistance(typed: string, known: string): number {
  const fold = (text: string): string => text.toLowerCase().replace(/[_-]/g, '');
  if (fold(typed) === fold(known)) return 0;
  return Math.min(editDistance(typed.toLowerCase(), known), editDistance(fold(typed), fold(known)));
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
