/**
 * A read: resolve the scope, then run every configured stream concurrently over one shared client
 * (and so one shared limiter) and one shared member directory. A failing stream is reported and
 * marked INCOMPLETE; the others finish. The caller turns `failed` into the exit code.
 */
import type { ConnectorConfig } from '../config/resolve.js';
import { dayOfMillis } from '../devin/billing-day.js';
import type { DevinClient } from '../devin/client.js';
import { describeAuthFailure, type Scope } from '../devin/endpoints.js';
import { ApiStatusError, ConnectorError, isConnectorError, UnreachableError } from '../devin/errors.js';
import { resolveScope } from '../devin/scope.js';
import type { StreamDefinition, StreamName, SyncMode } from '../streams/types.js';
import { DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from './checkpoint.js';
import { MemberDirectory } from './member-directory.js';
import type { ReadOutput } from './output.js';
import { readDaySequence } from './read-day-sequence.js';
import { readMemberFanout } from './read-member-fanout.js';
import { readMemberList } from './read-member-list.js';
import type { StreamState } from './state.js';
import { StreamRun, type SharedReadSettings } from './stream-run.js';

export interface ConfiguredStream {
  stream: StreamDefinition;
  syncMode: SyncMode;
}

export interface ReadOptions {
  config: ConnectorConfig;
  streams: readonly ConfiguredStream[];
  /** Input state per stream (already validated); streams not configured are ignored. */
  state: ReadonlyMap<string, StreamState>;
  output: ReadOutput;
  client: Pick<DevinClient, 'getJson'>;
  now?: () => number;
  policy?: CheckpointPolicy;
  /** Member or day tasks queued at once per stream; default 2 × max_concurrency. */
  poolSize?: number;
}

export interface StreamSummary {
  stream: StreamName;
  records: number;
  requests: number;
  seconds: number;
  error?: ConnectorError;
}

export interface ReadResult {
  summaries: StreamSummary[];
  failed: StreamName[];
}

export async function runRead(options: ReadOptions): Promise<ReadResult> {
  const { config, streams, output, client } = options;
  const now = options.now ?? Date.now;
  // "Today" is fixed when the read starts: the signpost never moves during a read.
  const today = dayOfMillis(now());
  for (const { stream } of streams) output.streamStatus(stream.name, 'STARTED');

  let scope: Scope;
  try {
    scope = await resolveScope(client, config.scope);
  } catch (error) {
    // No stream can survive this (wrong host, dead proxy, rejected key): one error, not one per stream.
    const failure =
      error instanceof UnreachableError
        ? new ConnectorError(`cannot reach the Devin API at ${error.host}: ${error.message}`, error.failureType, error.internal)
        : asConnectorError(error);
    output.readError(failure);
    const summaries = streams.map(({ stream }) => {
      output.streamStatus(stream.name, 'INCOMPLETE');
      return { stream: stream.name, records: 0, requests: 0, seconds: 0, error: failure };
    });
    return { summaries, failed: streams.map(({ stream }) => stream.name) };
  }

  const directory = new MemberDirectory({ client, scope, includeIdpUsers: config.includeIdpUsers });
  const shared: SharedReadSettings = { windowDays: config.windowDays };
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
        directory,
        inputState: usableState(stream, config, options.state.get(stream.name), output),
        today,
        policy: options.policy ?? DEFAULT_CHECKPOINT_POLICY,
        poolSize: options.poolSize ?? config.maxConcurrency * 2,
        now,
        shared,
      });
      let error: ConnectorError | undefined;
      try {
        output.streamStatus(stream.name, 'RUNNING');
        await readStream(run);
      } catch (caught) {
        error = streamFailure(caught, scope);
      }
      const summary: StreamSummary = {
        stream: stream.name,
        records: run.recordCount,
        requests: run.counter.requests + (stream.plan(config).kind === 'member-list' ? directory.counter.requests : 0),
        seconds: (now() - started) / 1000,
        ...(error ? { error } : {}),
      };
      // Reporting must not throw: if stdout itself is gone, the caller finds out when it flushes.
      try {
        reportStream(output, run, summary, stream.name === 'members' ? directory.skips.summary() : undefined);
      } catch {
        // the output is closed; nothing more can be said
      }
      return summary;
    }),
  );
  return { summaries, failed: summaries.filter((s) => s.error).map((s) => s.stream) };
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
  const plan = run.options.stream.plan(run.options.config);
  switch (plan.kind) {
    case 'member-list':
      return readMemberList(run);
    case 'day-sequence':
      return readDaySequence(run, plan);
    case 'member-fanout':
      return readMemberFanout(run, plan);
  }
}

/** The input state, unless it was written under other settings (then the stream starts over). */
function usableState(
  stream: StreamDefinition,
  config: ConnectorConfig,
  state: StreamState | undefined,
  output: ReadOutput,
): StreamState {
  if (!state) return {};
  const tag = stream.stateTag?.(config) ?? {};
  for (const [key, value] of Object.entries(tag)) {
    const saved = (state as Record<string, unknown>)[key];
    if (saved !== undefined && saved !== value) {
      output.log('WARN', `${stream.name}: the saved state is for ${key} ${String(saved)}, not ${value}; reading from start_date`);
      return {};
    }
  }
  return state;
}

/** The error a failed stream reports: auth failures name the permission, bugs become system_error. */
function streamFailure(error: unknown, scope: Scope): ConnectorError {
  if (error instanceof ApiStatusError && (error.status === 401 || error.status === 403)) {
    return new ConnectorError(describeAuthFailure(scope, error.path, error.status), 'config_error', error.detail);
  }
  return asConnectorError(error);
}

function asConnectorError(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`unexpected error: ${message}`, 'system_error', error instanceof Error ? error.stack : undefined);
}
