/** A directory stream (members): the directory's records, then one state. */
import type { DirectoryName } from '../streams/types.js';
import type { StreamRun } from './stream-run.js';

export async function readDirectory(run: StreamRun, directory: DirectoryName): Promise<void> {
  const { shared, output } = run.options;
  const { itemLabel } = shared.directories.get(directory).declaration;
  output.log('INFO', `${run.name}: reading the ${itemLabel} listings`);
  const records = await shared.directories.get(directory).records();
  output.estimate(run.name, records.length);
  await run.emit(records);
  // Full refresh: its state says nothing, but Airbyte wants one per stream per read.
  await run.checkpoint({});
}
