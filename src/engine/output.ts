/**
 * What the engine tells the outside world while it reads. The Airbyte and Singer writers in
 * src/protocol implement it; the engine never knows which protocol is on stdout.
 * Methods that may hit backpressure return a promise only when the reader is behind, so the hot
 * path stays synchronous.
 */
import type { ConnectorError } from '../devin/errors.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { StreamName } from '../streams/types.js';
import type { StreamState } from './state.js';

export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/** Why a RUNNING stream is not moving: it waits on the API's rate limit (`quotaReset`: epoch ms, when known). */
export interface StreamStatusDetail {
  rateLimited?: { quotaReset?: number };
}

export interface ReadOutput {
  streamStatus(stream: StreamName, status: StreamStatus, detail?: StreamStatusDetail): void;
  /** A row-count estimate, when one can be known; sent again, refined, as the read learns more. */
  estimate(stream: StreamName, rows: number): void;
  record(stream: StreamName, record: NormalizedRecord): Promise<void> | void;
  /**
   * The records of one API answer at once, in order: the same as `record` for each, but a writer
   * can build one write for all of them (the hot path of a read). Optional.
   */
  records?(stream: StreamName, records: readonly NormalizedRecord[]): Promise<void> | void;
  /** A checkpoint: every record it covers has already been passed to `record`. */
  checkpoint(stream: StreamName, state: StreamState): Promise<void> | void;
  streamError(stream: StreamName, error: ConnectorError): void;
  log(level: LogLevel, message: string): void;
}
