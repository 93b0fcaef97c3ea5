// `npm run bench`: the connector side by side with the floor, a rate-limited read and cold start.
// Everything measured runs as its own process: the simulator (bench/sim-server.mjs), the floor
// (bench/floor.mjs) and the connector (`node dist/cli/source-devin.cjs read`, as Airbyte runs it).
// Speed is measured here, never asserted in the test suite. See BENCHMARKS.md.
//
//   node bench/run.mjs [--write] [--only throughput,ratelimit,random429,serial,coldstart,startup,singer,sessions,directory,consumption,all] [--sizes 200x30,2000x120]
//   --write   replace the results block of BENCHMARKS.md with this run's table
//   --quick   one timed run per scenario (start-up: 5): every target, in less time
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CLASSIC_STREAMS, formatDay, measureNode, median, recordCounter, ROOT, rssSource, startSimServer, statsDelta, writeCatalog } from './lib.mjs';
import { PARTS as RATE_LIMIT_PARTS, reportRateLimitScenarios, runRateLimitScenarios } from './scenarios-ratelimit.mjs';
import { singerReport, singerScenario } from './scenarios-singer.mjs';
import { startupReport, startupScenario } from './scenarios-startup.mjs';
import { sessionsReport, sessionsScenario } from './scenarios-sessions.mjs';
import { directoryReport, directoryScenario } from './scenarios-directory.mjs';
import { consumptionReport, consumptionScenario } from './scenarios-consumption.mjs';
import { allReport, allScenario } from './scenarios-all.mjs';

/** Stream scenarios (bench/stream-read.mjs): `--only` name → scenario and report. */
const STREAM_SCENARIOS = {
  directory: [directoryScenario, directoryReport],
  consumption: [consumptionScenario, consumptionReport],
  all: [allScenario, allReport],
};

const { values: flags } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    only: { type: 'string' },
    sizes: { type: 'string', default: '200x30,2000x120,10000x365' },
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
// --quick: every scenario and target, one timed run each (start-up: 5), for a first look; the
// numbers to quote come from the default runs.
if (flags.quick) flags.runs ??= '1';
const KNOWN_PARTS = ['throughput', 'ratelimit', ...RATE_LIMIT_PARTS, 'coldstart', 'startup', 'singer', 'sessions', ...Object.keys(STREAM_SCENARIOS)];
const parts = new Set(flags.only?.split(',') ?? KNOWN_PARTS);
for (const part of parts) if (!KNOWN_PARTS.includes(part)) throw new Error(`--only: unknown part ${part} (known: ${KNOWN_PARTS.join(', ')})`);
const SIZES = flags.sizes.split(',').map((text) => {
  const [members, days] = text.split('x').map(Number);
  return { members, days };
});
const KEY = 'cog_sim_enterprise';
const WINDOW_DAYS = 90;
/** The connector's default max_concurrency; the floor gets the same. */
const CONCURRENCY = 8;
const PAGE_SIZE = 200;
const RATE_LIMIT = { ratePerSecond: 50, latencyMs: 20, members: 1_000, days: 60 };
const COLD_RUNS = 15;

const scratch = mkdtempSync(join(tmpdir(), 'source-devin-bench-'));
const log = (text) => process.stderr.write(`${text}\n`);
const emit = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);

/** SPEC §6 request economy: member pages + members × ceil(days ÷ window) + days (pr_metrics day) + /v3/self. */
function minimumRequests(sim, days) {
  const pages = (count) => Math.max(1, Math.ceil(count / PAGE_SIZE));
  const members = sim.direct + sim.idp - sim.both;
  return pages(sim.direct) + pages(sim.idp) + members * Math.ceil(days / WINDOW_DAYS) + days + 1;
}

function connectorFiles(sim, name) {
  const config = join(scratch, `${name}.config.json`);
  // Every day of the simulator's history, the three streams of version 1, full refresh.
  writeFileSync(config, JSON.stringify({ api_key: KEY, api_url: sim.url, start_date: formatDay(sim.firstDay), window_days: WINDOW_DAYS }));
  const catalog = writeCatalog(join(scratch, 'classic.catalog.json'), CLASSIC_STREAMS);
  return ['dist/cli/source-devin.cjs', 'read', '--config', config, '--catalog', catalog];
}

async function measured(sim, args, options) {
  const before = await sim.stats();
  const run = await measureNode(args, options);
  const delta = statsDelta(before, await sim.stats());
  if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
  return { ...run, ...delta };
}

async function throughput({ members, days }) {
  const sim = await startSimServer({ members, days, seed: 42 });
  sim.both = sim.direct + sim.idp - members;
  const minimum = minimumRequests(sim, days);
  const floorArgs = [
    'bench/floor.mjs',
    JSON.stringify({ url: sim.url, key: KEY, firstDay: sim.firstDay, today: sim.today, windowDays: WINDOW_DAYS, concurrency: CONCURRENCY }),
  ];
  const connectorArgs = connectorFiles(sim, `${members}x${days}`);
  const runs = Number(flags.runs ?? 3);
  const floors = [];
  const connectors = [];
  let records;
  // Interleaved, floor first: whichever runs first also warms the simulator up.
  for (let i = 0; i < runs; i += 1) {
    let out = '';
    const floor = await measured(sim, floorArgs, { onStdout: (chunk) => (out += chunk) });
    records = JSON.parse(out).records;
    floors.push(floor);
    connectors.push(await measured(sim, connectorArgs));
    log(`  ${members}×${days} run ${i + 1}/${runs}: floor ${(floor.wallMs / 1000).toFixed(2)} s, connector ${(connectors.at(-1).wallMs / 1000).toFixed(2)} s`);
  }
  // Correctness, not speed (stdout piped here, not timed): the connector emits the records the floor saw.
  const counter = recordCounter();
  const countedRun = await measured(sim, connectorArgs, { onStdout: counter.onStdout });
  if (counter.records !== records) throw new Error(`connector emitted ${counter.records} records, the floor saw ${records}`);
  if (countedRun.requests !== connectors[0].requests) throw new Error('the counted run made a different number of requests');
  await sim.close();
  const best = (list) => list.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const c = best(connectors);
  const f = best(floors);
  const result = {
    scenario: 'throughput',
    members,
    days,
    records,
    requests: c.requests,
    minimumRequests: minimum,
    requestsRatio: c.requests / minimum,
    connectorSeconds: c.wallMs / 1000,
    floorSeconds: f.wallMs / 1000,
    floorRatio: c.wallMs / f.wallMs,
    recordsPerSecond: records / (c.wallMs / 1000),
    requestsPerSecond: c.requests / (c.wallMs / 1000),
    connectorCpuSeconds: c.cpuMs / 1000,
    floorCpuSeconds: f.cpuMs / 1000,
    simulatorCpuSeconds: c.simCpuMs / 1000,
    connectorPeakRssMb: Math.max(...connectors.map((r) => r.peakRssMb)),
    floorPeakRssMb: Math.max(...floors.map((r) => r.peakRssMb)),
    runs,
    connectorRunsSeconds: connectors.map((r) => r.wallMs / 1000),
    floorRunsSeconds: floors.map((r) => r.wallMs / 1000),
    countedRunSeconds: countedRun.wallMs / 1000,
  };
  emit(result);
  return result;
}

async function rateLimited() {
  const { ratePerSecond, latencyMs, members, days } = RATE_LIMIT;
  const sim = await startSimServer({ members, days, seed: 42, latencyMs, rateLimit: { ratePerSecond } });
  sim.both = sim.direct + sim.idp - members;
  const minimum = minimumRequests(sim, days);
  const run = await measured(sim, connectorFiles(sim, 'ratelimit'));
  await sim.close();
  const seconds = run.wallMs / 1000;
  const rejected = run.byStatus[429] ?? 0;
  const result = {
    scenario: 'rate-limited',
    members,
    days,
    limit: ratePerSecond,
    latencyMs,
    requests: run.requests,
    minimumRequests: minimum,
    rateLimited: rejected,
    share429: rejected / run.requests,
    seconds,
    achievedRate: (run.requests - rejected) / seconds,
    limitUse: (run.requests - rejected) / seconds / ratePerSecond,
    idealSeconds: minimum / ratePerSecond,
    timeRatio: seconds / (minimum / ratePerSecond),
    peakRssMb: run.peakRssMb,
  };
  emit(result);
  return result;
}

function coldStart() {
  const wall = (args) => {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return performance.now() - started;
  };
  const spec = [];
  const bare = [];
  for (let i = 0; i < COLD_RUNS; i += 1) {
    bare.push(wall(['-e', '0']));
    spec.push(wall(['dist/cli/source-devin.cjs', 'spec']));
  }
  const result = {
    scenario: 'cold-start',
    runs: COLD_RUNS,
    specMs: median(spec),
    bareNodeMs: median(bare),
    ratio: median(spec) / median(bare),
  };
  emit(result);
  return result;
}

function machine() {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return `${model.trim()}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

const fixed = (value, digits = 2) => (value === undefined ? '–' : value.toFixed(digits));
const thousands = (value) => Math.round(value).toLocaleString('en-US');
const verdict = (ok) => (ok ? 'met' : '**not met**');

function report(sizes, limited, cold, extra = []) {
  const lines = [];
  lines.push(`Machine: ${machine()}  `);
  lines.push(`Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC  `);
  lines.push(`Command: \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`  `);
  lines.push(
    `Concurrency: ${CONCURRENCY} requests in flight for both the connector (default max_concurrency) and the floor; ` +
      `window_days ${WINDOW_DAYS}; the throughput table reads the three streams of version 1 (members, daily_consumption, pr_metrics), full refresh, enterprise key; stdout to /dev/null. ` +
      `Peak RSS: ${rssSource}. Times are the best of the runs listed.`,
  );
  lines.push('');
  if (sizes.length > 0) {
    lines.push('| members × days | records | records/s | requests/s | requests ÷ minimum | connector s | floor s | connector ÷ floor | CPU s connector / floor / simulator | peak RSS MB connector / floor |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of sizes) {
      lines.push(
        `| ${thousands(r.members)} × ${r.days} | ${thousands(r.records)} | ${thousands(r.recordsPerSecond)} | ${thousands(r.requestsPerSecond)} | ` +
          `${r.requests} ÷ ${r.minimumRequests} = ${fixed(r.requestsRatio, 3)} | ${fixed(r.connectorSeconds)} | ${fixed(r.floorSeconds)} | ` +
          `**${fixed(r.floorRatio)}** | ${fixed(r.connectorCpuSeconds)} / ${fixed(r.floorCpuSeconds)} / ${fixed(r.simulatorCpuSeconds)} | ` +
          `${fixed(r.connectorPeakRssMb, 0)} / ${fixed(r.floorPeakRssMb, 0)} |`,
      );
    }
    lines.push('');
  }
  if (limited) {
    lines.push(
      `Rate-limited (${limited.members} members × ${limited.days} days, token bucket ${limited.limit} requests/s, ${limited.latencyMs} ms latency): ` +
        `${limited.requests} requests (minimum ${limited.minimumRequests}) in ${fixed(limited.seconds)} s; ` +
        `achieved ${fixed(limited.achievedRate, 1)} accepted requests/s = **${fixed(limited.limitUse)}** of the limit; ` +
        `${limited.rateLimited} answers 429 = **${fixed(limited.share429 * 100, 1)} %**; time ÷ ideal (${fixed(limited.idealSeconds, 1)} s) = **${fixed(limited.timeRatio)}**.`,
    );
    lines.push('');
  }
  if (cold) {
    lines.push(
      `Cold start (median of ${cold.runs}, interleaved): \`source-devin spec\` ${fixed(cold.specMs, 0)} ms ÷ \`node -e 0\` ${fixed(cold.bareNodeMs, 0)} ms = **${fixed(cold.ratio)}**.`,
    );
    lines.push('');
  }
  for (const part of extra) lines.push(...part.lines);
  const targets = [];
  const largest = sizes.at(-1);
  const smallest = sizes[0];
  if (largest) {
    targets.push(`| connector ÷ floor ≤ 1.3 at the largest size | ${fixed(largest.floorRatio)} | ${verdict(largest.floorRatio <= 1.3)} |`);
    const peak = Math.max(...sizes.map((r) => r.connectorPeakRssMb));
    targets.push(`| peak RSS < 150 MB | ${fixed(peak, 0)} MB | ${verdict(peak < 150)} |`);
    const growth = largest.connectorPeakRssMb / smallest.connectorPeakRssMb;
    targets.push(`| peak RSS flat, smallest → largest (≤ 1.25×) | ${fixed(smallest.connectorPeakRssMb, 0)} → ${fixed(largest.connectorPeakRssMb, 0)} MB (${fixed(growth)}×) | ${verdict(growth <= 1.25)} |`);
    const worst = Math.max(...sizes.map((r) => r.requestsRatio));
    targets.push(`| requests ÷ minimum ≤ 1.05 | ${fixed(worst, 3)} (worst size) | ${verdict(worst <= 1.05)} |`);
  }
  if (limited) {
    targets.push(`| rate-limit use ≥ 0.95 | ${fixed(limited.limitUse)} | ${verdict(limited.limitUse >= 0.95)} |`);
    targets.push(`| 429 share < 1 % | ${fixed(limited.share429 * 100, 1)} % | ${verdict(limited.share429 < 0.01)} |`);
  }
  if (cold) targets.push(`| spec cold start ≤ 3 × bare node | ${fixed(cold.ratio)} | ${verdict(cold.ratio <= 3)} |`);
  for (const part of extra) targets.push(...part.targets);
  if (targets.length > 0) lines.push('| target | measured | |', '|---|---|---|', ...targets);
  return lines.join('\n');
}

const sizes = [];
let limited;
let cold;
/** Report parts of the scenario modules (bench/scenarios-*.mjs): { lines, targets }. */
const extra = [];
try {
  if (parts.has('coldstart')) {
    log('cold start…');
    cold = coldStart();
  }
  if (parts.has('throughput')) {
    for (const size of SIZES) {
      log(`throughput ${size.members} members × ${size.days} days…`);
      sizes.push(await throughput(size));
    }
  }
  if (parts.has('ratelimit')) {
    log('rate-limited read…');
    limited = await rateLimited();
  }
  extra.push(reportRateLimitScenarios(await runRateLimitScenarios(parts, { scratch, log, emit })));
  if (parts.has('startup')) {
    log('start-up of each command…');
    const result = await startupScenario({ scratch, runs: flags.quick ? 5 : Number(flags.runs ?? COLD_RUNS), log });
    emit(result);
    extra.push(startupReport(result));
  }
  if (parts.has('singer')) {
    const size = SIZES.at(-1);
    log(`singer ${size.members} members × ${size.days} days…`);
    const result = await singerScenario(size, { scratch, runs: Number(flags.runs ?? 3), log });
    emit(result);
    extra.push(singerReport(result));
  }
  if (parts.has('sessions')) {
    log('sessions family…');
    const result = await sessionsScenario({ scratch, runs: Number(flags.runs ?? 3), log });
    emit(result);
    extra.push(sessionsReport(result));
  }
  for (const [name, [scenario, scenarioReport]] of Object.entries(STREAM_SCENARIOS)) {
    if (!parts.has(name)) continue;
    const result = await scenario({ scratch, runs: Number(flags.runs ?? 3), log });
    emit(result);
    extra.push(scenarioReport(result));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const table = report(sizes, limited, cold, extra);
log(`\n${table}\n`);
if (flags.write) {
  const file = join(ROOT, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const block = /<!-- bench:results -->[\s\S]*<!-- \/bench:results -->/;
  if (!block.test(text)) throw new Error('BENCHMARKS.md has no <!-- bench:results --> block');
  writeFileSync(file, text.replace(block, `<!-- bench:results -->\n${table}\n<!-- /bench:results -->`));
  log('BENCHMARKS.md updated');
}
