/** The members stream: the member directory itself, then one state. */
import type { StreamRun } from './stream-run.js';

export async function readMemberList(run: StreamRun): Promise<void> {
  const { directory, output } = run.options;
  const records = await directory.records();
  output.estimate(run.name, records.length);
  await run.emit(records);
  // members is full refresh: its state says nothing, but Airbyte wants one per stream per read.
  await run.checkpoint({});
}
