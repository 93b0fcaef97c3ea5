// The Singer scenario of bench/run.mjs: the same read through `tap-devin` (no catalog: every stream,
// every field, no state) and `source-devin read` (a catalog of the same default streams), against one simulator,
// runs interleaved, both with stdout and stderr to /dev/null (the tap logs at its default level,
// INFO: one METRIC line per request on stderr). Result: tap ÷ source on wall time, best run of each.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStreamNames, formatDay, measureNode, startSimServer, statsDelta, writeCatalog } from './lib.mjs';

const KEY = 'cog_sim_enterprise';
const WINDOW_DAYS = 90;

async function measured(sim, args) {
  const before = await sim.stats();
  const run = await measureNode(args, { quietStderr: true });
  if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}`);
  return { ...run, ...statsDelta(before, await sim.stats()) };
}

/** `{ members, days }` → the result line; `scratch` holds the config file. */
export async function singerScenario({ members, days }, { scratch, runs = 3, log = () => {} }) {
  const sim = await startSimServer({ members, days, seed: 42 });
  const config = join(scratch, `singer-${members}x${days}.config.json`);
  writeFileSync(config, JSON.stringify({ api_key: KEY, api_url: sim.url, start_date: formatDay(sim.firstDay), window_days: WINDOW_DAYS }));
  // The tap reads its default streams (no catalog); the source gets a catalog of the same ones.
  const catalog = writeCatalog(join(scratch, 'singer.catalog.json'), await defaultStreamNames('enterprise'));
  const sourceArgs = ['dist/cli/source-devin.cjs', 'read', '--config', config, '--catalog', catalog];
  const tapArgs = ['dist/cli/tap-devin.cjs', '--config', config];
  const sources = [];
  const taps = [];
  try {
    // Interleaved, source first: whichever runs first also warms the simulator up.
    for (let i = 0; i < runs; i += 1) {
      sources.push(await measured(sim, sourceArgs));
      taps.push(await measured(sim, tapArgs));
      log(`  singer ${members}×${days} run ${i + 1}/${runs}: source ${(sources.at(-1).wallMs / 1000).toFixed(2)} s, tap ${(taps.at(-1).wallMs / 1000).toFixed(2)} s`);
    }
  } finally {
    await sim.close();
  }
  // Not a speed check: both made the same requests, so they read the same data.
  if (taps.some((run) => run.requests !== sources[0].requests)) {
    throw new Error(`tap made ${taps.map((r) => r.requests)} requests, the source ${sources[0].requests}`);
  }
  const best = (list) => list.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const tap = best(taps);
  const source = best(sources);
  return {
    scenario: 'singer',
    members,
    days,
    requests: source.requests,
    tapSeconds: tap.wallMs / 1000,
    sourceSeconds: source.wallMs / 1000,
    ratio: tap.wallMs / source.wallMs,
    tapCpuSeconds: tap.cpuMs / 1000,
    sourceCpuSeconds: source.cpuMs / 1000,
    tapPeakRssMb: Math.max(...taps.map((r) => r.peakRssMb)),
    sourcePeakRssMb: Math.max(...sources.map((r) => r.peakRssMb)),
    runs,
    tapRunsSeconds: taps.map((r) => r.wallMs / 1000),
    sourceRunsSeconds: sources.map((r) => r.wallMs / 1000),
  };
}

const fixed = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));

/** The lines and target rows this scenario adds to the report. */
export function singerReport(result) {
  return {
    lines: [
      `Singer (${result.members.toLocaleString('en-US')} members × ${result.days} days, ${result.requests} requests, stdout and stderr to /dev/null, ` +
        `best of ${result.runs} interleaved): \`tap-devin\` ${fixed(result.tapSeconds)} s ÷ \`source-devin read\` ${fixed(result.sourceSeconds)} s = ` +
        `**${fixed(result.ratio)}** (CPU ${fixed(result.tapCpuSeconds)} / ${fixed(result.sourceCpuSeconds)} s, peak RSS ${fixed(result.tapPeakRssMb, 0)} / ${fixed(result.sourcePeakRssMb, 0)} MB).`,
      '',
    ],
    targets: [`| tap ÷ source on the same read ≤ 1.1 | ${fixed(result.ratio)} | ${result.ratio <= 1.1 ? 'met' : '**not met**'} |`],
  };
}
