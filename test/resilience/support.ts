/** Small readers of a run's messages shared by the resilience tests. */
import type { CliRun } from '../helpers/cli.js';
import { FAST_RETRY } from '../helpers/cli.js';
import type { RetryPolicy } from '../../src/devin/retry.js';

type Message = Record<string, unknown>;

export interface TraceError {
  message: string;
  failure_type: string;
  stream: string | undefined;
  internal_message?: string;
}

/** Every TRACE ERROR of a run, with the stream it names (if any). */
export function traceErrors(run: Pick<CliRun, 'messages'>): TraceError[] {
  return run.messages
    .filter((m) => m.type === 'TRACE' && (m.trace as Message).type === 'ERROR')
    .map((m) => {
      const error = (m.trace as Message).error as Message;
      const descriptor = error.stream_descriptor as Message | undefined;
      return {
        message: String(error.message),
        failure_type: String(error.failure_type),
        stream: descriptor ? String(descriptor.name) : undefined,
        ...(typeof error.internal_message === 'string' ? { internal_message: error.internal_message } : {}),
      };
    });
}

/** LOG messages of a level. */
export function logsOf(run: Pick<CliRun, 'messages'>, level: string): string[] {
  return run.messages
    .filter((m) => m.type === 'LOG' && (m.log as Message).level === level)
    .map((m) => String((m.log as Message).message));
}

/**
 * The suite's fast retries with room for several faults in a row: a fault that hits a quarter of
 * the requests must not exhaust a request's attempts by bad luck (0.25^8 ≈ 1.5e-5).
 */
export const PATIENT_FAST_RETRY: RetryPolicy = { ...FAST_RETRY, maxAttempts: 8 };
