/**
 * Which configured streams are read together. A time-window list and the child streams that follow
 * its rows form one group when they are in the same sync mode and start from the same cursor
 * value: the list's pages are then fetched once for all of them (SPEC §5.3, §6). Every other
 * stream is a group of its own. The engine learns the parent from the declarations, not by name.
 */
import { findStream } from '../streams/index.js';
import type { StreamDeclaration, TimeWindowSource } from '../streams/types.js';
import type { StreamRun } from './stream-run.js';

export interface ReadGroup {
  runs: StreamRun[];
  /** The time-window list the group reads, and the declaration it belongs to. */
  list?: { stream: StreamDeclaration; source: TimeWindowSource };
}

/** The time-window stream whose list a stream reads (itself, or its parent). */
export function listOf(stream: StreamDeclaration): { stream: StreamDeclaration; source: TimeWindowSource } | undefined {
  const { source } = stream;
  if (source.kind === 'time-windows') return { stream, source };
  if (source.kind !== 'child' && source.kind !== 'child-listing') return undefined;
  const parent = findStream(source.parent);
  if (parent?.source.kind !== 'time-windows') throw new Error(`${stream.name}: its parent ${source.parent} is not a time-window stream`);
  return { stream: parent, source: parent.source };
}

export function groupRuns(runs: readonly StreamRun[]): ReadGroup[] {
  const groups: ReadGroup[] = [];
  const byKey = new Map<string, ReadGroup>();
  for (const run of runs) {
    const list = listOf(run.options.stream);
    if (!list) {
      groups.push({ runs: [run] });
      continue;
    }
    const { incremental, inputState, stream } = run.options;
    const cursor = incremental && stream.cursor ? inputState[stream.cursor.field] : undefined;
    const page = incremental ? inputState.page : undefined;
    const key = JSON.stringify([list.stream.name, incremental, cursor ?? null, page ?? null]);
    const group = byKey.get(key);
    if (group) group.runs.push(run);
    else {
      const created: ReadGroup = { runs: [run], list };
      byKey.set(key, created);
      groups.push(created);
    }
  }
  return groups;
}
