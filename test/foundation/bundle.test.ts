/**
 * Both executables run from a bundle (scripts/bundle.mjs) compiled with V8's code cache
 * (src/cli/bundle-loader.cts). What goes into a bundle, that the build's cache is the one V8 takes, that a
 * moved package still finds its own files, and that a stale, broken or missing cache changes nothing
 * but speed. (How much faster: bench/scenarios-startup.mjs, never here.)
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { REPO_ROOT, spawnCli } from '../helpers/cli.js';
import { configuredCatalog, tempDir } from '../helpers/files.js';

const run = promisify(execFile);
const FRONT_DOORS = ['source-devin', 'tap-devin'] as const;

interface Metafile {
  inputs: Record<string, { imports: Array<{ path: string; kind: string }> }>;
}
const metafileOf = (name: string): Metafile => JSON.parse(readFileSync(join(REPO_ROOT, `dist/bundle/${name}.meta.json`), 'utf8')) as Metafile;

interface BundleLoader {
  loadBundle<T>(file: string, options?: { codeCache?: boolean }): { exports: T; script: { cachedDataRejected?: boolean } };
}
const loader = createRequire(import.meta.url)(join(REPO_ROOT, 'dist/cli/bundle-loader.cjs')) as BundleLoader;

describe.each(FRONT_DOORS)('the %s bundle', (name) => {
  const inputs = Object.keys(metafileOf(name).inputs);

  it("holds undici's dispatcher files, not its entry point (fetch, WebSocket, cookies, caches)", () => {
    expect(inputs).toContain('node_modules/undici/lib/dispatcher/agent.js');
    expect(inputs).toContain('node_modules/undici/lib/dispatcher/proxy-agent.js');
    expect(inputs).not.toContain('node_modules/undici/index.js');
    // (client-h1 needs a few helpers of lib/web/fetch for request bodies; not fetch itself)
    expect(inputs).not.toContain('node_modules/undici/lib/web/fetch/index.js');
    const webApis = /^node_modules\/undici\/lib\/(web\/(websocket|cookies|cache|eventsource)|cache|mock)\//;
    expect(inputs.filter((input) => webApis.test(input))).toEqual([]);
  });

  it("leaves undici's HTTP/2 client out (the connector speaks HTTP/1.1: allowH2 false)", () => {
    expect(inputs).not.toContain('node_modules/undici/lib/dispatcher/client-h2.js');
    expect(inputs).toContain('left-out:undici-client-h2');
    const edges = Object.values(metafileOf(name).inputs).flatMap(({ imports }) => imports.map((edge) => edge.path));
    expect(edges).not.toContain('node:http2');
  });

  it('reaches yargs only through a dynamic import: it is initialised only off the plain command lines', () => {
    const edges = Object.values(metafileOf(name).inputs).flatMap(({ imports }) => imports.filter((edge) => edge.path === 'node_modules/yargs/index.mjs'));
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.map((edge) => edge.kind)).toEqual(edges.map(() => 'dynamic-import'));
  });

  it("holds every file of the connector it runs, and none of the simulator's", () => {
    expect(inputs).toContain(`dist/cli/${name}-bundle.js`);
    expect(inputs).toContain('dist/engine/read.js');
    expect(inputs.filter((input) => input.startsWith('dist/simulator/'))).toEqual([]);
  });

  it("V8 takes the build's code cache, and compiles from source when the cache is not there", () => {
    const file = join(REPO_ROOT, `dist/bundle/${name}.cjs`);
    const cached = loader.loadBundle<{ main: unknown }>(file);
    expect(cached.script.cachedDataRejected).toBe(false);
    expect(typeof cached.exports.main).toBe('function');
    const uncached = loader.loadBundle<{ main: unknown }>(file, { codeCache: false });
    expect(uncached.script.cachedDataRejected).toBeUndefined();
    expect(typeof uncached.exports.main).toBe('function');
  });
});

describe('a package moved elsewhere, its cache broken or gone', () => {
  const files = tempDir();
  let sim: Simulator;
  let config: string;
  let catalog: string;
  /** A copy of the built package: its own dist/ and package.json (another version), the repo's schemas and node_modules. */
  const pkg = files.path('package');
  const bin = join(pkg, 'dist/cli/source-devin.cjs');
  const cache = join(pkg, 'dist/bundle/source-devin.cjs.cache');
  /** Each stream's messages in order, timestamps and durations zeroed (streams run concurrently, so only their own order is fixed). */
  const perStream = (stdout: string): Record<string, string[]> => {
    const streams: Record<string, string[]> = {};
    for (const line of stdout.replace(/"emitted_at":\d+/g, '"emitted_at":0').replace(/, \d+\.\d s"/g, ', 0.0 s"').split('\n').filter(Boolean)) {
      const name = /"(?:stream|name)":"([a-z_]+)"/.exec(line)?.[1] ?? /"message":"([a-z_]+):/.exec(line)?.[1] ?? '';
      (streams[name] ??= []).push(line);
    }
    return streams;
  };
  const read = async (): Promise<{ stdout: string; stderr: string }> => run(process.execPath, [bin, 'read', '--config', config, '--catalog', catalog], { env: { PATH: process.env.PATH ?? '' } });

  beforeAll(async () => {
    sim = await startSimulator({ members: 3, days: 3 });
    config = files.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, end_date: '2026-01-02', start_date: '2026-01-01' });
    catalog = files.json('catalog.json', configuredCatalog({ members: 'full_refresh', daily_consumption: 'full_refresh', pr_metrics: 'full_refresh' }));
    mkdirSync(pkg);
    cpSync(join(REPO_ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...manifest, version: '9.9.9-moved' }));
    symlinkSync(join(REPO_ROOT, 'schemas'), join(pkg, 'schemas'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'));
  });
  afterAll(() => sim.close());

  it("reads its own package's files, where it is now (not where it was built)", async () => {
    const { stdout } = await run(process.execPath, [bin, '--version']);
    expect(stdout).toBe('9.9.9-moved\n');
    const { stdout: about } = await run(process.execPath, [join(pkg, 'dist/cli/tap-devin.cjs'), '--about', '--format', 'json']);
    expect(JSON.parse(about)).toMatchObject({ version: '9.9.9-moved' });
  });

  it('a read with a broken cache and with none is the read of the real package, message for message', async () => {
    const reference = await spawnCli('source-devin', ['read', '--config', config, '--catalog', catalog]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(reference.stdout).toContain('"type":"RECORD"');
    writeFileSync(cache, 'not a V8 code cache');
    const broken = await read();
    rmSync(cache);
    const none = await read();
    for (const copy of [broken, none]) {
      expect(copy.stderr).toBe('');
      expect(perStream(copy.stdout)).toEqual(perStream(reference.stdout));
    }
  });

  it('without its bundle: one line that says to rebuild, exit 1, nothing on stdout', async () => {
    rmSync(join(pkg, 'dist/bundle/source-devin.cjs'));
    const failure = await run(process.execPath, [bin, 'check', '--config', config]).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect(failure?.stderr).toMatch(/^source-devin: cannot load its bundle \(.*source-devin\.cjs.*\); rebuild with `npm run build`\n$/);
  });
});
