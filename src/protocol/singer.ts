/**
 * Singer messages (SCHEMA, RECORD, STATE) and the engine-facing side of a Singer sync.
 * - SCHEMA goes out when a stream starts, so it precedes the stream's first RECORD (and a stream with
 *   no records still announces its table);
 * - RECORDs keep only the selected fields and carry `time_extracted`;
 * - every engine checkpoint becomes a STATE carrying the whole `{"bookmarks": …}` value;
 * - logs, stream errors and metrics (`record_count`, `sync_duration`) go to stderr.
 */
import type { ConnectorError } from '../devin/errors.js';
import type { LogLevel, ReadOutput, StreamStatus, StreamStatusDetail } from '../engine/output.js';
import type { StreamState } from '../engine/state.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { JsonSchema, StreamName } from '../streams/types.js';
import type { LineWriter } from './line-writer.js';
import type { SingerLog, SingerLogLevel } from './singer-log.js';
import type { SingerStreamPlan } from './singer-selection.js';
import type { SingerStateTracker } from './singer-state.js';

export class SingerWriter {
  private lastStamp = { ms: Number.NaN, text: '' };

  constructor(
    readonly lines: LineWriter,
    private readonly now: () => number = Date.now,
  ) {}

  schema(stream: string, schema: JsonSchema, keyProperties: string[], bookmarkProperties: string[]): Promise<void> | undefined {
    return this.lines.write({
      type: 'SCHEMA',
      stream,
      schema,
      key_properties: keyProperties,
      bookmark_properties: bookmarkProperties,
    });
  }

  record(stream: string, record: Record<string, unknown>): Promise<void> | undefined {
    return this.records(stream, [JSON.stringify(record)]);
  }

  /**
   * RECORD lines for records already serialised (`JSON.stringify` of each one's kept fields), queued
   * in pieces (LineWriter.writeLines): the hot path of a sync. They share one `time_extracted`, as records extracted in the same
   * millisecond always did.
   */
  records(stream: string, recordJsons: readonly string[]): Promise<void> | undefined {
    // Built by hand: the envelope is fixed.
    const head = `{"type":"RECORD","stream":${JSON.stringify(stream)},"record":`;
    const tail = `,"time_extracted":"${this.timeExtracted()}"}\n`;
    return this.lines.writeLines(recordJsons.length, (i) => `${head}${recordJsons[i] as string}${tail}`);
  }

  state(value: unknown): Promise<void> | undefined {
    return this.lines.write({ type: 'STATE', value });
  }

  /** RFC 3339 in UTC; records extracted in the same millisecond share one string. */
  private timeExtracted(): string {
    const ms = this.now();
    if (ms !== this.lastStamp.ms) this.lastStamp = { ms, text: new Date(ms).toISOString() };
    return this.lastStamp.text;
  }
}

export interface SingerReadOutputOptions {
  writer: SingerWriter;
  log: SingerLog;
  plans: readonly SingerStreamPlan[];
  state: SingerStateTracker;
  now: () => number;
  /** True once the reader of stdout went away: the aborted streams are not worth an ERROR each. */
  outputClosed?: () => boolean;
  /** False for `--test=record`: checkpoints are tracked but no STATE goes out. Default true. */
  writeState?: boolean;
}

const LEVELS: Record<LogLevel, SingerLogLevel> = { ERROR: 'ERROR', WARN: 'WARNING', INFO: 'INFO', DEBUG: 'DEBUG' };

export class SingerReadOutput implements ReadOutput {
  private readonly plans: Map<string, SingerStreamPlan>;
  private readonly counts = new Map<string, number>();
  private readonly nulled = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly options: SingerReadOutputOptions) {
    this.plans = new Map(options.plans.map((plan) => [plan.stream.name, plan]));
  }

  streamStatus(stream: StreamName, status: StreamStatus, detail?: StreamStatusDetail): void {
    const { writer, log, now } = this.options;
    if (detail?.rateLimited) {
      const { quotaReset } = detail.rateLimited;
      log.info(`${stream}: waiting on the API's rate limit${quotaReset === undefined ? '' : ` (the quota resets at ${new Date(quotaReset).toISOString()})`}`);
      return;
    }
    const plan = this.planOf(stream);
    if (status === 'STARTED') {
      this.startedAt.set(stream, now());
      this.counts.set(stream, 0);
      log.info(`Beginning ${plan.replicationMethod === 'INCREMENTAL' ? 'incremental' : 'full_table'} sync of '${stream}'`);
      writer.schema(stream, plan.schema, plan.keyProperties, plan.bookmarkProperties);
      return;
    }
    if (status === 'RUNNING') return;
    const nulled = this.nulled.get(stream);
    if (nulled) log.warning(`${stream}: ${nulled} records had fields of an unexpected type, sent as null`);
    log.metric({ type: 'counter', metric: 'record_count', value: this.counts.get(stream) ?? 0, tags: { stream } });
    log.metric({
      type: 'timer',
      metric: 'sync_duration',
      value: (now() - (this.startedAt.get(stream) ?? now())) / 1000,
      tags: { stream, status: status === 'COMPLETE' ? 'succeeded' : 'failed' },
    });
  }

  estimate(stream: StreamName, rows: number): void {
    this.options.log.debug(`${stream}: about ${rows} records in all (estimated; refined as the sync learns)`);
  }

  record(stream: StreamName, record: NormalizedRecord): Promise<void> | undefined {
    this.counts.set(stream, (this.counts.get(stream) ?? 0) + 1);
    if (record.changes) this.nulled.set(stream, (this.nulled.get(stream) ?? 0) + 1);
    const fields = this.planOf(stream).fields;
    return this.options.writer.record(stream, fields ? pick(record.data, fields) : record.data);
  }

  /**
   * The records of one API answer in one write (what `record` does for each, batched). With nothing
   * deselected, a record's own pre-serialised `json` is used as is.
   */
  records(stream: StreamName, records: readonly NormalizedRecord[]): Promise<void> | undefined {
    const fields = this.planOf(stream).fields;
    const jsons: string[] = new Array<string>(records.length);
    let nulled = 0;
    for (let i = 0; i < records.length; i += 1) {
      const record = records[i] as NormalizedRecord;
      if (record.changes) nulled += 1;
      jsons[i] = fields ? JSON.stringify(pick(record.data, fields)) : (record.json ?? JSON.stringify(record.data));
    }
    this.counts.set(stream, (this.counts.get(stream) ?? 0) + records.length);
    if (nulled > 0) this.nulled.set(stream, (this.nulled.get(stream) ?? 0) + nulled);
    return this.options.writer.records(stream, jsons);
  }

  checkpoint(stream: StreamName, state: StreamState): Promise<void> | undefined {
    this.options.state.update(stream, state);
    if (this.options.writeState === false) return undefined;
    return this.options.writer.state(this.options.state.value());
  }

  streamError(stream: StreamName, error: ConnectorError): void {
    this.options.log.write(this.options.outputClosed?.() ? 'DEBUG' : 'ERROR', `${stream}: ${error.message}`);
    if (error.internal) this.options.log.debug(`${stream}: ${error.internal}`);
  }

  log(level: LogLevel, message: string): void {
    this.options.log.write(LEVELS[level], message);
  }

  private planOf(stream: StreamName): SingerStreamPlan {
    const plan = this.plans.get(stream);
    if (!plan) throw new Error(`stream ${stream} was read but not planned`);
    return plan;
  }
}

function pick(data: Record<string, unknown>, fields: ReadonlySet<string>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(data)) if (fields.has(key)) kept[key] = data[key];
  return kept;
}
