/**
 * tap-devin's stderr: one line per log entry, `TIMESTAMP LEVEL message` (the singer-python format
 * `LEVEL message`, after an RFC 3339 UTC timestamp, so a log read outside Meltano still says when),
 * and Singer metrics as `TIMESTAMP INFO METRIC: {json}` lines — at `metrics_log_level` (the Meltano
 * SDK's setting, default INFO), so `metrics_log_level: DEBUG` hides them under the default threshold.
 * stdout is for Singer messages only, so nothing here ever touches it. Every line is redacted.
 * The level comes from TAP_DEVIN_LOGLEVEL or LOGLEVEL (debug, info, warning, error), as in the
 * Meltano SDK.
 *
 * Lines below WARNING are gathered and written once per turn of the event loop (or at 64 KB): a read
 * makes a METRIC line per request, and one write per line was most of what a sync cost over a read
 * (BENCHMARKS.md, Singer). A WARNING or worse is written at once, after what was gathered before it;
 * `flush()` writes the rest (tap-devin calls it before it returns).
 */
import type { Writable } from 'node:stream';
import { ENDPOINTS, SELF_PATH } from '../devin/endpoints.js';
import type { Redactor } from '../devin/redactor.js';

export type SingerLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const RANK: Record<SingerLogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

/** Gathered lines are written once they reach this many characters, without waiting for the next turn. */
const FLUSH_AT = 64 * 1024;
/** Distinct (status, endpoint) tags kept; a path no template matches is its own endpoint, so bounded. */
const TIMER_TAGS_KEPT = 1_024;

export interface MetricPoint {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, unknown>;
}

/** The threshold from the environment; unknown values fall back to INFO. */
export function logLevelFromEnv(env: Record<string, string | undefined>): SingerLogLevel {
  const raw = (env.TAP_DEVIN_LOGLEVEL ?? env.LOGLEVEL ?? '').trim().toUpperCase();
  const level = raw === 'WARN' ? 'WARNING' : raw === 'FATAL' ? 'CRITICAL' : raw;
  return level in RANK ? (level as SingerLogLevel) : 'INFO';
}

export class SingerLog {
  /** The level METRIC lines are written at (config `metrics_log_level`, once the config is read). */
  metricsLevel: SingerLogLevel = 'INFO';
  private pending = '';
  private flushScheduled = false;
  /** The last timestamp written and its millisecond: many lines share one. */
  private stampMs = Number.NaN;
  private stamp = '';
  /** `requestTimer`'s tags JSON by status and endpoint template. */
  private readonly timerTags = new Map<string, string>();

  constructor(
    private readonly out: Writable,
    private readonly redactor: Redactor,
    private readonly threshold: SingerLogLevel = 'INFO',
    private readonly now: () => number = Date.now,
  ) {}

  enabled(level: SingerLogLevel): boolean {
    return RANK[level] >= RANK[this.threshold];
  }

  write(level: SingerLogLevel, message: string): void {
    if (!this.enabled(level)) return;
    // One entry, one line: a multi-line message would read as several entries downstream.
    const redacted = this.redactor.redact(message);
    const line = redacted.includes('\n') ? redacted.replace(/\s*\r?\n\s*/g, ' ') : redacted;
    this.pending += `${this.timestamp()} ${level} ${line}\n`;
    if (RANK[level] >= RANK.WARNING || this.pending.length >= FLUSH_AT) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private timestamp(): string {
    const ms = this.now();
    if (ms !== this.stampMs) {
      this.stampMs = ms;
      this.stamp = new Date(ms).toISOString();
    }
    return this.stamp;
  }

  /** Writes every gathered line now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.out.write(text);
  }

  debug(message: string): void {
    this.write('DEBUG', message);
  }

  info(message: string): void {
    this.write('INFO', message);
  }

  warning(message: string): void {
    this.write('WARNING', message);
  }

  error(message: string): void {
    this.write('ERROR', message);
  }

  critical(message: string): void {
    this.write('CRITICAL', message);
  }

  metric(point: MetricPoint): void {
    // Checked first: a read makes one point per request, and most runs hide them.
    if (!this.enabled(this.metricsLevel)) return;
    this.write(this.metricsLevel, `METRIC: ${JSON.stringify(point)}`);
  }

  /**
   * The `http_request_duration` timer of one request: the line `metric` writes for it, put together
   * from the tags' JSON, which few (endpoint, status) pairs share (test/singer/log-batching.test.ts).
   */
  requestTimer(path: string, status: number, durationMs: number): void {
    if (!this.enabled(this.metricsLevel)) return;
    const endpoint = endpointTemplate(path);
    const key = `${status} ${endpoint}`;
    let tags = this.timerTags.get(key);
    if (tags === undefined) {
      tags = JSON.stringify({ endpoint, http_status_code: status, status: status >= 200 && status < 400 ? 'succeeded' : 'failed' });
      if (this.timerTags.size >= TIMER_TAGS_KEPT) this.timerTags.clear();
      this.timerTags.set(key, tags);
    }
    this.write(this.metricsLevel, `METRIC: {"type":"timer","metric":"http_request_duration","value":${JSON.stringify(durationMs / 1000)},"tags":${tags}}`);
  }
}

/**
 * The endpoint a request path belongs to, as its template (`/v3/enterprise/consumption/daily/users/{user_id}`),
 * so metric tags name endpoints rather than individual users. A `{placeholder}` is one whole, non-empty
 * segment; the first template that fits wins. Compared segment by segment, among the templates with as many
 * segments as the path: it runs once per request.
 */
export function endpointTemplate(path: string): string {
  const segments = path.split('/');
  for (const { template, parts } of TEMPLATES_BY_LENGTH.get(segments.length) ?? []) {
    if (parts.every((part, i) => (part === undefined ? segments[i] !== '' : part === segments[i]))) return template;
  }
  return path;
}

/** Each template's segments, `undefined` for a placeholder, grouped by segment count (in template order). */
const TEMPLATES_BY_LENGTH = new Map<number, Array<{ template: string; parts: Array<string | undefined> }>>();
for (const template of [
  SELF_PATH,
  ...Object.values(ENDPOINTS).flatMap((byName) => Object.values(byName as Record<string, { template: string }>).map((info) => info.template)),
]) {
  const parts = template.split('/').map((part) => (/^\{[a-z_]+\}$/.test(part) ? undefined : part));
  const group = TEMPLATES_BY_LENGTH.get(parts.length) ?? [];
  group.push({ template, parts });
  TEMPLATES_BY_LENGTH.set(parts.length, group);
}
