/**
 * The secret-leak guard: every API key a test uses must be absent from everything the connector
 * printed, in any form a reader could turn back into the key: as is or in another case (a URL
 * parser lower-cases host names), percent-encoded (either hex case, fully or partly, even twice),
 * cut in two by whitespace or by JSON's `\n`. A long key (16+ characters) must not show either of
 * its halves either (what a message cut short after the key began would keep). Tests call
 * `assertNoSecrets(run)`; the simulator's keys are listed here once.
 *
 * This decodes the output rather than encoding the key, so it is independent of how the connector
 * redacts, and any mix of the forms above is caught.
 */
import { DEFAULT_KEYS } from '../../src/simulator/index.js';

export const SIMULATOR_KEYS: readonly string[] = Object.keys(DEFAULT_KEYS);

/** Keys long enough that half of one is still a credential nobody prints by chance. */
const HALVES_FROM_LENGTH = 16;

export function assertNoSecrets(output: { stdout: string; stderr: string }, extraSecrets: readonly string[] = []): void {
  const channels = Object.entries({ stdout: output.stdout, stderr: output.stderr }).map(
    ([channel, text]) => [channel, normalised(text)] as const,
  );
  for (const secret of new Set([...SIMULATOR_KEYS, ...extraSecrets])) {
    for (const fragment of fragmentsOf(secret)) {
      for (const [channel, text] of channels) {
        if (text.includes(fragment)) {
          const what = fragment.length < squashed(secret).length ? 'part of the API key' : 'the API key';
          throw new Error(`${what} ${secret.slice(0, 6)}… leaked into ${channel} (in some encoding)`);
        }
      }
    }
  }
}

/** The key itself, and for a long key (not one of the simulator's words-like keys) both halves. */
export function fragmentsOf(secret: string): string[] {
  const whole = squashed(secret);
  if (SIMULATOR_KEYS.includes(secret) || whole.length < HALVES_FROM_LENGTH) return [whole];
  const half = Math.floor(whole.length / 2);
  return [whole, whole.slice(0, half), whole.slice(half)];
}

/** Lower case, no whitespace: how a key is looked for in normalised output. */
function squashed(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/**
 * Output with every ASCII percent-escape decoded (three times over, for `%25`-encoded escapes),
 * JSON's whitespace escapes and all whitespace removed, lower-cased.
 */
export function normalised(text: string): string {
  let decoded = text;
  // Another pass only matters where a `%` was itself encoded (`%25`).
  let again = decoded.includes('%');
  for (let pass = 0; pass < 3 && again; pass += 1) {
    again = false;
    decoded = decoded.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => {
      if (hex === '25') again = true;
      return String.fromCharCode(parseInt(hex, 16));
    });
  }
  return decoded.replace(/\\[nrt]|\s+/g, '').toLowerCase();
}
