// Writes a bundle's V8 code cache (<bundle>.cache): loads the bundle the way its executable does
// (dist/cli/bundle-loader.cjs), runs the commands Airbyte or Meltano run against the bundled simulator
// — so the functions they call are compiled — and saves the compiled code. Run by scripts/bundle.mjs in
// a fresh process per bundle, so a cache holds that bundle's code only.
//
//   node scripts/warm-bundle.mjs source-devin|tap-devin <bundle file>
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const { loadBundle } = createRequire(import.meta.url)(join(root, 'dist/cli/bundle-loader.cjs'));
const { startSimulator, KEY_ENTERPRISE } = await import(join(root, 'dist/simulator/index.js'));

const [name, file] = process.argv.slice(2);
const { exports: front, script } = loadBundle(file, { codeCache: false });

/** Runs one command line of the bundle with its output kept in memory; throws unless it exits 0. */
async function run(argv) {
  let stdout = '';
  const sink = (keep) => new Writable({ write(chunk, _encoding, done) { if (keep) stdout += chunk; done(); } });
  // The bundle's main takes the process's own stdio: lend it in-memory streams for the run.
  const io = { stdout: process.stdout, stderr: process.stderr };
  Object.defineProperty(process, 'stdout', { value: sink(true), configurable: true });
  Object.defineProperty(process, 'stderr', { value: sink(false), configurable: true });
  try {
    const code = await front.main(argv);
    if (code !== 0) throw new Error(`${name} ${argv.join(' ')} exited ${code}`);
    return stdout;
  } finally {
    Object.defineProperty(process, 'stdout', { value: io.stdout, configurable: true });
    Object.defineProperty(process, 'stderr', { value: io.stderr, configurable: true });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'source-devin-warm-'));
const sim = await startSimulator({ members: 3, days: 3, sessions: 3, logRequests: false });
try {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ api_key: KEY_ENTERPRISE, api_url: sim.url }));
  if (name === 'source-devin') {
    await run(['check', '--config', config]);
    const catalogLine = (await run(['discover', '--config', config])).split('\n').find((line) => line.includes('"CATALOG"'));
    const { streams } = JSON.parse(catalogLine).catalog;
    const configured = { streams: streams.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
    const catalog = join(dir, 'catalog.json');
    writeFileSync(catalog, JSON.stringify(configured));
    await run(['read', '--config', config, '--catalog', catalog]);
  } else {
    await run(['--config', config, '--discover']);
    await run(['--config', config]);
  }
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(`${file}.cache`, script.createCachedData());
