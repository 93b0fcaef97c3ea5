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
import type { DirectoryName, StreamDeclaration, StreamName, SyncMode } from '../streams/types.js';
import { DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from './checkpoint.js';
import { Directories, directoryReaders } from './directory.js';
import type { ReadOutput } from './output.js';
import { readDayWindows } from './read-day-windows.js';
import { readDirectory } from './read-directory.js';
import { groupRuns, type ReadGroup } from './read-groups.js';
import { readTimeWindows } from './read-time-windows.js';
import { readList } from './read-list.js';
import { readPeriods } from './read-periods.js';
import type { StreamState } from './state.js';
import { RecordLimitReached, StreamRun, type ReadShared } from './stream-run.js';
import { WindowPolicies } from './window-policy.js';

export interface ConfiguredStream {
  stream: StreamDeclaration;
  syncMode: SyncMode;
  /**
   * Selected only because it is a default stream (nothing was selected): a key that may not read it
   * skips it with a WARN naming the permission, instead of failing the read (SPEC §5).
   */
  byDefault?: boolean;
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
    directories: new Directories(DIRECTORIES, { client, scope, config, today }, directoryReaders(streams.map(({ stream }) => stream))),
    windows: new WindowPolicies(config.windowDays),
    warned: new Set(),
  };
  const readStart = now();
  const byDefault = new Set(streams.filter((configured) => configured.byDefault).map(({ stream }) => stream.name));
  const runs = streams.map(
    ({ stream, syncMode }) =>
      new StreamRun({
        stream,
        incremental: syncMode === 'incremental',
        config,
        scope,
        client,
        output,
        shared,
        inputState: options.state.get(stream.name) ?? {},
        today,
        readStart,
        policy: options.policy ?? DEFAULT_CHECKPOINT_POLICY,
        poolSize: options.poolSize ?? config.maxConcurrency * 2,
        now,
        ...(options.recordLimit !== undefined ? { recordLimit: options.recordLimit } : {}),
      }),
  );
  // A 429 on a shared directory listing is reported to every stream that waits on it.
  for (const run of runs) waitOnDirectories(shared, runs, run);
  const summaries = (
    await Promise.all(
      groupRuns(runs).map(async (group): Promise<StreamSummary[]> => {
        const started = now();
        const errors = new Map<StreamRun, unknown>();
        for (const run of group.runs) output.streamStatus(run.name, 'RUNNING');
        try {
          const failures = await readGroup(group);
          for (const [run, caught] of failures) errors.set(run, caught);
        } catch (caught) {
          for (const run of group.runs) errors.set(run, caught);
        }
        for (const [run, caught] of errors) {
          // A stream that reached its record limit (tap-devin --test) ends complete.
          if (caught instanceof RecordLimitReached) errors.delete(run);
          else if (byDefault.has(run.name) && isRefusal(caught)) {
            output.log('WARN', `${run.name}: skipped, it is a default stream this key may not read: ${streamFailure(caught, scope).message}`);
            errors.delete(run);
          } else errors.set(run, streamFailure(caught, scope));
        }
        for (const run of group.runs) run.running = false;
        return group.runs.map((run) => summarise(run, errors.get(run) as ConnectorError | undefined, (now() - started) / 1000, shared, output));
      }),
    )
  ).flat();
  return { failed: summaries.filter((s) => s.error).map((s) => s.stream) };
}

/** The directories a stream waits on: its own listing, or its fan-out's partitions. */
function directoriesOf(stream: StreamDeclaration): DirectoryName[] {
  const { source } = stream;
  if (source.kind === 'directory') return [source.directory];
  return source.kind === 'day-windows' && source.partitions ? [source.partitions] : [];
}

/**
 * A directory's requests are nobody's own (they are shared), so its 429 waits are reported for
 * every running stream that waits on that directory.
 */
function waitOnDirectories(shared: ReadShared, runs: readonly StreamRun[], run: StreamRun): void {
  for (const name of directoriesOf(run.options.stream)) {
    const counter = shared.directories.get(name).counter;
    counter.onRateLimited ??= (wait) => {
      for (const waiting of runs) if (directoriesOf(waiting.options.stream).includes(name)) waiting.rateLimited(wait);
    };
  }
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

function summarise(run: StreamRun, error: ConnectorError | undefined, seconds: number, shared: ReadShared, output: ReadOutput): StreamSummary {
  const { stream } = run.options;
  const directory = stream.source.kind === 'directory' ? shared.directories.get(stream.source.directory) : undefined;
  const summary: StreamSummary = {
    stream: stream.name,
    records: run.recordCount,
    requests: run.counter.requests + (directory?.counter.requests ?? 0),
    seconds,
    ...(error ? { error } : {}),
  };
  // Reporting must not throw: if stdout itself is gone, the caller finds out when it flushes.
  try {
    reportStream(output, run, summary, directory?.skips.summary());
  } catch {
    // the output is closed; nothing more can be said
  }
  return summary;
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

/** Reads one group; resolves to the streams that failed on their own (the others went on). */
async function readGroup(group: ReadGroup): Promise<Map<StreamRun, unknown>> {
  if (group.list) {
    const { runs, list } = group;
    // The list's requests count for its own stream when it is read, else for the first child.
    const pagesRun = runs.find((run) => run.options.stream === list.stream) ?? (runs[0] as StreamRun);
    return readTimeWindows(runs, list.source, pagesRun);
  }
  const run = group.runs[0] as StreamRun;
  const { source } = run.options.stream;
  switch (source.kind) {
    case 'directory':
      await readDirectory(run, source.directory);
      break;
    case 'day-windows':
      await readDayWindows(run, source);
      break;
    case 'list':
      await readList(run, source);
      break;
    case 'periods':
      await readPeriods(run, source);
      break;
    default:
      throw new Error(`${run.name}: a ${source.kind} stream is read with its list`);
  }
  return new Map();
}

/** The key lacks a permission for this stream's data (403; a 401 means the key itself was rejected). */
function isRefusal(error: unknown): boolean {
  return error instanceof ApiStatusError && error.status === 403;
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
