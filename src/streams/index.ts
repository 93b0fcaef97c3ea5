/** The streams this connector offers, in the order they are listed and read. */
import { dailyConsumptionStream } from './daily-consumption.js';
import { membersStream } from './members.js';
import { prMetricsStream } from './pr-metrics.js';
import type { StreamDefinition, StreamName } from './types.js';

export const STREAMS: readonly StreamDefinition[] = [membersStream, dailyConsumptionStream, prMetricsStream];

export function findStream(name: string): StreamDefinition | undefined {
  return STREAMS.find((stream) => stream.name === name);
}

export const STREAM_NAMES: readonly StreamName[] = STREAMS.map((stream) => stream.name);
