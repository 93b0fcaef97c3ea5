/**
 * A read: run every configured stream concurrently over one shared client (and so one shared
 * limiter), one set of directories (each listing asked once) and one set of window policies. A
 * failing stream is reported and marked INCOMPLETE; the others finish. The caller resolves the scope
 * first (so it can choose and check the streams of that scope) and turns `failed` into the exit code.
 */
import type { ConnectorConfig } from '../config/resolve.js';
import { dayOfMillis } from '../devin/billing-day.js';
import type { DevinClient } from '../devin/client.js';
import { describeAuthFailure, type Scope } from '../devin/endpoints.js';
import { ApiStatusError, ConnectorError, isConnectorError } from '../devin/errors.js';
import { DIRECTORIES } from '../streams/index.js';
import type { StreamDeclaration, StreamName, SyncMode } from '../streams/types.js';
import { DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from './checkpoint.js';
import { Directories } from './directory.js';
import type { ReadOutput } from './output.js';
import { readDayWindows } from './read-day-windows.js';
import { readDirectory } from './read-directory.js';
import { readList } from './read-list.js';
import type { StreamState } from './state.js';
import { RecordLimitReached, StreamRun, type ReadShared } from './stream-run.js';
import { WindowPolicies } from './window-policy.js';

export interface ConfiguredStream {
  stream: StreamDeclaration;
  syncMode: SyncMode;
}

export interface ReadOptions {
  config: ConnectorConfig;
  scope: Scope;
  streams: readonly ConfiguredStream[];
  /** Input state per stream (already validated); streams not configured are ignored. */
  state: ReadonlyMap<string, StreamState>;
  output: ReadOutput;
  client: Pick<DevinClient, 'getJson'>;
  now?: () => number;
  policy?: CheckpointPolicy;
  /** Partition or day tasks queued at once per stream; default 2 × max_concurrency. */
  poolSize?: number;
  /** Most records per stream (tap-devin --test): a stream that reaches it stops reading, complete. */
  recordLimit?: number;
}

export interface StreamSummary {
  stream: StreamName;
  records: number;
  requests: number;
  seconds: number;
  error?: ConnectorError;
}

export interface ReadResult {
  failed: StreamName[];
}

export async function runRead(options: ReadOptions): Promise<ReadResult> {
  const { config, scope, streams, output, client } = options;
  const now = options.now ?? Date.now;
  // "Today" is fixed when the read starts: the signpost never moves during a read.
  const today = dayOfMillis(now());
  for (const { stream } of streams) output.streamStatus(stream.name, 'STARTED');
  const shared: ReadShared = {
    directories: new Directories(DIRECTORIES, { client, scope, config, today }),
    windows: new WindowPolicies(config.windowDays),
  };
  const summaries = await Promise.all(
    streams.map(async ({ stream, syncMode }): Promise<StreamSummary> => {
      const started = now();
      const run = new StreamRun({
        stream,
        incremental: syncMode === 'incremental',
        config,
        scope,
        client,
        output,
        shared,
        inputState: options.state.get(stream.name) ?? {},
        today,
        policy: options.policy ?? DEFAULT_CHECKPOINT_POLICY,
        poolSize: options.poolSize ?? config.maxConcurrency * 2,
        now,
        ...(options.recordLimit !== undefined ? { recordLimit: options.recordLimit } : {}),
      });
      let error: ConnectorError | undefined;
      try {
        output.streamStatus(stream.name, 'RUNNING');
        await readStream(run);
      } catch (caught) {
        if (!(caught instanceof RecordLimitReached)) error = streamFailure(caught, scope);
      }
      const directory = stream.source.kind === 'directory' ? shared.directories.get(stream.source.directory) : undefined;
      const summary: StreamSummary = {
        stream: stream.name,
        records: run.recordCount,
        requests: run.counter.requests + (directory?.counter.requests ?? 0),
        seconds: (now() - started) / 1000,
        ...(error ? { error } : {}),
      };
      // Reporting must not throw: if stdout itself is gone, the caller finds out when it flushes.
      try {
        reportStream(output, run, summary, directory?.skips.summary());
      } catch {
        // the output is closed; nothing more can be said
      }
      return summary;
    }),
  );
  return { failed: summaries.filter((s) => s.error).map((s) => s.stream) };
}

/** Every configured stream is STARTED then INCOMPLETE: the read could not begin (the caller traces why, once). */
export function reportNoRead(output: ReadOutput, streams: readonly ConfiguredStream[]): void {
  for (const { stream } of streams) output.streamStatus(stream.name, 'STARTED');
  for (const { stream } of streams) output.streamStatus(stream.name, 'INCOMPLETE');
}

/** The configured streams this scope does not offer, for the caller's config_error (SPEC §4). */
export function streamsNotInScope(streams: readonly ConfiguredStream[], scope: Scope): string[] {
  return streams.filter(({ stream }) => !stream.scopes.includes(scope.kind)).map(({ stream }) => stream.name);
}

function reportStream(output: ReadOutput, run: StreamRun, summary: StreamSummary, directorySkips: string | undefined): void {
  const skipped = [run.skips.summary(), directorySkips].filter(Boolean).join('; ');
  if (skipped) output.log('WARN', `${summary.stream}: skipped ${skipped}`);
  output.log(
    'INFO',
    `${summary.stream}: ${summary.records} records, ${summary.requests} requests, ${summary.seconds.toFixed(1)} s` +
      (summary.error ? ' (failed)' : ''),
  );
  if (summary.error) {
    output.streamError(summary.stream, summary.error);
    output.streamStatus(summary.stream, 'INCOMPLETE');
  } else {
    output.streamStatus(summary.stream, 'COMPLETE');
  }
}

async function readStream(run: StreamRun): Promise<void> {
  const { source } = run.options.stream;
  switch (source.kind) {
    case 'directory':
      return readDirectory(run, source.directory);
    case 'day-windows':
      return readDayWindows(run, source);
    case 'list':
      return readList(run, source);
  }
}

/** The error a failed stream reports: auth failures name the permission, bugs become system_error. */
function streamFailure(error: unknown, scope: Scope): ConnectorError {
  if (error instanceof ApiStatusError && (error.status === 401 || error.status === 403)) {
    return new ConnectorError(describeAuthFailure(scope, error.path, error.status), 'config_error', error.detail);
  }
  return asConnectorError(error);
}

export function asConnectorError(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`unexpected error: ${message}`, 'system_error', error instanceof Error ? error.stack : undefined);
}
