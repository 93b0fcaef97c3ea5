// `npm run demo`: start the bundled Devin API simulator, run a real `source-devin read` against it
// (the compiled executable, as Airbyte would) with every default stream and the sessions family, write
// what came out to ./demo-output/ (one JSONL file per stream, the final state, the config and catalog
// it used), load it into an embedded DuckDB file (demo-output/warehouse.duckdb, one table per stream
// merged on its primary key) and print the answers to the README's questions from the files in sql/.
//
// Options (for tests): --out DIR (default ./demo-output), --saved-port N (the port the saved config
// points at, default 8787: the port of the documented simulator command).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '../dist/simulator/index.js';
import { KEY_ENTERPRISE } from '../dist/simulator/index.js';
import { configuredCatalogOf } from '../dist/protocol/airbyte-catalog.js';
import { STREAMS, findStream } from '../dist/streams/index.js';
import { demoStartDate } from './demo-dates.mjs';
import { answer, loadRead, openWarehouse, questions } from './warehouse.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: options } = parseArgs({ options: { out: { type: 'string' }, 'saved-port': { type: 'string' } } });
const outDir = options.out ?? `${root}demo-output`;
const savedPort = Number(options['saved-port'] ?? 8787);
const MEMBERS = 40;
const DAYS = 45;
const SHOWN_ROWS = 8;

// Every default stream, the rest of the sessions family (insights and messages are opt-in), and every
// stream a question's SQL reads (FROM / JOIN a stream's name), so each question has its table.
const questionTables = new Set(questions().flatMap((q) => [...q.sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/gi)].map((m) => m[1])));
const streams = STREAMS.filter((s) => s.scopes.includes('enterprise') && (s.default || s.name.startsWith('session') || questionTables.has(s.name)));
const selected = new Set(streams.map((s) => s.name));

const sim = await startSimulator({ members: MEMBERS, days: DAYS });
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// The simulator's data set ends at today's billing day (not today's calendar date before 08:00 UTC).
const startDate = demoStartDate(Date.now(), DAYS);
const config = { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: startDate, window_days: 30 };
// The saved config stays usable after the demo: it points at the simulator the documented command
// (`npm run simulator`, in this checkout) starts with the same seed and sizes, so the same data, and
// `_simulator` (ignored by the connector: it starts with `_`) says how. The key is the simulator's own
// public demo key, not a secret.
const simulatorCommand = `npm run simulator -- --port ${savedPort} --members ${MEMBERS} --days ${DAYS}`;
const savedConfig = { _simulator: simulatorCommand, ...config, api_url: `http://127.0.0.1:${savedPort}` };
// Sync modes as the declarations allow: incremental where a stream has a cursor, full refresh otherwise.
const catalog = configuredCatalogOf('enterprise', 'incremental', (name) => selected.has(name));
const modes = Object.fromEntries(catalog.streams.map((entry) => [entry.stream.name, entry.sync_mode]));
writeFileSync(`${outDir}/config.json`, `${JSON.stringify(savedConfig, null, 2)}\n`);
const configPath = `${outDir}/.config.json`;
writeFileSync(configPath, JSON.stringify(config));
writeFileSync(`${outDir}/catalog.json`, `${JSON.stringify(catalog, null, 2)}\n`);

const names = [...selected];
const files = Object.fromEntries(names.map((name) => [name, createWriteStream(`${outDir}/${name}.jsonl`)]));
const records = new Map(names.map((name) => [name, []]));
const summary = Object.fromEntries(names.map((name) => [name, { records: 0, requests: 0, seconds: 0 }]));
const finalState = new Map();
const errors = [];

const started = Date.now();
const child = spawn(process.execPath, [`${root}dist/cli/source-devin.cjs`, 'read', '--config', configPath, '--catalog', `${outDir}/catalog.json`], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
for await (const line of createInterface({ input: child.stdout })) {
  const message = JSON.parse(line);
  if (message.type === 'RECORD') {
    const { stream, data } = message.record;
    files[stream].write(`${JSON.stringify(data)}\n`);
    records.get(stream).push(data);
    summary[stream].records += 1;
  } else if (message.type === 'STATE') {
    finalState.set(message.state.stream.stream_descriptor.name, message.state);
  } else if (message.type === 'LOG') {
    // "<stream>: N records, R requests, S s" — the connector's own per-stream summary.
    const match = /^(\w+): (\d+) records, (\d+) requests, ([\d.]+) s/.exec(message.log.message);
    if (match && summary[match[1]]) Object.assign(summary[match[1]], { requests: Number(match[3]), seconds: Number(match[4]) });
  } else if (message.type === 'TRACE' && message.trace.type === 'ERROR') {
    errors.push(message.trace.error.message);
  }
}
const code = await new Promise((resolve) => child.on('close', resolve));
await Promise.all(Object.values(files).map((file) => new Promise((resolve) => file.end(resolve))));
writeFileSync(`${outDir}/state.json`, `${JSON.stringify([...finalState.values()].map(({ sourceStats, ...state }) => state), null, 2)}\n`);
rmSync(configPath);
await sim.close();
const readSeconds = (Date.now() - started) / 1000;

const warehousePath = `${outDir}/warehouse.duckdb`;
const warehouse = await openWarehouse(warehousePath);
await loadRead(warehouse, names.map((name) => findStream(name)), records, modes);

const table = (header, rows, align = () => 'right') => {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const format = (row) => row.map((c, i) => (i === 0 || align(i) === 'left' ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(format)].join('\n');
};

console.log(`\nsource-devin read against the simulator (${MEMBERS} members, ${DAYS} billing days, enterprise key)`);
console.log(table(['stream', 'sync', 'records', 'requests', 'seconds'], names.map((name) => {
  const s = summary[name];
  return [name, modes[name], s.records, s.requests, s.seconds.toFixed(2)];
})));
console.log(`\nexit code ${code} in ${readSeconds.toFixed(2)} s; output in ${outDir}/ (one JSONL per stream, state.json)`);
if (errors.length > 0) console.log(`errors:\n  ${errors.join('\n  ')}`);

console.log(`\nloaded into ${warehousePath} (DuckDB, one table per stream, merged on its primary key)`);
for (const question of questions()) {
  const result = await answer(warehouse, question);
  console.log(`\n${question.title} (${question.file})`);
  if (result.missing) {
    console.log(`skipped: this read has no ${result.missing} table (a stream this connector version or key scope does not offer)`);
    continue;
  }
  const header = result.rows.length > 0 ? Object.keys(result.rows[0]) : ['(no rows)'];
  // A column with fractions (ACUs) prints two decimals on every row, so its figures line up.
  const cents = header.map((h) => result.rows.some((row) => typeof row[h] === 'number' && !Number.isInteger(row[h])));
  const shown = result.rows.slice(0, SHOWN_ROWS).map((row) => header.map((h, i) => (cents[i] && typeof row[h] === 'number' ? row[h].toFixed(2) : row[h])));
  console.log(table(header, shown, (i) => (typeof result.rows[0]?.[header[i]] === 'number' ? 'right' : 'left')));
  if (result.rows.length > SHOWN_ROWS) console.log(`… ${result.rows.length - SHOWN_ROWS} more rows (${result.rows.length} in all)`);
}
warehouse.close();

console.log(`\nThe saved config and catalog work after the demo: start the simulator (in this folder) with
  ${simulatorCommand}
then read incrementally from the saved state:
  node dist/cli/source-devin.cjs read --config ${outDir}/config.json --catalog ${outDir}/catalog.json --state ${outDir}/state.json`);
process.exitCode = code === 0 && errors.length === 0 ? 0 : 1;
