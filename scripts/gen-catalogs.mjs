// Writes catalog/full_refresh.json and catalog/incremental.json: ready-to-use configured catalogs built
// from what `discover` says (default config). Needs the compiled dist/ (`npm run build`).
// test/foundation/discover.test.ts fails when the committed files differ from discover.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { airbyteCatalog } = await import(`${root}dist/protocol/airbyte-catalog.js`);
const { streams } = airbyteCatalog({ prMetricsGranularity: 'day' });

for (const mode of ['full_refresh', 'incremental']) {
  const configured = streams.map((stream) => {
    const incremental = mode === 'incremental' && stream.supported_sync_modes.includes('incremental');
    return {
      stream,
      sync_mode: incremental ? 'incremental' : 'full_refresh',
      ...(incremental ? { cursor_field: stream.default_cursor_field } : {}),
      destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
      primary_key: stream.source_defined_primary_key,
    };
  });
  await writeFile(`${root}catalog/${mode}.json`, `${JSON.stringify({ streams: configured }, null, 2)}\n`);
  console.error(`wrote catalog/${mode}.json`);
}
