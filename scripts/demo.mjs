// `npm run demo`: start the bundled Devin API simulator, run a real `source-devin read` against it
// (the compiled executable, as Airbyte would), write what came out to ./demo-output/ (one JSONL file
// per stream plus the final state) and print a short summary.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../dist/simulator/index.js';
import { demoStartDate } from './demo-dates.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}demo-output`;
const MEMBERS = 40;
const DAYS = 45;

const sim = await startSimulator({ members: MEMBERS, days: DAYS });
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// The simulator's data set ends at today's billing day (not today's calendar date before 08:00 UTC).
const startDate = demoStartDate(Date.now(), DAYS);
const config = { api_key: 'cog_sim_enterprise', api_url: sim.url, start_date: startDate, window_days: 30 };
const streams = ['members', 'daily_consumption', 'pr_metrics'];
const catalog = {
  streams: streams.map((name) => ({
    stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
    sync_mode: name === 'members' ? 'full_refresh' : 'incremental',
    destination_sync_mode: 'append',
  })),
};
writeFileSync(`${outDir}/config.json`, `${JSON.stringify({ ...config, api_key: '<simulator key>' }, null, 2)}\n`);
const configPath = `${outDir}/.config.json`;
writeFileSync(configPath, JSON.stringify(config));
writeFileSync(`${outDir}/catalog.json`, `${JSON.stringify(catalog, null, 2)}\n`);

const files = Object.fromEntries(streams.map((name) => [name, createWriteStream(`${outDir}/${name}.jsonl`)]));
const summary = Object.fromEntries(streams.map((name) => [name, { records: 0, first: null, last: null, requests: 0, seconds: 0 }]));
const finalState = new Map();
const errors = [];

const started = Date.now();
const child = spawn(process.execPath, [`${root}dist/cli/source-devin.js`, 'read', '--config', configPath, '--catalog', `${outDir}/catalog.json`], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
for await (const line of createInterface({ input: child.stdout })) {
  const message = JSON.parse(line);
  if (message.type === 'RECORD') {
    const { stream, data } = message.record;
    files[stream].write(`${JSON.stringify(data)}\n`);
    const entry = summary[stream];
    entry.records += 1;
    if (typeof data.date === 'string') {
      if (entry.first === null || data.date < entry.first) entry.first = data.date;
      if (entry.last === null || data.date > entry.last) entry.last = data.date;
    }
  } else if (message.type === 'STATE') {
    finalState.set(message.state.stream.stream_descriptor.name, message.state);
  } else if (message.type === 'LOG') {
    // "<stream>: N records, R requests, S s" — the connector's own per-stream summary.
    const match = /^(\w+): (\d+) records, (\d+) requests, ([\d.]+) s/.exec(message.log.message);
    if (match && summary[match[1]]) Object.assign(summary[match[1]], { requests: Number(match[3]), seconds: Number(match[4]) });
  } else if (message.type === 'TRACE' && message.trace.type === 'ERROR') {
    errors.push(message.trace.error.message);
  }
}
const code = await new Promise((resolve) => child.on('close', resolve));
await Promise.all(Object.values(files).map((file) => new Promise((resolve) => file.end(resolve))));
writeFileSync(`${outDir}/state.json`, `${JSON.stringify([...finalState.values()].map(({ sourceStats, ...state }) => state), null, 2)}\n`);
rmSync(configPath);
await sim.close();

const rows = streams.map((name) => {
  const s = summary[name];
  return [name, String(s.records), s.first ?? '-', s.last ?? '-', String(s.requests), s.seconds.toFixed(2)];
});
const header = ['stream', 'records', 'first date', 'last date', 'requests', 'seconds'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\nsource-devin read against the simulator (${MEMBERS} members, ${DAYS} billing days, enterprise key)`);
console.log(format(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(format(row));
console.log(`\nexit code ${code} in ${((Date.now() - started) / 1000).toFixed(2)} s; output in ${outDir}/ (one JSONL per stream, state.json)`);
if (errors.length > 0) console.log(`errors:\n  ${errors.join('\n  ')}`);
process.exitCode = code === 0 && errors.length === 0 ? 0 : 1;
