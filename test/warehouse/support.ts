/** Typed access to scripts/warehouse.mjs (the loader and SQL runner the demo uses) for the warehouse tests. */
import { REPO_ROOT, runAirbyte, type CliRun } from '../helpers/cli.js';
import { configuredCatalog, type SyncModeName, type TempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { StreamDeclaration } from '../../src/streams/types.js';

export type Row = Record<string, unknown>;

export interface Warehouse {
  query(sql: string): Promise<Row[]>;
  tables(): Promise<string[]>;
  close(): void;
}

export interface Question {
  name: string;
  file: string;
  title: string;
  sql: string;
}

export interface WarehouseModule {
  openWarehouse(path: string): Promise<Warehouse>;
  loadRead(
    warehouse: Warehouse,
    streams: readonly StreamDeclaration[],
    records: Map<string, Row[]>,
    modes: Record<string, string>,
  ): Promise<void>;
  recordsByStream(messages: readonly Row[]): Map<string, Row[]>;
  tableOf(stream: StreamDeclaration): { name: string; columns: Array<{ name: string; type: string }>; key: string[] };
  questions(): Question[];
  answer(warehouse: Warehouse, question: Question): Promise<{ rows?: Row[]; missing?: string }>;
}

export async function warehouseModule(): Promise<WarehouseModule> {
  return (await import(new URL('scripts/warehouse.mjs', `file://${REPO_ROOT}`).href)) as WarehouseModule;
}

export function question(module: WarehouseModule, name: string): Question {
  const found = module.questions().find((q) => q.name === name);
  if (!found) throw new Error(`no sql/${name}.sql`);
  return found;
}

/**
 * One in-process `source-devin read` against the simulator, usable in beforeAll (readWith's scratch
 * files belong to a test): config, catalog and state go to `dir`.
 */
export async function readInto(
  dir: TempDir,
  tag: string,
  args: { sim: Simulator; config: Record<string, unknown>; streams: Record<string, SyncModeName>; state?: unknown; now?: number },
): Promise<CliRun> {
  const argv = [
    'read',
    '--config', dir.json(`${tag}-config.json`, { api_url: args.sim.url, ...args.config }),
    '--catalog', dir.json(`${tag}-catalog.json`, configuredCatalog(args.streams)),
  ];
  if (args.state !== undefined) argv.push('--state', dir.json(`${tag}-state.json`, args.state));
  const now = args.now ?? FIXED_NOW;
  return runAirbyte(argv, { now: () => now });
}
