/**
 * Everything one stream's read needs, and the two things every plan does: emit records (honouring
 * backpressure) and emit checkpoints (never the same state twice with nothing in between).
 */
import type { ConnectorConfig } from '../config/resolve.js';
import type { DevinClient, RateLimitedWait, RequestCounter } from '../devin/client.js';
import type { Scope } from '../devin/endpoints.js';
import type { NormalizedRecord } from '../streams/normalize.js';
import type { PlanContext, StreamDeclaration } from '../streams/types.js';
import type { CheckpointPolicy } from './checkpoint.js';
import type { Directories } from './directory.js';
import type { ReadOutput } from './output.js';
import { SkipLog } from './skips.js';
import type { StreamState } from './state.js';
import type { WindowPolicies } from './window-policy.js';

/** What the streams of one read share: the directories (loaded once) and the window policies. */
export interface ReadShared {
  directories: Directories;
  windows: WindowPolicies;
  /** Endpoints already warned about ignoring a time filter (one WARN per endpoint, SPEC §13). */
  warned: Set<string>;
}

export interface StreamRunOptions {
  stream: StreamDeclaration;
  incremental: boolean;
  config: ConnectorConfig;
  scope: Scope;
  client: Pick<DevinClient, 'getJson'>;
  output: ReadOutput;
  shared: ReadShared;
  inputState: StreamState;
  /** The billing day that contains the moment the read started (the signpost's base). */
  today: number;
  /** The moment the read started (epoch ms): timestamp cursors never pass it. */
  readStart: number;
  policy: CheckpointPolicy;
  poolSize: number;
  now: () => number;
  /** Most records this stream may emit; reaching it ends the stream (see RecordLimitReached). */
  recordLimit?: number;
}

/**
 * Thrown by `emit` once the stream reached its record limit: it unwinds the stream's plan at once,
 * so no further request is made and no checkpoint is written past the records emitted, and the read
 * counts the stream as complete.
 */
export class RecordLimitReached extends Error {
  override readonly name = 'RecordLimitReached';
}

/** Most records handed to the output in one call (≈ 100 KB of JSON lines). */
const EMIT_BATCH = 256;

/** At most one RATE_LIMITED status per stream in this long: many requests in flight may all get a 429. */
export const RATE_LIMITED_STATUS_EVERY_MS = 1_000;

export class StreamRun {
  /** This stream's requests; the client reports this stream's 429 waits through it. */
  readonly counter: RequestCounter = { requests: 0, onRateLimited: (wait) => this.rateLimited(wait) };
  readonly skips = new SkipLog();
  readonly planContext: PlanContext;
  recordCount = 0;
  private lastStateJson: string | undefined;
  private recordsSinceState = 0;
  private lastRateLimitedAt: number | undefined;
  /** False once the stream ended: a late 429 (a directory another stream still loads) says nothing of it. */
  running = true;

  constructor(readonly options: StreamRunOptions) {
    const { scope } = options;
    this.planContext = {
      scope,
      orgId: scope.kind === 'organization' ? scope.orgId : null,
      today: options.today,
      skipRow: (reason) => this.skips.add(reason),
    };
  }

  get name() {
    return this.options.stream.name;
  }

  /** What one partition of this stream's fan-out is called in messages ("member"). */
  get partitionLabel(): string {
    const { source } = this.options.stream;
    const directory = source.kind === 'day-windows' ? source.partitions : undefined;
    return directory ? this.options.shared.directories.get(directory).declaration.itemLabel : 'partition';
  }

  /**
   * The stream waits on the API's rate limit: RUNNING with reason RATE_LIMITED, at most once a
   * second (a burst of 429s on the requests in flight is one wait).
   */
  rateLimited(wait: RateLimitedWait): void {
    if (!this.running) return;
    const at = wait.atMs;
    if (this.lastRateLimitedAt !== undefined && at - this.lastRateLimitedAt < RATE_LIMITED_STATUS_EVERY_MS) return;
    this.lastRateLimitedAt = at;
    try {
      this.options.output.streamStatus(this.name, 'RUNNING', { rateLimited: wait.untilMs === undefined ? {} : { quotaReset: wait.untilMs } });
    } catch {
      // Called from inside the client's retry loop, which must not fail on a status: if stdout is
      // gone, the read finds out at its next record.
    }
  }

  async emit(all: readonly NormalizedRecord[]): Promise<void> {
    const { output, recordLimit } = this.options;
    const room = recordLimit === undefined ? Infinity : recordLimit - this.recordCount;
    const records = all.length > room ? all.slice(0, Math.max(0, room)) : all;
    if (output.records) {
      // One write per batch, but bounded: the member list can be one batch of 100,000 records, and
      // the reader's backpressure must still be honoured between parts of it.
      for (let start = 0; start < records.length; start += EMIT_BATCH) {
        const batch = records.length <= EMIT_BATCH ? records : records.slice(start, start + EMIT_BATCH);
        const pending = output.records(this.name, batch);
        if (pending) await pending;
      }
    } else {
      for (const record of records) {
        const pending = output.record(this.name, record);
        if (pending) await pending;
      }
    }
    this.recordCount += records.length;
    this.recordsSinceState += records.length;
    if (recordLimit !== undefined && this.recordCount >= recordLimit) throw new RecordLimitReached(`${this.name}: record limit reached`);
  }

  /** Emits a state unless it would repeat the previous one with no records in between. */
  async checkpoint(state: StreamState): Promise<void> {
    const json = JSON.stringify(state);
    if (json === this.lastStateJson && this.recordsSinceState === 0) return;
    this.lastStateJson = json;
    this.recordsSinceState = 0;
    const pending = this.options.output.checkpoint(this.name, state);
    if (pending) await pending;
  }
}
