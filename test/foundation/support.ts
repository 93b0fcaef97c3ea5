/** Small helpers shared by the foundation tests (issue 2): picking messages out of a CLI run. */
import { expect } from 'vitest';
import type { CliRun } from '../helpers/cli.js';

export type Json = Record<string, unknown>;

/** The messages of one type. */
export function messagesOf(run: Pick<CliRun, 'messages'>, type: string): Json[] {
  return run.messages.filter((m) => m.type === type);
}

/** The only message of a run, asserting there is exactly one and it has this type. */
export function onlyMessage(run: Pick<CliRun, 'messages' | 'stdout'>, type: string): Json {
  expect(run.messages.map((m) => m.type), run.stdout.slice(0, 500)).toEqual([type]);
  return run.messages[0] as Json;
}

/** The single CONNECTION_STATUS of a `check` run (exit 0, nothing else on stdout but LOGs). */
export function connectionStatus(run: CliRun): { status: string; message: string } {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const statuses = messagesOf(run, 'CONNECTION_STATUS');
  expect(statuses, run.stdout).toHaveLength(1);
  for (const message of run.messages) expect(['CONNECTION_STATUS', 'LOG']).toContain(message.type);
  return (statuses[0] as Json).connectionStatus as { status: string; message: string };
}

function isWarnLog(message: Json): boolean {
  return message.type === 'LOG' && (message.log as Json).level === 'WARN';
}

/** The single config_error TRACE of a failed command (exit 1, nothing else on stdout). */
export function configErrorTrace(run: CliRun): string {
  expect(run.code, run.stdout + run.stderr).toBe(1);
  // Unknown-key WARNs (SPEC §3) may come first; nothing else may.
  const trace = onlyMessage({ ...run, messages: run.messages.filter((m) => !isWarnLog(m)) }, 'TRACE').trace as Json;
  expect(trace.type).toBe('ERROR');
  const error = trace.error as Json;
  expect(error.failure_type).toBe('config_error');
  const message = String(error.message);
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame
  return message;
}
