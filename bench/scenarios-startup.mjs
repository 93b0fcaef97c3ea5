// The start-up scenario of bench/run.mjs: what each command costs a fresh process (in Airbyte, a
// fresh container) over bare `node -e 0`. Every command is spawned as its own process, all of them
// interleaved run after run, stdout and stderr to /dev/null; the result is the median wall time (and
// the median CPU time, which a busy machine disturbs less) ÷ bare node's.
//
//   spec, check, discover      as Airbyte runs them, against a simulator with 1 member × 1 day;
//   read                       the smallest real read: the three streams of version 1, full refresh,
//                              of that simulator (5 requests over loopback), spawn to exit;
//   read: to the first request spawn until the simulator receives the read's first request (its
//                              clock, epoch ms, against the spawn's): what start-up is — modules,
//                              config, catalog, engine, client — without the read's own work;
//   read (no config file)      read with a config path that does not exist: the bundle (loaded from
//                              its code cache) and what read sets up before it touches a file, then
//                              one TRACE ERROR, exit 1;
//   tap --discover, tap sync   tap-devin on the same simulator (the sync: every stream, no catalog).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIC_STREAMS, formatDay, measureNode, median, startSimServer, writeCatalog } from './lib.mjs';

const KEY = 'cog_sim_enterprise';

/** The commands, each as `node` arguments; `exit` is the exit code it must end with. */
function commands(config, missing, catalog) {
  return [
    { name: 'bare', label: '`node -e 0`', args: ['-e', '0'] },
    { name: 'spec', label: '`spec`', args: ['dist/cli/source-devin.cjs', 'spec'] },
    { name: 'check', label: '`check`', args: ['dist/cli/source-devin.cjs', 'check', '--config', config], firstRequest: true },
    { name: 'discover', label: '`discover`', args: ['dist/cli/source-devin.cjs', 'discover', '--config', config] },
    { name: 'read', label: '`read`', args: ['dist/cli/source-devin.cjs', 'read', '--config', config, '--catalog', catalog], firstRequest: true },
    { name: 'readNoConfig', label: '`read` (no config file)', args: ['dist/cli/source-devin.cjs', 'read', '--config', missing, '--catalog', catalog], exit: 1 },
    { name: 'tapDiscover', label: '`tap-devin --discover`', args: ['dist/cli/tap-devin.cjs', '--config', config, '--discover'] },
    { name: 'tapSync', label: '`tap-devin` sync', args: ['dist/cli/tap-devin.cjs', '--config', config] },
  ];
}

export async function startupScenario({ scratch, runs = 15, log = () => {} }) {
  const sim = await startSimServer({ members: 1, days: 1, seed: 42, tally: true });
  const config = join(scratch, 'startup.config.json');
  writeFileSync(config, JSON.stringify({ api_key: KEY, api_url: sim.url, start_date: formatDay(sim.firstDay) }));
  const catalog = writeCatalog(join(scratch, 'startup.catalog.json'), CLASSIC_STREAMS);
  const list = commands(config, join(scratch, 'no-such-config.json'), catalog);
  const times = Object.fromEntries(list.map((command) => [command.name, []]));
  /** Spawn → the simulator's first request, ms, per command that makes requests. */
  const firstRequest = Object.fromEntries(list.filter((command) => command.firstRequest).map((command) => [command.name, []]));
  try {
    for (let i = 0; i < runs; i += 1) {
      for (const command of list) {
        if (command.firstRequest) await sim.resetRoutes();
        const run = await measureNode(command.args, { quietStderr: true });
        if (run.code !== (command.exit ?? 0)) throw new Error(`node ${command.args.join(' ')} exited ${run.code}`);
        times[command.name].push(run);
        if (command.firstRequest) {
          const { firstRequestAt } = await sim.routes();
          if (firstRequestAt === undefined) throw new Error(`${command.name} made no request`);
          firstRequest[command.name].push(firstRequestAt - run.spawnedAt);
        }
      }
      if ((i + 1) % 5 === 0) log(`  start-up run ${i + 1}/${runs}`);
    }
  } finally {
    await sim.close();
  }
  const wall = (name) => median(times[name].map((run) => run.wallMs));
  const cpu = (name) => median(times[name].map((run) => run.cpuMs));
  const result = { scenario: 'start-up', runs, bareNodeMs: wall('bare'), bareNodeCpuMs: cpu('bare'), commands: {} };
  for (const command of list.slice(1)) {
    result.commands[command.name] = {
      label: command.label,
      ms: wall(command.name),
      ratio: wall(command.name) / wall('bare'),
      cpuMs: cpu(command.name),
      cpuRatio: cpu(command.name) / cpu('bare'),
    };
    if (command.firstRequest) {
      const ms = median(firstRequest[command.name]);
      result.commands[`${command.name}FirstRequest`] = { label: `${command.label}: spawn → first request`, ms, ratio: ms / wall('bare') };
    }
  }
  return result;
}

const fixed = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));

/** The lines and target rows this scenario adds to the report. */
export function startupReport(result) {
  const rows = Object.values(result.commands).map(
    (c) => `| ${c.label} | ${fixed(c.ms, 0)} | **${fixed(c.ratio)}** | ${fixed(c.cpuMs, 0)} | ${fixed(c.cpuRatio)} |`,
  );
  const read = result.commands.read;
  const first = result.commands.readFirstRequest;
  return {
    lines: [
      `Start-up (median of ${result.runs}, interleaved; \`node -e 0\` ${fixed(result.bareNodeMs, 0)} ms wall, ${fixed(result.bareNodeCpuMs, 0)} ms CPU; ` +
        'against a simulator with 1 member × 1 day; `read` = members, daily_consumption, pr_metrics, full refresh, spawn to exit; ' +
        '*spawn → first request*: until the simulator receives the first request, its clock against the spawn\'s, ÷ bare node\'s spawn to exit):',
      '',
      '| command | wall ms | ÷ bare node | CPU ms | CPU ÷ bare node |',
      '|---|---:|---:|---:|---:|',
      ...rows,
      '',
    ],
    targets: [
      `| read start-up (spawn → first request) ≤ 1.5 × bare node | ${fixed(first.ratio)} | ${first.ratio <= 1.5 ? 'met' : '**not met**'} |`,
      `| read, smallest real read (spawn → exit) ÷ bare node (no target: it includes the read) | ${fixed(read.ratio)} | – |`,
    ],
  };
}
