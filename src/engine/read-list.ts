/**
 * A list stream (full refresh): one paginated listing, each item turned into a record by the
 * stream, then one state. For listings no other stream fans out over (else: a directory).
 */
import { endpointPath } from '../devin/endpoints.js';
import { paginate } from '../devin/pagination.js';
import type { ListSourceSpec } from '../streams/types.js';
import type { StreamRun } from './stream-run.js';

export type ListSource = ListSourceSpec;

export async function readList(run: StreamRun, source: ListSource): Promise<void> {
  const { client } = run.options;
  const request = { path: endpointPath(run.options.scope, source.endpoint), ...(source.query ? { query: source.query } : {}) };
  for await (const page of paginate(client, request, run.counter)) {
    const records = [];
    for (const item of page.items) {
      const record = source.record(item, run.planContext);
      if (record) records.push(record);
    }
    await run.emit(records);
  }
  await run.checkpoint({});
}
