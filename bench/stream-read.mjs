// The generic stream scenario of bench/run.mjs (directory, consumption, all-default-streams): one
// `source-devin read` of a catalog, full refresh, enterprise key, every day of the simulator's history,
// at several sizes, against the generic floor (bench/floor-listings.mjs) doing the same requests.
//
// Per size: a first connector run with stdout counted (not timed) gives the records and the
// simulator's request tally by route; the floor then follows exactly the listings that run started;
// then floor and connector alternate, stdout to /dev/null, best run of each. The bench stops unless
// every timed connector run made the counted run's requests and the floor made the same distinct
// requests. requests ÷ minimum comes from bench/minimum.mjs (SPEC §6, route by route).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimumByRoute } from './minimum.mjs';
import { formatDay, measureNode, recordCounter, startSimServer, statsDelta, writeCatalog } from './lib.mjs';

const KEY = 'cog_sim_enterprise';
const CONCURRENCY = 8;
const WINDOW_DAYS = 90;
const DAY = 86_400;
const SESSION_WINDOW_DAYS = 100;

async function measured(sim, args, options) {
  const before = await sim.stats();
  const run = await measureNode(args, options);
  if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr.slice(0, 300)}`);
  return { ...run, ...statsDelta(before, await sim.stats()) };
}

const orgList = (count) => Array.from({ length: count }, (_, i) => `org-bench-${String(i).padStart(4, '0')}`);

/**
 * One size: `{ label, members, days, orgs, sessions }` (the simulator's data), read with `streams`.
 * `orgs` is a count: the enterprise's organizations (each with its service users).
 */
async function oneSize(name, size, streams, { scratch, runs, log }) {
  const { members, days, orgs = 2, sessions = 200 } = size;
  const sim = await startSimServer({ members, days, sessions, orgs: orgList(orgs), seed: 42, tally: true });
  try {
    const file = (suffix) => join(scratch, `${name}-${size.label}.${suffix}`);
    const config = file('config.json');
    writeFileSync(config, JSON.stringify({ api_key: KEY, api_url: sim.url, start_date: formatDay(sim.firstDay), window_days: WINDOW_DAYS }));
    const catalog = writeCatalog(file('catalog.json'), streams);
    const connectorArgs = ['dist/cli/source-devin.cjs', 'read', '--config', config, '--catalog', catalog];

    // Counted run: records, and the requests by route.
    await sim.resetRoutes();
    const counter = recordCounter();
    const startedSeconds = Date.now() / 1000;
    const counted = await measured(sim, connectorArgs, { onStdout: counter.onStdout });
    const { routes: tally, listings } = await sim.routes();
    const distinct = Object.values(tally).reduce((sum, route) => sum + route.firstPages + route.laterPages, 0);
    const span = startedSeconds - (sim.firstDay * DAY + 8 * 3_600);
    const read = {
      days: sim.today - sim.firstDay + 1,
      windowDays: WINDOW_DAYS,
      sessionWindows: Math.ceil(span / (SESSION_WINDOW_DAYS * DAY)),
      streams,
    };
    const economy = minimumByRoute(tally, sim, read);

    const floorInput = file('floor.json');
    writeFileSync(floorInput, JSON.stringify({ url: sim.url, key: KEY, concurrency: CONCURRENCY, listings }));
    const floorArgs = ['bench/floor-listings.mjs', floorInput];
    const floors = [];
    const connectors = [];
    for (let i = 0; i < runs; i += 1) {
      let out = '';
      const floor = await measured(sim, floorArgs, { onStdout: (chunk) => (out += chunk) });
      const floorCounts = JSON.parse(out);
      if (floorCounts.requests !== distinct) throw new Error(`${name} ${size.label}: the floor made ${floorCounts.requests} requests, the connector ${distinct} distinct ones`);
      floors.push(floor);
      const connector = await measured(sim, connectorArgs);
      if (connector.requests !== counted.requests) throw new Error(`${name} ${size.label}: a timed run made ${connector.requests} requests, the counted run ${counted.requests}`);
      connectors.push(connector);
      log(`  ${name} ${size.label} run ${i + 1}/${runs}: floor ${(floor.wallMs / 1000).toFixed(2)} s, connector ${(connector.wallMs / 1000).toFixed(2)} s`);
    }
    const best = (list) => list.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const c = best(connectors);
    const f = best(floors);
    return {
      label: size.label,
      members,
      days,
      orgs,
      serviceUsers: sim.serviceUsers,
      sessions,
      records: counter.records,
      requests: counted.requests,
      minimumRequests: economy.minimum,
      requestsRatio: economy.ratio,
      routes: economy.routes,
      recordsPerSecond: counter.records / (c.wallMs / 1000),
      connectorSeconds: c.wallMs / 1000,
      floorSeconds: f.wallMs / 1000,
      floorRatio: c.wallMs / f.wallMs,
      connectorCpuSeconds: c.cpuMs / 1000,
      floorCpuSeconds: f.cpuMs / 1000,
      connectorPeakRssMb: Math.max(...connectors.map((r) => r.peakRssMb)),
      floorPeakRssMb: Math.max(...floors.map((r) => r.peakRssMb)),
      countedRunSeconds: counted.wallMs / 1000,
    };
  } finally {
    await sim.close();
  }
}

/**
 * Runs `sizes` (each with its `streams`, or the scenario's) and returns the result line;
 * `floorTarget`: connector ÷ floor ≤ 1.3 at the largest size is a target row.
 */
export async function streamScenario({ name, title, streams, sizes, floorTarget = false }, { scratch, runs = 3, log = () => {} }) {
  const results = [];
  for (const size of sizes) {
    log(`${name} ${size.label}…`);
    results.push(await oneSize(name, size, size.streams ?? streams, { scratch, runs, log }));
  }
  return { scenario: name, title, streams, runs, floorTarget, sizes: results };
}

const fixed = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const thousands = (value) => Math.round(value).toLocaleString('en-US');
const verdict = (ok) => (ok ? 'met' : '**not met**');
const sizeText = (r) => `${thousands(r.members)} members × ${r.days} days, ${r.orgs} orgs, ${r.serviceUsers} service users, ${thousands(r.sessions)} sessions`;

/** The table and target rows of one stream scenario. */
export function streamReport(result) {
  const largest = result.sizes.at(-1);
  const smallest = result.sizes[0];
  const growth = largest.connectorPeakRssMb / smallest.connectorPeakRssMb;
  const worst = Math.max(...result.sizes.map((r) => r.requestsRatio));
  // Routes whose requests differ from their minimum, or whose minimum comes from the log: say which.
  const notes = result.sizes.flatMap((r) =>
    r.routes
      .filter((route) => route.requests !== route.minimum || route.rule === 'log')
      .map((route) => `${r.label}: \`${route.pattern}\` ${route.requests} requests, minimum ${route.minimum} (${route.rule})`),
  );
  return {
    lines: [
      `${result.title} (\`--only ${result.scenario}\`; ${result.streams.join(', ')}; full refresh, enterprise key, window_days ${WINDOW_DAYS}, best of ${result.runs} interleaved with the floor):`,
      '',
      '| size | records | records/s | requests ÷ minimum | connector s | floor s | connector ÷ floor | CPU s connector / floor | peak RSS MB connector / floor |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...result.sizes.map(
        (r) =>
          `| ${sizeText(r)} | ${thousands(r.records)} | ${thousands(r.recordsPerSecond)} | ${r.requests} ÷ ${r.minimumRequests} = ${fixed(r.requestsRatio, 3)} | ` +
          `${fixed(r.connectorSeconds)} | ${fixed(r.floorSeconds)} | **${fixed(r.floorRatio)}** | ${fixed(r.connectorCpuSeconds)} / ${fixed(r.floorCpuSeconds)} | ` +
          `${fixed(r.connectorPeakRssMb, 0)} / ${fixed(r.floorPeakRssMb, 0)} |`,
      ),
      '',
      ...(notes.length > 0 ? [`Routes off their minimum, or with a minimum taken from the request log: ${notes.join('; ')}.`, ''] : []),
    ],
    targets: [
      ...(result.floorTarget
        ? [`| ${result.scenario}: connector ÷ floor ≤ 1.3 at the largest size | ${fixed(largest.floorRatio)} | ${verdict(largest.floorRatio <= 1.3)} |`]
        : []),
      `| ${result.scenario}: requests ÷ minimum ≤ 1.05 | ${fixed(worst, 3)} (worst size) | ${verdict(worst <= 1.05)} |`,
      `| ${result.scenario}: peak RSS flat, smallest → largest (≤ 1.25×) | ${fixed(smallest.connectorPeakRssMb, 0)} → ${fixed(largest.connectorPeakRssMb, 0)} MB (${fixed(growth)}×) | ${verdict(growth <= 1.25)} |`,
    ],
  };
}
