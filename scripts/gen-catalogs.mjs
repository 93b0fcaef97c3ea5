// Writes catalog/full_refresh.json and catalog/incremental.json: ready-to-use configured catalogs built
// from what `discover` says (default config). Needs the compiled dist/ (`npm run build`).
// test/foundation/discover.test.ts fails when the committed files differ from discover.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { configuredCatalogOf } = await import(`${root}dist/protocol/airbyte-catalog.js`);
const { findStream } = await import(`${root}dist/streams/index.js`);
// The streams both scopes offer, so each catalog works with an enterprise or an organization key.
const inBothScopes = (name) => findStream(name).scopes.length === 2;

for (const mode of ['full_refresh', 'incremental']) {
  const catalog = configuredCatalogOf('enterprise', mode, inBothScopes);
  await writeFile(`${root}catalog/${mode}.json`, `${JSON.stringify(catalog, null, 2)}\n`);
  console.error(`wrote catalog/${mode}.json`);
}
