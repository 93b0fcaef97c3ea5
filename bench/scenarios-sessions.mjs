// The sessions scenario of bench/run.mjs (issue 11): `source-devin read` of the sessions family's
// default streams (sessions + session_pull_requests, full refresh, every day of the history, which
// shares each sessions page between the two) against the bare-loop floor over the same pages
// (bench/floor-sessions.mjs), at two session counts, so that peak RSS can be seen to stay flat.
// Result: connector ÷ floor on wall time (best of the runs, interleaved), records/s, requests ÷ the
// pages SPEC §6 implies (one pass over the pages of each window), peak RSS per size.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDay, measureNode, startSimServer, statsDelta } from './lib.mjs';

const KEY = 'cog_sim_enterprise';
const SIZES = [50_000, 200_000];
const MEMBERS = 2_000;
const DAYS = 120;
const DAY = 86_400;
const WINDOW = 100 * DAY;

async function measured(sim, args) {
  const before = await sim.stats();
  const run = await measureNode(args);
  if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr.slice(0, 300)}`);
  return { ...run, ...statsDelta(before, await sim.stats()) };
}

/** The windows the connector asks for: start_date 08:00Z to now, at most 100 days each (SPEC §13). */
function windowsOf(firstDay, nowSeconds) {
  const windows = [];
  for (let after = firstDay * DAY + 8 * 3_600; after < nowSeconds; after += WINDOW) windows.push([after, Math.min(after + WINDOW, nowSeconds)]);
  return windows;
}

async function oneSize(sessions, { scratch, runs, log }) {
  const sim = await startSimServer({ members: MEMBERS, days: DAYS, sessions, seed: 42 });
  const config = join(scratch, `sessions-${sessions}.config.json`);
  writeFileSync(config, JSON.stringify({ api_key: KEY, api_url: sim.url, scope: 'enterprise', start_date: formatDay(sim.firstDay) }));
  const catalog = join(scratch, 'sessions.catalog.json');
  writeFileSync(
    catalog,
    JSON.stringify({
      streams: ['sessions', 'session_pull_requests'].map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      })),
    }),
  );
  const connectorArgs = ['dist/cli/source-devin.cjs', 'read', '--config', config, '--catalog', catalog];
  const floors = [];
  const connectors = [];
  let floorCounts;
  try {
    for (let i = 0; i < runs; i += 1) {
      const windows = windowsOf(sim.firstDay, Math.floor(Date.now() / 1000));
      const floor = await measured(sim, ['bench/floor-sessions.mjs', JSON.stringify({ url: sim.url, key: KEY, windows })]);
      floorCounts = JSON.parse(floor.stderr.trim().split('\n').at(-1) ?? '{}');
      floors.push(floor);
      connectors.push(await measured(sim, connectorArgs));
      log(`  sessions ${sessions}: floor ${(floor.wallMs / 1000).toFixed(2)} s, connector ${(connectors.at(-1).wallMs / 1000).toFixed(2)} s`);
    }
  } finally {
    await sim.close();
  }
  const best = (list) => list.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const c = best(connectors);
  const f = best(floors);
  return {
    sessions,
    records: floorCounts?.records,
    pages: floorCounts?.pages,
    // /v3/self + the session pages; the floor asks exactly those pages.
    requests: c.requests,
    minimumRequests: (floorCounts?.pages ?? 0) + 1,
    connectorSeconds: c.wallMs / 1000,
    floorSeconds: f.wallMs / 1000,
    floorRatio: c.wallMs / f.wallMs,
    sessionsPerSecond: (floorCounts?.records ?? 0) / (c.wallMs / 1000),
    connectorCpuSeconds: c.cpuMs / 1000,
    connectorPeakRssMb: Math.max(...connectors.map((r) => r.peakRssMb)),
  };
}

export async function sessionsScenario({ scratch, runs = 3, log = () => {} }) {
  const sizes = [];
  for (const sessions of SIZES) sizes.push(await oneSize(sessions, { scratch, runs, log }));
  return { scenario: 'sessions', members: MEMBERS, days: DAYS, runs, sizes };
}

const fixed = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));

export function sessionsReport(result) {
  const largest = result.sizes.at(-1);
  const smallest = result.sizes[0];
  const growth = largest.connectorPeakRssMb / smallest.connectorPeakRssMb;
  return {
    lines: [
      `Sessions (${result.members.toLocaleString('en-US')} members, ${result.days} days, sessions + session_pull_requests, full refresh, best of ${result.runs} interleaved):`,
      '',
      '| sessions | pages | requests ÷ minimum | sessions/s | connector s | floor s | connector ÷ floor | CPU s | peak RSS MB |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...result.sizes.map(
        (r) =>
          `| ${r.sessions.toLocaleString('en-US')} | ${r.pages} | ${r.requests} ÷ ${r.minimumRequests} = ${fixed(r.requests / r.minimumRequests, 3)} | ` +
          `${Math.round(r.sessionsPerSecond).toLocaleString('en-US')} | ${fixed(r.connectorSeconds)} | ${fixed(r.floorSeconds)} | **${fixed(r.floorRatio)}** | ` +
          `${fixed(r.connectorCpuSeconds)} | ${fixed(r.connectorPeakRssMb, 0)} |`,
      ),
      '',
    ],
    targets: [
      `| sessions: connector ÷ floor at ${largest.sessions.toLocaleString('en-US')} sessions ≤ 1.3 | ${fixed(largest.floorRatio)} | ${largest.floorRatio <= 1.3 ? 'met' : '**not met**'} |`,
      `| sessions: peak RSS flat (≤ 1.25×) | ${fixed(smallest.connectorPeakRssMb, 0)} → ${fixed(largest.connectorPeakRssMb, 0)} MB (${fixed(growth)}×) | ${growth <= 1.25 ? 'met' : '**not met**'} |`,
    ],
  };
}
