// Rate-limit scenarios for bench/run.mjs (issue 15), each the connector as its own process against
// bench/sim-server.mjs:
// - random429: 1.5 % of answers are 429 at random (the simulator's seeded fault PRNG), with a
//   one-second Retry-After and without one, next to the same read without faults. Target: wall ÷
//   (fault-free wall + the waits the API asked for ÷ concurrency) ≤ 1.3 — an isolated 429 costs
//   about the wait it asked for, not a collapse of the pace.
// - serial: 20 ms latency per request, the default max_concurrency vs max_concurrency 1 (how a
//   declarative connector with concurrency_level 1 reads). Target: the default ≥ 5× faster.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIC_STREAMS, formatDay, measureNode, startSimServer, statsDelta, writeCatalog } from './lib.mjs';

export const PARTS = ['random429', 'serial'];

const KEY = 'cog_sim_enterprise';
const CONCURRENCY = 8;
const RANDOM_429 = { members: 2_000, days: 120, probability: 0.015, retryAfterSeconds: 1 };
const SERIAL = { members: 500, days: 30, latencyMs: 20 };

function connectorArgs(scratch, sim, name, extra = {}) {
  const config = join(scratch, `${name}.config.json`);
  writeFileSync(
    config,
    JSON.stringify({ api_key: KEY, api_url: sim.url, start_date: formatDay(sim.firstDay), window_days: 90, ...extra }),
  );
  // The three streams of version 1, as in the throughput scenario.
  const catalog = writeCatalog(join(scratch, 'classic.catalog.json'), CLASSIC_STREAMS);
  return ['dist/cli/source-devin.cjs', 'read', '--config', config, '--catalog', catalog];
}

/** One connector read against a fresh simulator; wall seconds, requests and 429s. */
async function readOnce(scratch, name, simOptions, config = {}) {
  const sim = await startSimServer({ seed: 42, ...simOptions });
  try {
    const before = await sim.stats();
    const run = await measureNode(connectorArgs(scratch, sim, name, config));
    const delta = statsDelta(before, await sim.stats());
    if (run.code !== 0) throw new Error(`${name}: the read exited ${run.code}: ${run.stderr.slice(0, 500)}`);
    return { seconds: run.wallMs / 1000, requests: delta.requests, rateLimited: delta.byStatus[429] ?? 0 };
  } finally {
    await sim.close();
  }
}

async function random429({ scratch, log, emit }) {
  const { members, days, probability, retryAfterSeconds } = RANDOM_429;
  const size = { members, days };
  log(`random 429s: ${members} members × ${days} days, fault-free…`);
  const clean = [await readOnce(scratch, 'r429-clean', size), await readOnce(scratch, 'r429-clean', size)];
  const faultFree = Math.min(...clean.map((r) => r.seconds));
  const variants = [];
  for (const retryAfter of [{ seconds: retryAfterSeconds }, null]) {
    const label = retryAfter ? `Retry-After: ${retryAfterSeconds}` : 'no Retry-After';
    log(`random 429s: ${label}…`);
    const run = await readOnce(scratch, 'r429', { ...size, faults: [{ kind: '429', probability, retryAfter }] });
    const askedSeconds = retryAfter ? run.rateLimited * retryAfter.seconds : 0;
    const expected = faultFree + askedSeconds / CONCURRENCY;
    variants.push({ label, ...run, askedSeconds, expectedSeconds: expected, ratio: run.seconds / expected });
  }
  const result = { scenario: 'random-429', members, days, probability, concurrency: CONCURRENCY, faultFreeSeconds: faultFree, variants };
  emit(result);
  return result;
}

async function serial({ scratch, log, emit }) {
  const { members, days, latencyMs } = SERIAL;
  log(`serial peer: ${members} members × ${days} days, ${latencyMs} ms latency…`);
  const options = { members, days, latencyMs };
  const parallel = await readOnce(scratch, 'serial-default', options);
  const one = await readOnce(scratch, 'serial-one', options, { max_concurrency: 1 });
  const result = { scenario: 'serial-peer', members, days, latencyMs, defaultRun: parallel, serialRun: one, speedup: one.seconds / parallel.seconds };
  emit(result);
  return result;
}

/** Runs the parts asked for; `context` = { scratch, log, emit } from run.mjs. */
export async function runRateLimitScenarios(parts, context) {
  const results = {};
  if (parts.has('random429')) results.random429 = await random429(context);
  if (parts.has('serial')) results.serial = await serial(context);
  return results;
}

const fixed = (value, digits = 2) => (value === undefined ? '–' : value.toFixed(digits));
const verdict = (ok) => (ok ? 'met' : '**not met**');

/** Lines for the results text and rows for the targets table. */
export function reportRateLimitScenarios(results) {
  const lines = [];
  const targets = [];
  const random = results.random429;
  if (random) {
    lines.push(
      `Random 429s (${random.members} members × ${random.days} days, ${fixed(random.probability * 100, 1)} % of answers 429 at random, seeded; ` +
        `fault-free ${fixed(random.faultFreeSeconds)} s):`,
      '',
      '| 429s | requests | answers 429 | wall s | waits asked s | expected s (fault-free + asked ÷ 8) | wall ÷ expected |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...random.variants.map(
        (v) =>
          `| ${v.label} | ${v.requests} | ${v.rateLimited} | ${fixed(v.seconds)} | ${fixed(v.askedSeconds, 0)} | ${fixed(v.expectedSeconds)} | **${fixed(v.ratio)}** |`,
      ),
      '',
    );
    for (const v of random.variants) targets.push(`| random 429s (${v.label}): wall ÷ expected ≤ 1.3 | ${fixed(v.ratio)} | ${verdict(v.ratio <= 1.3)} |`);
  }
  const s = results.serial;
  if (s) {
    lines.push(
      `Serial peer (${s.members} members × ${s.days} days, ${s.latencyMs} ms latency per request): default max_concurrency ` +
        `${fixed(s.defaultRun.seconds)} s (${s.defaultRun.requests} requests), max_concurrency 1 ${fixed(s.serialRun.seconds)} s ` +
        `(${s.serialRun.requests} requests): **${fixed(s.speedup, 1)}×** faster.`,
      '',
    );
    targets.push(`| default vs max_concurrency 1 at 20 ms latency ≥ 5× | ${fixed(s.speedup, 1)}× | ${verdict(s.speedup >= 5)} |`);
  }
  return { lines, targets };
}
