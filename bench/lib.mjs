// Helpers for bench/run.mjs: child processes with wall time, CPU time and peak RSS; the simulator
// server over IPC; small statistics.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GNU_TIME = '/usr/bin/time';
const HAS_GNU_TIME = existsSync(GNU_TIME);

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs `node <args>` as a child process and measures it: wall ms (spawn → exit, seen from here),
 * CPU ms (user + sys) and peak RSS (VmHWM) from GNU time, or, without it, by polling
 * /proc/<pid>/status; `spawnedAt` is the epoch ms of the spawn. stdout goes to /dev/null unless `onStdout` wants the bytes; stderr is kept
 * (for error messages) unless `quietStderr` sends it to /dev/null too.
 */
export async function measureNode(args, { onStdout, quietStderr = false } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-'));
  const timeFile = join(scratch, 'time.txt');
  const devNull = onStdout && !quietStderr ? undefined : openSync('/dev/null', 'w');
  const command = HAS_GNU_TIME ? GNU_TIME : process.execPath;
  const argv = HAS_GNU_TIME ? ['-v', '-o', timeFile, process.execPath, ...args] : args;
  const started = performance.now();
  const spawnedAt = Date.now();
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', onStdout ? 'pipe' : devNull, quietStderr ? devNull : 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  if (onStdout) child.stdout.on('data', onStdout);
  let polledHwmKb = 0;
  const poll = HAS_GNU_TIME
    ? undefined
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) polledHwmKb = Math.max(polledHwmKb, Number(match[1]));
        } catch {
          // the process is gone
        }
      }, 20);
  const code = await new Promise((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  const wallMs = performance.now() - started;
  if (poll) clearInterval(poll);
  if (devNull !== undefined) closeSync(devNull);
  let peakRssKb = polledHwmKb;
  let cpuMs;
  if (HAS_GNU_TIME) {
    const report = readFileSync(timeFile, 'utf8');
    peakRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? 0);
    const user = Number(/User time \(seconds\): ([\d.]+)/.exec(report)?.[1] ?? NaN);
    const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(report)?.[1] ?? NaN);
    cpuMs = (user + sys) * 1000;
  }
  rmSync(scratch, { recursive: true, force: true });
  // GNU time prints "Command exited with non-zero status N" in its report, not on stderr.
  return { code, wallMs, cpuMs, peakRssMb: peakRssKb / 1024, stderr, spawnedAt };
}

export const rssSource = HAS_GNU_TIME ? 'GNU time -v (maximum resident set size)' : '/proc/<pid>/status VmHWM, polled every 20 ms';

/** Starts bench/sim-server.mjs and waits until it listens. */
export async function startSimServer(options) {
  const child = spawn(process.execPath, [join(ROOT, 'bench/sim-server.mjs'), JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited early (${code})`)));
  });
  let nextId = 0;
  /** One request over IPC, answered by a message of the same type and id. */
  const ask = (type) => {
    const id = nextId++;
    return new Promise((resolve) => {
      const onMessage = (message) => {
        if (message.type === type && message.id === id) {
          child.off('message', onMessage);
          resolve(message);
        }
      };
      child.on('message', onMessage);
      child.send({ type, id });
    });
  };
  return {
    ...ready,
    stats: () => ask('stats'),
    /** Requests by route since the last resetRoutes() (needs the `tally` option). */
    routes: () => ask('routes'),
    resetRoutes: () => ask('reset'),
    close() {
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ type: 'close' });
      });
    },
  };
}

/** Requests and statuses between two stats() snapshots. */
export function statsDelta(before, after) {
  const byStatus = {};
  for (const [status, count] of Object.entries(after.byStatus)) {
    const delta = count - (before.byStatus[status] ?? 0);
    if (delta > 0) byStatus[status] = delta;
  }
  return { requests: after.requests - before.requests, byStatus, simCpuMs: after.cpuMs - before.cpuMs };
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export const formatDay = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * Writes an Airbyte configured catalog selecting `names`, every one in `syncMode`; the connector
 * fills in the rest from its own declarations, as Airbyte's own catalogs do not matter to it.
 */
export function writeCatalog(path, names, syncMode = 'full_refresh') {
  const streams = names.map((name) => ({
    stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
    sync_mode: syncMode,
    destination_sync_mode: 'overwrite',
  }));
  writeFileSync(path, JSON.stringify({ streams }));
  return path;
}

/** The streams read when nothing is selected (SPEC §5 "default"), from the built declarations. */
export async function defaultStreamNames(scope) {
  const { defaultStreams } = await import('../dist/streams/index.js');
  return defaultStreams(scope).map((stream) => stream.name);
}

/** The three streams of version 1, which the throughput, rate-limit and Singer scenarios read. */
export const CLASSIC_STREAMS = ['members', 'daily_consumption', 'pr_metrics'];

/** Counts RECORD lines without parsing: a line is a record iff it starts with this prefix. */
export function recordCounter() {
  const marker = Buffer.from('\n{"type":"RECORD"');
  let tail = Buffer.from('\n');
  const counter = { records: 0 };
  counter.onStdout = (chunk) => {
    const buffer = Buffer.concat([tail, chunk]);
    for (let at = buffer.indexOf(marker); at !== -1; at = buffer.indexOf(marker, at + 1)) counter.records += 1;
    tail = buffer.subarray(Math.max(0, buffer.length - marker.length + 1));
  };
  return counter;
}
