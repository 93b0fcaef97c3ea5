/**
 * Airbyte protocol messages (protocol v0, see test/reference/airbyte_protocol.yaml). Everything an
 * Airbyte command prints goes through here, one AirbyteMessage per line.
 */
import type { ConnectorError } from '../devin/errors.js';
import type { Redactor } from '../devin/redactor.js';
import type { LogLevel, ReadOutput, StreamStatus, StreamStatusDetail } from '../engine/output.js';
import type { StreamState } from '../engine/state.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { StreamName } from '../streams/types.js';
import type { LineWriter } from './line-writer.js';

export interface TraceErrorInput {
  message: string;
  failureType: ConnectorError['failureType'];
  internalMessage?: string | undefined;
  stackTrace?: string | undefined;
  stream?: string | undefined;
}

export class AirbyteWriter {
  constructor(
    readonly lines: LineWriter,
    private readonly redactor: Redactor,
    private readonly now: () => number = Date.now,
  ) {}

  spec(spec: unknown): void {
    this.lines.write({ type: 'SPEC', spec });
  }

  catalog(catalog: unknown): void {
    this.lines.write({ type: 'CATALOG', catalog });
  }

  connectionStatus(status: 'SUCCEEDED' | 'FAILED', message?: string): void {
    const connectionStatus = message === undefined ? { status } : { status, message: this.redactor.redact(message) };
    this.lines.write({ type: 'CONNECTION_STATUS', connectionStatus });
  }

  log(level: LogLevel | 'FATAL', message: string, stackTrace?: string): void {
    const log: Record<string, string> = { level, message: this.redactor.redact(message) };
    if (stackTrace) log.stack_trace = this.redactor.redact(stackTrace);
    this.lines.write({ type: 'LOG', log });
  }

  traceError(input: TraceErrorInput): void {
    const error: Record<string, unknown> = {
      message: this.redactor.redact(input.message),
      failure_type: input.failureType,
    };
    if (input.internalMessage) error.internal_message = this.redactor.redact(input.internalMessage);
    if (input.stackTrace) error.stack_trace = this.redactor.redact(input.stackTrace);
    if (input.stream) error.stream_descriptor = { name: input.stream };
    this.lines.write({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: this.now(), error } });
  }

  /** The engine-facing side of `read`. */
  readOutput(): ReadOutput {
    return new AirbyteReadOutput(this, this.now);
  }
}

class AirbyteReadOutput implements ReadOutput {
  /** Records per stream since that stream's last STATE (sourceStats.recordCount). */
  private readonly sinceState = new Map<string, number>();

  constructor(
    private readonly writer: AirbyteWriter,
    private readonly now: () => number,
  ) {}

  streamStatus(stream: StreamName, status: StreamStatus, detail?: StreamStatusDetail): void {
    const streamStatus: Record<string, unknown> = { stream_descriptor: { name: stream }, status };
    if (detail?.rateLimited) {
      const { quotaReset } = detail.rateLimited;
      // quota_reset is an integer (epoch ms) in the protocol.
      const rateLimited = quotaReset === undefined ? {} : { quota_reset: Math.round(quotaReset) };
      streamStatus.reasons = [{ type: 'RATE_LIMITED', rate_limited: rateLimited }];
    }
    this.writer.lines.write({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: this.now(), stream_status: streamStatus } });
  }

  estimate(stream: StreamName, rows: number): void {
    this.writer.lines.write({
      type: 'TRACE',
      trace: { type: 'ESTIMATE', emitted_at: this.now(), estimate: { name: stream, type: 'STREAM', row_estimate: rows } },
    });
  }

  record(stream: StreamName, record: NormalizedRecord): Promise<void> | undefined {
    return this.records(stream, [record]);
  }

  /** The records of one API answer, in pieces (LineWriter.writeLines); they share one `emitted_at`. */
  records(stream: StreamName, records: readonly NormalizedRecord[]): Promise<void> | undefined {
    this.sinceState.set(stream, (this.sinceState.get(stream) ?? 0) + records.length);
    // Built by hand: this is the hot path, and the envelope is fixed.
    const head = `{"type":"RECORD","record":{"stream":"${stream}","data":`;
    const emittedAt = `,"emitted_at":${this.now()}`;
    return this.writer.lines.writeLines(records.length, (i) => {
      const record = records[i] as NormalizedRecord;
      const meta = record.changes ? `,"meta":${JSON.stringify({ changes: record.changes })}` : '';
      return `${head}${record.json ?? JSON.stringify(record.data)}${emittedAt}${meta}}}\n`;
    });
  }

  checkpoint(stream: StreamName, state: StreamState): Promise<void> | undefined {
    const count = this.sinceState.get(stream) ?? 0;
    this.sinceState.set(stream, 0);
    const payload = JSON.stringify({ stream_descriptor: { name: stream }, stream_state: state });
    // recordCount is a double in the protocol, "with a decimal point for proper serialization".
    return this.writer.lines.writeText(
      `{"type":"STATE","state":{"type":"STREAM","stream":${payload},"sourceStats":{"recordCount":${count}.0}}}\n`,
    );
  }

  streamError(stream: StreamName, error: ConnectorError): void {
    this.writer.traceError({
      message: `${stream}: ${error.message}`,
      failureType: error.failureType,
      internalMessage: error.internal,
      stream,
    });
  }

  log(level: LogLevel, message: string): void {
    this.writer.log(level, message);
  }
}
