// Regenerates the acceptance-test fixtures that are derived from code, so they cannot drift:
//   integration_tests/expected_records.jsonl   the simulator's ground truth for integration_tests/config.json
//   integration_tests/configured_catalog.json  the discovered streams, incremental where supported
//
//   npm run build && node scripts/gen-expected-records.mjs           rewrites both files
//   node scripts/gen-expected-records.mjs --print                    prints {files, simulator} as JSON (for tests)
//
// The simulator's data is a pure function of (seed, member index, billing day); its clock only decides which
// days exist (the `days` billing days ending today). So the records of a fixed date range are the same at
// any time, as long as the range lies inside the history: a fixed clock here, and a long `--days` on the
// simulator that acceptance tests run against (see integration_tests/README.md).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../dist/', import.meta.url);

/** The simulator the fixtures describe; the README's command starts exactly this one. */
// Sessions spread over the whole history: 20,000 put a few dozen in the config's week.
export const SIMULATOR = { seed: 42, members: 50, days: 3650, sessions: 20000, port: 8787 };
/** The fixed clock of the generated data (and the emitted_at of every expected record). */
export const FIXED_NOW_MS = Date.UTC(2026, 10, 1, 12, 0, 0);

export const CONFIG_PATH = 'integration_tests/config.json';
export const EXPECTED_RECORDS_PATH = 'integration_tests/expected_records.jsonl';
export const CONFIGURED_CATALOG_PATH = 'integration_tests/configured_catalog.json';

export function simulatorCommand() {
  return `npx source-devin-simulator --port ${SIMULATOR.port} --seed ${SIMULATOR.seed} --members ${SIMULATOR.members} --days ${SIMULATOR.days} --sessions ${SIMULATOR.sessions}`;
}

async function importDist(path) {
  try {
    return await import(new URL(path, dist).href);
  } catch (error) {
    throw new Error(`cannot load dist/${path} (run npm run build first): ${error.message}`);
  }
}

async function expectedRecords(config) {
  const { startSimulator } = await importDist('simulator/index.js');
  const simulator = await startSimulator({
    seed: SIMULATOR.seed,
    members: SIMULATOR.members,
    days: SIMULATOR.days,
    sessions: SIMULATOR.sessions,
    now: () => FIXED_NOW_MS,
    logRequests: false,
  });
  try {
    const truth = simulator.groundTruth({
      key: config.api_key,
      startDate: config.start_date,
      endDate: config.end_date,
      includeIdpUsers: config.include_idp_users ?? true,
    });
    const { airbyteCatalog } = await importDist('protocol/airbyte-catalog.js');
    const lines = [];
    // Every stream discover offers with the config's (enterprise) key: CAT's basic_read reads them all.
    for (const { name: stream } of airbyteCatalog('enterprise').streams) {
      for (const data of truth[stream]) lines.push(JSON.stringify({ stream, data, emitted_at: FIXED_NOW_MS }));
    }
    return `${lines.join('\n')}\n`;
  } finally {
    await simulator.close();
  }
}

async function configuredCatalog(config) {
  const { configuredCatalogOf } = await importDist('protocol/airbyte-catalog.js');
  const catalog = configuredCatalogOf('enterprise', 'incremental');
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

/** Every generated file, path → content. */
export async function generateFixtures() {
  const config = JSON.parse(await readFile(`${root}${CONFIG_PATH}`, 'utf8'));
  return {
    [EXPECTED_RECORDS_PATH]: await expectedRecords(config),
    [CONFIGURED_CATALOG_PATH]: await configuredCatalog(config),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const files = await generateFixtures();
    if (process.argv.includes('--print')) {
      const simulator = { ...SIMULATOR, fixedNowMs: FIXED_NOW_MS, command: simulatorCommand() };
      process.stdout.write(`${JSON.stringify({ files, simulator })}\n`);
    } else {
      for (const [path, content] of Object.entries(files)) {
        await writeFile(`${root}${path}`, content);
        process.stderr.write(`wrote ${path}\n`);
      }
    }
  } catch (error) {
    process.stderr.write(`gen-expected-records: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
