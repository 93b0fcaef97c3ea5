/**
 * `tap-devin --test[=record|schema|all]`, as in the Meltano SDK: a quick proof that the config, the
 * catalog and the API work together, without a full sync.
 * - `record` (bare `--test`): at most one RECORD per selected stream. Each stream stops reading at its
 *   first record (its requests stop too, see RecordLimitReached), and streams read one member or day at
 *   a time so that no request is in flight past it. No STATE is written: a test must not move a
 *   bookmark, and Meltano would otherwise save it.
 * - `schema`: only the SCHEMA messages of the selected streams; no request at all.
 * - `all`: the whole sync, as without --test.
 */
import type { ReadOptions } from '../engine/read.js';
import type { SingerStreamPlan } from '../protocol/singer-selection.js';
import type { SingerWriter } from '../protocol/singer.js';

export const TEST_MODES = ['record', 'schema', 'all'] as const;
export type TestMode = (typeof TEST_MODES)[number];

/** The `--test` value (`''` for the bare flag), or a usage error. */
export function parseTestMode(value: string): TestMode | { usageError: string } {
  if (value === '') return 'record';
  if ((TEST_MODES as readonly string[]).includes(value)) return value as TestMode;
  return { usageError: `--test must be --test, --test=record, --test=schema or --test=all (got "${value}")` };
}

/** How a sync in this mode reads: the engine options it adds, and whether STATE goes out. */
export function testReadSettings(mode: TestMode | undefined): {
  read: Pick<ReadOptions, 'recordLimit' | 'poolSize'>;
  writeState: boolean;
} {
  if (mode === 'record') return { read: { recordLimit: 1, poolSize: 1 }, writeState: false };
  return { read: {}, writeState: true };
}

/** `--test=schema`: the SCHEMA message of every selected stream, in catalog order. */
export async function writeSchemas(plans: readonly SingerStreamPlan[], writer: SingerWriter): Promise<void> {
  for (const plan of plans) {
    const pending = writer.schema(plan.stream.name, plan.schema, plan.keyProperties, plan.bookmarkProperties);
    if (pending) await pending;
  }
}
