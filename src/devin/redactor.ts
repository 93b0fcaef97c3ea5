/**
 * The one redactor of a process: it removes the API key (and any other secret of the config) from
 * text before it leaves the process. The front doors create it, register the key as soon as the
 * config is read, and hand it to the HTTP client (which cleans what the server sends back before
 * it cuts it short) and to the writers (which clean every message they print).
 *
 * A server can hand the key back in many shapes, so a secret is matched in all of them, and in any
 * mix of them:
 * - as is, and in any case (URL parsing lower-cases a host name);
 * - percent-encoded, character by character, with upper- or lower-case hex (`%63%6F…`, `%63%6f…`,
 *   encodeURIComponent's partial form), even encoded twice (`%2563…`);
 * - cut by whitespace anywhere inside (an echo wrapped over lines), by percent-encoded whitespace
 *   (`%20`, `%0A`) or by JSON's `\n`.
 * All secrets are compiled into one regular expression, rebuilt only when one is added. It runs on
 * every log and metric line (one metric per HTTP attempt), so a cheap test skips it for text that
 * cannot hold a secret; RECORD lines never go through it (records never hold the key).
 */

const MASK = '****';
/** Very short values would mangle ordinary words and cannot be real credentials. */
const MIN_SECRET_LENGTH = 4;
/** `%`, then any number of `25` (the `%` itself encoded again). */
const PERCENT = '%(?:25)*';
/** What may cut a secret in two: whitespace, percent-encoded whitespace, a JSON escape. */
const CUT = String.raw`(?:\s|${PERCENT}(?:20|09|0a|0d)|\\[nrt])*`;
/** ASCII letters and digits, the rarest in log lines, JSON and URL paths first (see `anchorOf`). */
const RAREST_FIRST = 'zjxqkvwybfgpmhucldrsniaote9876543210';

export class Redactor {
  private readonly secrets: string[] = [];
  private pattern: RegExp | undefined;
  /** No form of a secret is shorter than the secret itself: shorter text cannot hold one. */
  private shortest = Infinity;
  /** Per secret, its rarest character in both cases (undefined: it has none to test for). */
  private anchors: Array<readonly [string, string] | undefined> = [];

  add(secret: string | undefined): void {
    const trimmed = secret?.trim();
    if (!trimmed || trimmed.length < MIN_SECRET_LENGTH || this.secrets.includes(trimmed)) return;
    this.secrets.push(trimmed);
    // Longest first: a key that extends another (cog_x_beta, cog_x) is masked whole.
    this.secrets.sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(this.secrets.map(secretPattern).join('|'), 'gi');
    this.shortest = Math.min(this.shortest, trimmed.replace(/\s+/g, '').length);
    this.anchors = this.secrets.map(anchorOf);
  }

  redact(text: string): string {
    if (this.pattern === undefined || text.length < this.shortest || !this.mayHold(text)) return text;
    // replace() with a /g pattern starts at 0 and leaves lastIndex at 0: safe to share.
    return text.replace(this.pattern, MASK);
  }

  /**
   * Every form of a secret holds each of its characters, in one case or the other, unless that
   * character is percent-encoded: text with no `%` that lacks a secret's rarest character cannot
   * hold that secret. A few substring searches instead of the full pattern, on most lines.
   */
  private mayHold(text: string): boolean {
    if (text.includes('%')) return true;
    for (const anchor of this.anchors) {
      if (anchor === undefined || text.includes(anchor[0]) || text.includes(anchor[1])) return true;
    }
    return false;
  }
}

/** The secret's rarest ASCII letter or digit, lower- and upper-case. */
function anchorOf(secret: string): readonly [string, string] | undefined {
  const lower = secret.toLowerCase();
  for (const character of RAREST_FIRST) if (lower.includes(character)) return [character, character.toUpperCase()];
  return undefined;
}

/** The secret's characters, any of them cut from the next (whitespace inside it is just a cut). */
function secretPattern(secret: string): string {
  return Array.from(secret.replace(/\s+/g, ''), characterPattern).join(CUT);
}

/**
 * One character: itself (case-folded by the `i` flag), or its UTF-8 bytes percent-encoded; an
 * ASCII letter also as the other case's byte (a key upper- or lower-cased, then encoded).
 */
function characterPattern(character: string): string {
  const literal = character.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const cases = /^[a-z]$/i.test(character) ? [character.toLowerCase(), character.toUpperCase()] : [character];
  const encoded = cases.map((form) =>
    Array.from(new TextEncoder().encode(form), (byte) => `${PERCENT}${byte.toString(16).padStart(2, '0')}`).join(''),
  );
  return `(?:${[literal, ...encoded].join('|')})`;
}
