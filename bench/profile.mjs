// Profiles one connector read against the bench simulator: `node bench/profile.mjs [2000x120]`
// (after `npm run build`). Writes a .cpuprofile (open it in Chrome DevTools or speedscope) and
// prints the functions with the most self time, so optimisation starts from a measurement.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIC_STREAMS, formatDay, measureNode, ROOT, startSimServer, writeCatalog } from './lib.mjs';

const [members, days] = (process.argv[2] ?? '2000x120').split('x').map(Number);
const outDir = join(ROOT, 'bench/results/profiles');
mkdirSync(outDir, { recursive: true });
const sim = await startSimServer({ members, days, seed: 42 });
const config = join(outDir, 'config.json');
writeFileSync(config, JSON.stringify({ api_key: 'cog_sim_enterprise', api_url: sim.url, start_date: formatDay(sim.firstDay) }));
const before = new Set(readdirSync(outDir));
const run = await measureNode([
  '--cpu-prof',
  `--cpu-prof-dir=${outDir}`,
  'dist/cli/source-devin.cjs',
  'read',
  '--config',
  config,
  '--catalog',
  writeCatalog(join(outDir, 'classic.catalog.json'), CLASSIC_STREAMS),
]);
await sim.close();
const file = readdirSync(outDir).find((name) => name.endsWith('.cpuprofile') && !before.has(name));
console.log(`${members}×${days}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU, exit ${run.code}`);
console.log(`profile: ${join(outDir, file)}`);

const profile = JSON.parse(readFileSync(join(outDir, file), 'utf8'));
const selfMicros = new Map();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i += 1) {
  const node = byId.get(profile.samples[i]);
  const { functionName, url, lineNumber } = node.callFrame;
  const where = `${functionName || '(anonymous)'} ${url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  selfMicros.set(where, (selfMicros.get(where) ?? 0) + (deltas[i] ?? 0));
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
for (const [where, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${where}`);
}

// Self time by where the code lives: what the connector adds on top of HTTP + JSON.
const byArea = new Map();
for (const [where, micros] of selfMicros) {
  const area = /dist\/(\w+)\//.exec(where)?.[1] ?? (/node_modules\/(\w+)/.exec(where)?.[1] ?? (where.includes('node:') ? 'node' : where.split(' ')[0]));
  byArea.set(area, (byArea.get(area) ?? 0) + micros);
}
console.log('\nby area:');
for (const [area, micros] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
  console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${area}`);
}
