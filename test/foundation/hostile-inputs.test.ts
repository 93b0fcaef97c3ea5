/**
 * Hostile input files (SPEC §8): config, catalog and state files that are missing, unreadable, not
 * JSON, empty, of the wrong shape, naming unknown streams or unsupported sync modes, with impossible
 * dates or absurd numbers. Each one is a single config_error TRACE whose one-line message names the
 * file and the field, exit 1, no stack trace, and nothing else on stdout (runAirbyte validates every
 * line as an AirbyteMessage). A few inputs that look odd but are legitimate are accepted. A stream's state
 * that does not fit the stream is a WARN, not an error (state-forms.test.ts).
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatDay } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runAirbyte } from '../helpers/cli.js';
import { configuredCatalog, tempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { configErrorTrace, messagesOf, type Json } from './support.js';
import { STREAM_NAMES } from '../../src/streams/index.js';

const dir = tempDir();
const SECRET = 'cog_hostile_secret_0042';
/** Never contacted: every case fails before the first request. */
const CONFIG = { api_key: SECRET, api_url: 'http://127.0.0.1:9' };
const CATALOG = configuredCatalog({ members: 'full_refresh', daily_consumption: 'incremental', pr_metrics: 'incremental' });
/** Root reads a chmod 000 file anyway; a loop of symbolic links is unreadable for everyone. */
const RUNNING_AS_ROOT = process.getuid?.() === 0;

type Role = 'config' | 'catalog' | 'state';

interface HostileCase {
  name: string;
  role: Role;
  /** Writes the file (or not) and returns the path to pass. */
  file: (name: string) => string;
  /** The message after "<role> file <path>", exactly, or a precise pattern. */
  expected: string | RegExp;
}

let counter = 0;
const fileName = (role: Role): string => `${role}-${(counter += 1)}.json`;
const json = (value: unknown) => (name: string) => dir.json(name, value);
const text = (value: string) => (name: string) => dir.text(name, value);
const config = (extra: Json) => json({ ...CONFIG, ...extra });
const streamState = (name: string, state: unknown): Json => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });
const catalogOf = (...streams: Json[]) => json({ streams });
const entry = (name: string, syncMode: unknown): Json => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: syncMode, destination_sync_mode: 'append' });

const missing = (name: string): string => dir.path(`absent-${name}`);
const directory = (name: string): string => {
  mkdirSync(dir.path(name));
  return dir.path(name);
};
const unreadable = (name: string): string => {
  const path = dir.path(name);
  if (RUNNING_AS_ROOT) {
    symlinkSync(path, path); // a link to itself: ELOOP, whoever reads it
  } else {
    writeFileSync(path, JSON.stringify(CONFIG));
    chmodSync(path, 0o000);
  }
  return path;
};
const UNREADABLE = RUNNING_AS_ROOT ? ' cannot be read (a loop of symbolic links)' : ' is not readable (permission denied)';

const CASES: HostileCase[] = [
  // ---- config ----
  { name: 'config missing', role: 'config', file: missing, expected: ' does not exist' },
  { name: 'config unreadable', role: 'config', file: unreadable, expected: UNREADABLE },
  { name: 'config is a directory', role: 'config', file: directory, expected: ' is a directory' },
  { name: 'config under a file', role: 'config', file: (n) => `${dir.text(n, '{}')}/config.json`, expected: ' does not exist (a part of its path is a file, not a directory)' },
  { name: 'config not JSON (and the key is not quoted back)', role: 'config', file: text(`{"api_key": "${SECRET}" oops}`), expected: ' is not valid JSON (line 1, column 39)' },
  { name: 'config not JSON on line 3', role: 'config', file: text(`{\n  "api_key": "${SECRET}",\n  "start_date": 2026-01-01\n}`), expected: ' is not valid JSON (line 3, column 21)' },
  { name: 'config binary garbage', role: 'config', file: (n) => { writeFileSync(dir.path(n), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80])); return dir.path(n); }, expected: / is not valid JSON( \(line 1, column \d+\))?$/ },
  { name: 'config empty', role: 'config', file: text(''), expected: ' is empty' },
  { name: 'config whitespace only', role: 'config', file: text(' \n\t\n'), expected: ' is empty' },
  { name: 'config an array', role: 'config', file: json([CONFIG]), expected: ': the config must be a JSON object (got an array)' },
  { name: 'config a string', role: 'config', file: json('cog_abc'), expected: ': the config must be a JSON object (got "cog_abc")' },
  { name: 'config null', role: 'config', file: text('null'), expected: ': the config must be a JSON object (got null)' },
  { name: 'start_date 2026-02-30', role: 'config', file: config({ start_date: '2026-02-30' }), expected: ': start_date must be a real calendar date YYYY-MM-DD (got "2026-02-30")' },
  { name: 'end_date before start_date', role: 'config', file: config({ start_date: '2026-03-05', end_date: '2026-03-01' }), expected: ': start_date 2026-03-05 is after end_date 2026-03-01: the range is empty' },
  { name: 'start_date before 2020', role: 'config', file: config({ start_date: '1999-12-31' }), expected: ': start_date must be 2020-01-01 or later (got "1999-12-31")' },
  { name: 'end_date as a timestamp', role: 'config', file: config({ end_date: '2026-03-01T00:00:00Z' }), expected: ': end_date must be a date written YYYY-MM-DD (got "2026-03-01T00:00:00Z")' },
  { name: 'api_url plain http, not loopback', role: 'config', file: config({ api_url: 'http://devin.internal.example' }), expected: ': api_url must use https:// (plain http:// is allowed only for loopback hosts; got "http://devin.internal.example")' },
  { name: 'api_url http to a look-alike of localhost', role: 'config', file: config({ api_url: 'http://localhost.evil.example' }), expected: ': api_url must use https:// (plain http:// is allowed only for loopback hosts; got "http://localhost.evil.example")' },
  { name: 'api_url with credentials', role: 'config', file: config({ api_url: 'https://admin:hunter2@api.devin.ai' }), expected: ': api_url must not contain a user name or password: the API key goes in api_key' },
  { name: 'window_days 0', role: 'config', file: config({ window_days: 0 }), expected: ': window_days must be at least 1 (got 0)' },
  { name: 'window_days 367', role: 'config', file: config({ window_days: 367 }), expected: ': window_days must be at most 366 (got 367)' },
  { name: 'window_days a float', role: 'config', file: config({ window_days: 7.5 }), expected: ': window_days must be a whole number (got 7.5)' },
  { name: 'lookback_days 100000', role: 'config', file: config({ lookback_days: 100000 }), expected: ': lookback_days must be at most 366 (got 100000)' },
  { name: 'lookback_days a string', role: 'config', file: config({ lookback_days: '7' }), expected: ': lookback_days must be a number (got "7")' },
  { name: 'max_concurrency 10000', role: 'config', file: config({ max_concurrency: 10000 }), expected: ': max_concurrency must be at most 64 (got 10000)' },
  { name: 'max_concurrency 1e400 (Infinity)', role: 'config', file: text(`{"api_key":"${SECRET}","max_concurrency":1e400}`), expected: ': max_concurrency must be a number (got Infinity)' },

  // ---- catalog ----
  { name: 'catalog missing', role: 'catalog', file: missing, expected: ' does not exist' },
  { name: 'catalog unreadable', role: 'catalog', file: unreadable, expected: UNREADABLE },
  { name: 'catalog not JSON', role: 'catalog', file: text('{"streams": [],\n}'), expected: ' is not valid JSON (line 2, column 1)' },
  { name: 'catalog empty', role: 'catalog', file: text(''), expected: ' is empty' },
  { name: 'catalog an array of streams', role: 'catalog', file: json([entry('members', 'full_refresh')]), expected: ': must be a configured catalog: an object with a "streams" array' },
  { name: 'catalog streams not an array', role: 'catalog', file: json({ streams: { members: {} } }), expected: ': must be a configured catalog: an object with a "streams" array' },
  { name: 'catalog with no streams', role: 'catalog', file: json({ streams: [] }), expected: ': lists no streams: select at least one' },
  { name: 'catalog entry without a name', role: 'catalog', file: catalogOf({ stream: {}, sync_mode: 'full_refresh' }), expected: ': streams[0] must have stream.name' },
  { name: 'catalog entry a string', role: 'catalog', file: json({ streams: ['members'] }), expected: ': streams[0] must have stream.name' },
  { name: 'catalog unknown stream', role: 'catalog', file: catalogOf(entry('members', 'full_refresh'), entry('repositories', 'full_refresh')), expected: `: streams[1]: unknown stream "repositories" (this source has ${STREAM_NAMES.join(', ')})` },
  { name: 'catalog members incremental', role: 'catalog', file: catalogOf(entry('members', 'incremental')), expected: ': streams[0]: stream "members" does not support sync_mode incremental (it supports full_refresh)' },
  { name: 'catalog sync_mode INVALID', role: 'catalog', file: catalogOf(entry('pr_metrics', 'INVALID')), expected: ': streams[0]: sync_mode "INVALID" is not full_refresh or incremental' },
  { name: 'catalog sync_mode a number', role: 'catalog', file: catalogOf(entry('pr_metrics', 1)), expected: ': streams[0]: sync_mode 1 is not full_refresh or incremental' },
  { name: 'catalog duplicate stream', role: 'catalog', file: catalogOf(entry('pr_metrics', 'full_refresh'), entry('members', 'full_refresh'), entry('pr_metrics', 'incremental')), expected: ': streams[2]: stream "pr_metrics" is listed twice' },

  // ---- state ----
  { name: 'state missing', role: 'state', file: missing, expected: ' does not exist' },
  { name: 'state unreadable', role: 'state', file: unreadable, expected: UNREADABLE },
  { name: 'state not JSON', role: 'state', file: text('[{"type": "STREAM",'), expected: / is not valid JSON( \(line 1, column \d+\))?$/ },
  { name: 'state a string', role: 'state', file: json('2026-03-01'), expected: ': must be a JSON array of state messages (or a legacy state object)' },
  { name: 'state a number', role: 'state', file: text('42'), expected: ': must be a JSON array of state messages (or a legacy state object)' },
  { name: 'state an array of garbage', role: 'state', file: json([1, 'two', null]), expected: ': entry 0 must be an object' },
  { name: 'state entries of no known type', role: 'state', file: json([{ foo: 'bar' }]), expected: ': entry 0 has none of stream, global or data (type undefined)' },
  { name: 'state STREAM without a descriptor', role: 'state', file: json([{ type: 'STREAM', stream: { stream_state: { date: '2026-03-01' } } }]), expected: ': entry 0 must have stream_descriptor.name' },
  { name: 'GLOBAL state without stream_states', role: 'state', file: json([{ type: 'GLOBAL', global: { shared_state: {} } }]), expected: ': entry 0 is GLOBAL state without global.stream_states' },
  { name: 'LEGACY state without data', role: 'state', file: json([{ type: 'LEGACY' }]), expected: ': entry 0 is LEGACY state without a data object' },
];

describe('hostile input files', () => {
  beforeAll(() => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s → one config_error TRACE naming the file and the field, exit 1', async (_name, c) => {
    const path = c.file(fileName(c.role));
    const files: Record<Role, string> = {
      config: c.role === 'config' ? path : dir.json(fileName('config'), CONFIG),
      catalog: c.role === 'catalog' ? path : dir.json(fileName('catalog'), CATALOG),
      state: c.role === 'state' ? path : dir.json(fileName('state'), []),
    };
    const run = await runAirbyte(['read', '--config', files.config, '--catalog', files.catalog, '--state', files.state], { now: () => FIXED_NOW });
    const message = configErrorTrace(run);
    const prefix = `${c.role} file ${path}`;
    expect(message.startsWith(prefix), message).toBe(true);
    const rest = message.slice(prefix.length);
    if (typeof c.expected === 'string') expect(rest).toBe(c.expected);
    else expect(rest).toMatch(c.expected);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).not.toContain('hunter2');
  });

  it('discover reports a hostile config file the same way', async () => {
    const path = dir.text('discover-broken.json', `{"api_key": "${SECRET}",`);
    const run = await runAirbyte(['discover', '--config', path]);
    expect(configErrorTrace(run)).toBe(`config file ${path} is not valid JSON (line 1, column 39)`);
    expect(run.stdout).not.toContain(SECRET);
  });

  it('check answers a hostile config file with one CONNECTION_STATUS (FAILED, exit 0)', async () => {
    for (const [path, reason] of [
      [missing('check.json'), 'does not exist'],
      [dir.text('check-broken.json', `{"api_key": "${SECRET}"`), 'is not valid JSON'],
      [dir.text('check-empty.json', ''), 'is empty'],
    ] as const) {
      const run = await runAirbyte(['check', '--config', path]);
      expect(run.code).toBe(0);
      expect(run.messages).toEqual([
        { type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: expect.stringMatching(new RegExp(`^config_error: config file ${path} ${reason}`)) } },
      ]);
      expect(run.stdout).not.toContain(SECRET);
    }
  });
});

describe('odd but legitimate state files are accepted', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ members: 3, days: 20, now: () => FIXED_NOW });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.clearRequests());

  /** The first billing day pr_metrics asked for (lookback 0, so it is the cursor day or start_date). */
  function firstPrDay(): string {
    const afters = sim.requests.filter((r) => r.path.endsWith('/metrics/prs')).map((r) => Number(r.query.time_after?.[0]));
    return formatDay(Math.floor((Math.min(...afters) - 8 * 3600) / 86_400));
  }

  const CURSOR = '2026-03-05';
  const ok = streamState('pr_metrics', { date: CURSOR });
  it.each([
    ['an empty file (a first sync)', '', '2026-02-25'],
    ['an empty array', '[]', '2026-02-25'],
    ['a STREAM array', JSON.stringify([ok]), CURSOR],
    ['a state for an unknown stream, even a malformed one (ignored)', JSON.stringify([streamState('playbooks', { date: 'garbage' }), ok]), CURSOR],
    ['a legacy object (stream → state)', JSON.stringify({ pr_metrics: { date: CURSOR }, sessions: { date: 'garbage' } }), CURSOR],
    ['a Singer bookmarks object', JSON.stringify({ bookmarks: { pr_metrics: { replication_key: 'date', replication_key_value: CURSOR } } }), CURSOR],
    ['a GLOBAL state (its stream_states are used)', JSON.stringify([{ type: 'GLOBAL', global: { shared_state: {}, stream_states: [ok.stream] } }]), CURSOR],
    ['whole STATE lines saved from stdout', JSON.stringify([{ type: 'STATE', state: ok }]), CURSOR],
    ['a UTF-8 BOM before the JSON', `\uFEFF${JSON.stringify([ok])}`, CURSOR],
  ])('%s', async (_name, stateText, firstDay) => {
    const configPath = dir.json(fileName('config'), { api_key: KEY_ENTERPRISE, api_url: sim.url, start_date: '2026-02-25', lookback_days: 0 });
    const catalogPath = dir.json(fileName('catalog'), configuredCatalog({ pr_metrics: 'incremental' }));
    const statePath = dir.text(fileName('state'), stateText);
    const run = await runAirbyte(['read', '--config', configPath, '--catalog', catalogPath, '--state', statePath], { now: () => FIXED_NOW });
    expect(run.code, run.stdout.slice(-1000)).toBe(0);
    expect(messagesOf(run, 'RECORD').length).toBeGreaterThan(0);
    expect(firstPrDay()).toBe(firstDay);
  });
});
