/**
 * Issue 14 point 7: the README's one command that turns a read's stdout into the next --state file,
 * taken from the README's `state-command` section and run exactly as written (bash, in the folder of
 * a real read's saved output); its file, fed back as --state, resumes every stream from its cursor.
 * `grep STATE`, what users tried before, gives a file the connector refuses.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatDay, parseDay } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { REPO_ROOT, runAirbyte, type CliRun } from '../helpers/cli.js';
import { configuredCatalog, tempDir } from '../helpers/files.js';
import { FIXED_NOW, recordsOf, statesOf, streamStateOf, type Record_ } from '../helpers/read.js';

const LOOKBACK = 3;
const streams = { members: 'full_refresh', daily_consumption: 'incremental', pr_metrics: 'incremental', sessions: 'incremental' } as const;
const dir = tempDir();
let sim: Simulator;
let first: CliRun;

/** The shell command of the README's state-command section (exactly one). */
function readmeCommand(): string {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('<!-- section:state-command -->'), readme.indexOf('<!-- /section:state-command -->'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

const read = (state?: string): Promise<CliRun> => {
  const argv = ['read', '--config', dir.path('config.json'), '--catalog', dir.path('catalog.json')];
  return runAirbyte(state ? [...argv, '--state', state] : argv, { now: () => FIXED_NOW });
};

beforeAll(async () => {
  sim = await startSimulator({ members: 8, days: 30, now: () => FIXED_NOW });
  dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: '2026-02-15', end_date: '2026-03-01', lookback_days: LOOKBACK });
  dir.json('catalog.json', configuredCatalog(streams));
  first = await read();
  expect(first.code, first.stderr).toBe(0);
  writeFileSync(dir.path('messages.jsonl'), first.stdout);
  // The second read goes on to today: drop end_date.
  dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: '2026-02-15', lookback_days: LOOKBACK });
});
afterAll(() => sim?.close());

it("the README's command writes the last STATE of each stream as one JSON array", () => {
  execFileSync('bash', ['-c', readmeCommand()], {
    cwd: dirname(dir.path('messages.jsonl')),
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
  });
  const written = JSON.parse(readFileSync(dir.path('state.json'), 'utf8')) as Record_[];
  const last = new Map<string, Record_>();
  for (const state of statesOf(first)) last.set(((state.stream as Record_).stream_descriptor as Record_).name as string, state);
  expect(last.size).toBe(Object.keys(streams).length);
  expect(written).toEqual([...last.values()]);
});

it('fed back as --state, every stream resumes from its cursor without a warning', async () => {
  const second = await read(dir.path('state.json'));
  expect(second.code, second.stderr).toBe(0);
  const warnings = second.messages.filter((m) => m.type === 'LOG' && (m.log as Record_).level === 'WARN');
  expect(warnings).toEqual([]);
  for (const name of ['daily_consumption', 'pr_metrics']) {
    const cursor = streamStateOf(statesOf(first, name).at(-1)!).date as string;
    expect(cursor).toBe('2026-03-01');
    const dates = recordsOf(second, name).map((r) => r.date as string).sort();
    // From the cursor minus the lookback, not from start_date.
    expect(dates[0], name).toBe(formatDay(parseDay(cursor)! - LOOKBACK));
  }
  const sessionCursor = streamStateOf(statesOf(first, 'sessions').at(-1)!).updated_at as string;
  const updated = recordsOf(second, 'sessions').map((r) => r.updated_at as string);
  expect(updated.length).toBeGreaterThan(0);
  expect(updated.every((t) => Date.parse(t) >= Date.parse(sessionCursor) - LOOKBACK * 86_400_000)).toBe(true);
});

it('a `grep STATE` file is refused, as the README says', async () => {
  const grepped = first.stdout.split('\n').filter((line) => line.includes('STATE')).join('\n');
  const run = await read(dir.text('grepped.json', `${grepped}\n`));
  expect(run.code).not.toBe(0);
  const error = run.messages.find((m) => m.type === 'TRACE' && (m.trace as Record_).type === 'ERROR')!;
  expect((error.trace as Record_).error).toMatchObject({ failure_type: 'config_error' });
  expect(((error.trace as Record_).error as Record_).message).toMatch(/state file .* is not valid JSON/);
});
