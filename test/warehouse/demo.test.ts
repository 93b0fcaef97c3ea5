/**
 * Issue 14 point 6: `npm run demo` (scripts/demo.mjs, run as the script itself) ends in a DuckDB
 * warehouse and prints the answer to each question of sql/, or one line saying why it skipped it; its
 * saved config and catalog stay usable after it ends: the simulator its config names, started with the
 * command it saved, serves `discover` and an incremental `read` from the saved state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStream } from '../../src/streams/index.js';
import { syncModesOf } from '../../src/streams/types.js';
import { REPO_ROOT, spawnCli, type SpawnedRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { warehouseModule, type WarehouseModule } from './support.js';

const dir = tempDir();
const out = dir.path('demo-output');
let port: number;
let demo: { code: number; stdout: string; stderr: string };
let module: WarehouseModule;
let simulator: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: found } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return found;
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const saved = (file: string): Record<string, unknown> => JSON.parse(readFileSync(`${out}/${file}`, 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  port = await freePort();
  module = await warehouseModule();
  demo = await run(process.execPath, [`${REPO_ROOT}scripts/demo.mjs`, '--out', out, '--saved-port', String(port)]);
}, 120_000);
afterAll(() => {
  simulator?.kill();
});

describe('npm run demo', () => {
  it('reads every default stream and the sessions family, and exits 0', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const catalog = saved('catalog.json').streams as Array<{ stream: { name: string } }>;
    const names = catalog.map((e) => e.stream.name);
    for (const name of names) expect(existsSync(`${out}/${name}.jsonl`), name).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['members', 'daily_consumption', 'pr_metrics', 'sessions', 'session_pull_requests', 'session_insights', 'session_messages']));
  });

  it('loads each stream into demo-output/warehouse.duckdb, one row per primary key', async () => {
    const warehouse = await module.openWarehouse(`${out}/warehouse.duckdb`);
    try {
      for (const entry of saved('catalog.json').streams as Array<{ stream: { name: string } }>) {
        const name = entry.stream.name;
        const lines = readFileSync(`${out}/${name}.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
        const { key } = module.tableOf(findStream(name)!);
        const keys = new Set(lines.map((record) => JSON.stringify(key.map((k) => record[k]))));
        const [{ n }] = (await warehouse.query(`SELECT COUNT(*) AS n FROM "${name}"`)) as [{ n: number }];
        expect(n, name).toBe(keys.size);
      }
    } finally {
      warehouse.close();
    }
  });

  it('prints the answer to every question in sql/, from the very files, or one line why it skipped it', async () => {
    const warehouse = await module.openWarehouse(`${out}/warehouse.duckdb`);
    try {
      for (const question of module.questions()) {
        const at = demo.stdout.indexOf(`\n${question.title} (${question.file})\n`);
        expect(at, question.title).toBeGreaterThanOrEqual(0);
        const printed = demo.stdout.slice(at + 1).split('\n\n')[0]!.split('\n').slice(1).join('\n');
        const result = await module.answer(warehouse, question);
        if (result.missing) {
          expect(printed).toBe(`skipped: this read has no ${result.missing} table (a stream this connector version or key scope does not offer)`);
          continue;
        }
        const rows = result.rows!;
        expect(rows.length, question.title).toBeGreaterThan(0);
        const lines = printed.split('\n');
        expect(lines[0]!.split(/\s+/)).toEqual(Object.keys(rows[0]!));
        // The first printed row is the first answer row, value by value.
        const printedValues = lines[2]!.trim().split(/\s+/).map((cell) => (/^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell));
        expect(printedValues).toEqual(Object.values(rows[0]!).filter((v) => v !== null).map((v) => (typeof v === 'number' ? v : String(v))));
        if (rows.length > 8) expect(printed).toContain(`(${rows.length} in all)`);
      }
    } finally {
      warehouse.close();
    }
  });

  it('saves a catalog whose sync modes each stream supports (members full refresh)', () => {
    for (const entry of saved('catalog.json').streams as Array<{ stream: { name: string; supported_sync_modes: string[] }; sync_mode: string }>) {
      const modes = syncModesOf(findStream(entry.stream.name)!);
      expect(entry.stream.supported_sync_modes, entry.stream.name).toEqual(modes);
      expect(modes, entry.stream.name).toContain(entry.sync_mode);
    }
    const members = (saved('catalog.json').streams as Array<{ stream: { name: string; supported_sync_modes: string[] }; sync_mode: string }>).find((e) => e.stream.name === 'members')!;
    expect(members.stream.supported_sync_modes).toEqual(['full_refresh']);
  });

  it('saves a config that works after the demo, against the simulator its saved command starts', async () => {
    const config = saved('config.json');
    expect(config.api_url).toBe(`http://127.0.0.1:${port}`);
    const command = String(config._simulator).split(' ');
    expect(command.slice(0, 4)).toEqual(['npm', 'run', 'simulator', '--']);
    expect(demo.stdout).toContain(String(config._simulator));
    // `npm run simulator` builds (done: the suite's global setup) and runs dist/simulator/cli.js with the arguments after `--`.
    const scripts = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.simulator).toMatch(/&& node dist\/simulator\/cli\.js$/);
    simulator = spawn(process.execPath, [`${REPO_ROOT}dist/simulator/cli.js`, ...command.slice(4)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const [ready] = await createInterface({ input: simulator.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
    expect(JSON.parse(ready!).url).toBe(config.api_url);

    const discover: SpawnedRun = await spawnCli('source-devin', ['discover', '--config', `${out}/config.json`]);
    expect(discover.code, discover.stderr).toBe(0);
    const catalog = discover.messages.find((m) => m.type === 'CATALOG')!.catalog as { streams: Array<{ name: string }> };
    for (const entry of saved('catalog.json').streams as Array<{ stream: { name: string } }>) {
      expect(catalog.streams.map((s) => s.name)).toContain(entry.stream.name);
    }

    expect(demo.stdout).toContain(`node dist/cli/source-devin.cjs read --config ${out}/config.json --catalog ${out}/catalog.json --state ${out}/state.json`);
    const read = await spawnCli('source-devin', ['read', '--config', `${out}/config.json`, '--catalog', `${out}/catalog.json`, '--state', `${out}/state.json`]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.messages.filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')).toEqual([]);
    expect(read.messages.filter((m) => m.type === 'LOG' && (m.log as { level: string }).level === 'WARN')).toEqual([]);
    expect(read.messages.some((m) => m.type === 'RECORD')).toBe(true);
  });
});
