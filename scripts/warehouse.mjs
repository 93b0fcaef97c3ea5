// The demo's warehouse: an embedded DuckDB file with one table per stream, typed from the stream's JSON
// schema and keyed on its declared primary key, plus the SQL files under sql/ that answer the README's
// questions. Shared by `npm run demo` (scripts/demo.mjs) and the tests (test/warehouse/), so the demo
// and the tests load and query exactly the same way. Needs the compiled dist/ only for the caller's
// stream declarations: this module takes them as arguments.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SQL_DIR = `${root}sql`;

const quote = (name) => `"${String(name).replace(/"/g, '""')}"`;
const literal = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** The DuckDB type of one JSON-schema property: dates and timestamps typed, nested values as JSON. */
export function columnType(property) {
  const types = (Array.isArray(property?.type) ? property.type : [property?.type]).filter((t) => t !== 'null');
  if (types.length !== 1) return types.every((t) => t === 'integer' || t === 'number') && types.length > 0 ? 'DOUBLE' : 'JSON';
  const [type] = types;
  if (type === 'string') {
    if (property.format === 'date') return 'DATE';
    if (property.format === 'date-time') return 'TIMESTAMPTZ';
    return 'VARCHAR';
  }
  return { integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN' }[type] ?? 'JSON';
}

/** Table name, columns and key of a stream declaration (only top-level key fields: all streams have those). */
export function tableOf(stream) {
  const columns = Object.entries(stream.schema.properties ?? {}).map(([name, property]) => ({ name, type: columnType(property) }));
  const key = stream.primaryKey.map((path) => {
    if (path.length !== 1) throw new Error(`${stream.name}: a nested primary key (${path.join('.')}) has no column`);
    return path[0];
  });
  for (const field of key) {
    if (!columns.some((c) => c.name === field)) throw new Error(`${stream.name}: primary key ${field} is not in the schema`);
  }
  return { name: stream.name, columns, key };
}

/** An open warehouse file. `close()` must be called (DuckDB keeps the file locked while it is open). */
export async function openWarehouse(path) {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  // Timestamps print and compare in UTC, as the connector writes them.
  await connection.run("SET TimeZone = 'UTC'");
  return {
    connection,
    /** Rows as JSON values: dates as YYYY-MM-DD, timestamps as text, JSON as text, every number a number. */
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      const values = reader.getRowObjectsJS();
      // DuckDB's JSON form writes BIGINTs (counts) as strings; the counts here all fit a double.
      return reader.getRowObjectsJson().map((row, i) => Object.fromEntries(
        Object.entries(row).map(([name, value]) => [name, typeof values[i][name] === 'bigint' ? Number(values[i][name]) : value]),
      ));
    },
    async tables() {
      const rows = await this.query('SELECT table_name FROM information_schema.tables ORDER BY table_name');
      return rows.map((row) => row.table_name);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Loads one read's records of a stream into its table. `merge` (an incremental stream) inserts or
 * replaces on the primary key, so a record re-read within the lookback replaces the earlier copy;
 * `replace` (a full-refresh stream) empties the table first. Within one batch the last record of a
 * key wins, as it would in a destination's dedup.
 */
export async function loadRecords(warehouse, stream, records, mode) {
  const table = tableOf(stream);
  const columns = table.columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ');
  await warehouse.connection.run(`CREATE TABLE IF NOT EXISTS ${quote(table.name)} (${columns}, PRIMARY KEY (${table.key.map(quote).join(', ')}))`);
  if (mode === 'replace') await warehouse.connection.run(`DELETE FROM ${quote(table.name)}`);
  if (records.length === 0) return;
  // DuckDB parses the JSON lines itself, into the declared types; `_seq` keeps the arrival order.
  const dir = mkdtempSync(join(tmpdir(), 'source-devin-warehouse-'));
  try {
    const file = join(dir, `${table.name}.jsonl`);
    writeFileSync(file, records.map((record, seq) => JSON.stringify({ ...record, _seq: seq })).join('\n'));
    const types = table.columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).concat("'_seq': 'BIGINT'").join(', ');
    await warehouse.connection.run(
      `INSERT OR REPLACE INTO ${quote(table.name)} SELECT ${table.columns.map((c) => quote(c.name)).join(', ')} ` +
        `FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${types}}) ` +
        `QUALIFY row_number() OVER (PARTITION BY ${table.key.map(quote).join(', ')} ORDER BY _seq DESC) = 1`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads every stream of one read: `records` maps a stream name to its records, `modes` to its sync
 * mode (incremental → merge, full_refresh → replace). A stream of the read with no record still gets
 * its (empty) table.
 */
export async function loadRead(warehouse, streams, records, modes) {
  for (const stream of streams) {
    await loadRecords(warehouse, stream, records.get(stream.name) ?? [], modes[stream.name] === 'incremental' ? 'merge' : 'replace');
  }
}

/** The RECORD data of an Airbyte message stream, per stream name. */
export function recordsByStream(messages) {
  const byStream = new Map();
  for (const message of messages) {
    if (message.type !== 'RECORD') continue;
    const { stream, data } = message.record;
    if (!byStream.has(stream)) byStream.set(stream, []);
    byStream.get(stream).push(data);
  }
  return byStream;
}

/** The questions, one per sql/*.sql file: name, title (the file's first comment line) and text. */
export function questions(dir = SQL_DIR) {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      const title = /^--\s*(.+)$/m.exec(sql)?.[1].trim() ?? file;
      return { name: file.replace(/\.sql$/, ''), file: `sql/${file}`, title, sql };
    });
}

/**
 * Runs one question. A table the read did not load (a stream this scope or this version does not
 * have) is an answer of its own, `{ missing: table }`, not a failure.
 */
export async function answer(warehouse, question) {
  try {
    return { rows: await warehouse.query(question.sql) };
  } catch (error) {
    const missing = /Table with name (\S+) does not exist/.exec(error instanceof Error ? error.message : '');
    if (missing) return { missing: missing[1] };
    throw error;
  }
}
