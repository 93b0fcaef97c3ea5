// Start-up of several builds side by side: each given `source-devin` executable runs the smallest real
// read (members, daily_consumption, pr_metrics, full refresh) against one simulator with 1 member × 1
// day, all of them and bare `node -e 0` interleaved run after run; prints the median spawn → first
// request and spawn → exit of each, ÷ bare node's spawn to exit. For before/after figures of a
// start-up change (BENCHMARKS.md), e.g. with the old tree checked out and built elsewhere:
//
//   git worktree add --detach /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)
//   node bench/compare-startup.mjs --runs 21 /tmp/before/dist/cli/source-devin.js dist/cli/source-devin.cjs
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { CLASSIC_STREAMS, formatDay, measureNode, median, startSimServer, writeCatalog } from './lib.mjs';

const { values, positionals: bins } = parseArgs({ options: { runs: { type: 'string', default: '21' } }, allowPositionals: true });
if (bins.length === 0) throw new Error('usage: node bench/compare-startup.mjs [--runs N] <source-devin executable>...');
const runs = Number(values.runs);

const scratch = mkdtempSync(join(tmpdir(), 'source-devin-startup-'));
const sim = await startSimServer({ members: 1, days: 1, seed: 42, tally: true });
try {
  const config = join(scratch, 'config.json');
  writeFileSync(config, JSON.stringify({ api_key: 'cog_sim_enterprise', api_url: sim.url, start_date: formatDay(sim.firstDay) }));
  const catalog = writeCatalog(join(scratch, 'catalog.json'), CLASSIC_STREAMS);
  const bare = [];
  const times = bins.map(() => ({ first: [], exit: [] }));
  for (let i = 0; i < runs; i += 1) {
    bare.push((await measureNode(['-e', '0'], { quietStderr: true })).wallMs);
    for (const [j, bin] of bins.entries()) {
      await sim.resetRoutes();
      const run = await measureNode([bin, 'read', '--config', config, '--catalog', catalog], { quietStderr: true });
      if (run.code !== 0) throw new Error(`${bin} exited ${run.code}`);
      const { firstRequestAt } = await sim.routes();
      times[j].first.push(firstRequestAt - run.spawnedAt);
      times[j].exit.push(run.wallMs);
    }
  }
  const base = median(bare);
  console.log(`node -e 0: ${base.toFixed(0)} ms (median of ${runs})`);
  console.log('| executable | spawn → first request ms | ÷ bare node | spawn → exit ms | ÷ bare node |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [j, bin] of bins.entries()) {
    const first = median(times[j].first);
    const exit = median(times[j].exit);
    console.log(`| \`${bin}\` | ${first.toFixed(0)} | **${(first / base).toFixed(2)}** | ${exit.toFixed(0)} | ${(exit / base).toFixed(2)} |`);
  }
} finally {
  await sim.close();
  rmSync(scratch, { recursive: true, force: true });
}
