/**
 * The npm package as a user gets it: `npm pack` makes a tarball with only the whitelisted files, it
 * installs into an empty folder with nothing but its production dependencies, and both executables work
 * from there and report the package version.
 *
 * The install is `npm ci --offline` with a lock made from the committed one (./app-lockfile.ts): it reads
 * only the tarballs that the repository's own `npm ci` put into the npm cache, so it passes on a machine
 * whose cache was empty before that `npm ci` (.ci/run proves it with a cache of its own) and never reaches
 * the network.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectorSpecification } from '../../src/config/spec.js';
import { appProjectFor } from './app-lockfile.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

describe('the npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'source-devin-pack-'));
  const app = join(dir, 'app');
  let packed: PackResult;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json', '--ignore-scripts'], {
      cwd: ROOT,
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    packed = (JSON.parse(stdout) as PackResult[])[0]!;
    mkdirSync(app);
    const tarball = join(dir, packed.filename);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Parameters<typeof appProjectFor>[2];
    const project = appProjectFor(tarball, pkg, lock);
    writeFileSync(join(app, 'package.json'), JSON.stringify(project.packageJson, null, 2));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(project.lockfile, null, 2));
    try {
      await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: app, timeout: 45_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if (!/ENOTCACHED/.test(stderr)) throw error;
      // Only a cache that never saw this lockfile's `npm ci` lacks the tarballs.
      throw new Error(`the npm cache lacks the production tarballs; run \`npm ci\` first with the same npm_config_cache\n${stderr}`);
    }
  }, 80_000);

  const bin = (name: string, args: string[]) =>
    run(join(app, 'node_modules/.bin', name), args, { cwd: app, env: { PATH: process.env.PATH ?? '' }, timeout: 20_000 });

  it('contains the compiled code, schemas, README, CHANGELOG and LICENSE, and no sources, tests or fixtures', () => {
    const paths = packed.files.map((file) => file.path);
    for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'schemas/members.json', 'schemas/daily_consumption.json', 'schemas/pr_metrics.json']) {
      expect(paths).toContain(required);
    }
    for (const target of Object.values(pkg.bin)) expect(paths).toContain(target);
    // The executables run from their bundles, each with its code cache; esbuild's metafiles stay home.
    for (const bundle of ['source-devin', 'tap-devin']) expect(paths).toEqual(expect.arrayContaining([`dist/bundle/${bundle}.cjs`, `dist/bundle/${bundle}.cjs.cache`]));
    expect(paths.filter((path) => path.endsWith('.meta.json'))).toEqual([]);
    const outsideWhitelist = paths.filter((path) => !/^(dist\/|schemas\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(path));
    expect(outsideWhitelist).toEqual([]);
    expect(paths.filter((path) => path.endsWith('.ts'))).toEqual([]);
  });

  it('installs with its production dependencies only', () => {
    const modules = join(app, 'node_modules');
    expect(JSON.parse(readFileSync(join(modules, pkg.name, 'package.json'), 'utf8')).version).toBe(pkg.version);
    for (const dependency of Object.keys(pkg.dependencies)) expect(existsSync(join(modules, dependency)), dependency).toBe(true);
    for (const dependency of Object.keys(pkg.devDependencies)) expect(existsSync(join(modules, dependency)), dependency).toBe(false);
  });

  it('source-devin spec prints the one SPEC message, and --version the package version', async () => {
    const spec = await bin('source-devin', ['spec']);
    expect(spec.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([{ type: 'SPEC', spec: connectorSpecification() }]);
    expect((await bin('source-devin', ['--version'])).stdout.trim()).toBe(pkg.version);
  });

  it('tap-devin --about describes the tap with the package version', async () => {
    const about = JSON.parse((await bin('tap-devin', ['--about', '--format', 'json'])).stdout) as { name?: string; version?: string };
    expect(about.version).toBe(pkg.version);
    expect(about.name).toMatch(/devin/);
    const text = await bin('tap-devin', ['--about']);
    expect(text.stdout).toContain(pkg.version);
  });

  it('has one version everywhere: package.json, metadata.yaml, the Dockerfile label, the tarball the README installs and the installed package', () => {
    const metadata = parseYaml(readFileSync(join(ROOT, 'metadata.yaml'), 'utf8')) as { data: { dockerImageTag: string } };
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(metadata.data.dockerImageTag).toBe(pkg.version);
    expect(dockerfile).toContain(`LABEL io.airbyte.version="${pkg.version}"`);
    expect(packed.filename).toBe(`${pkg.name}-${pkg.version}.tgz`);
    // The README's install commands name the tarball npm pack writes.
    const readmeTarballs = readFileSync(join(ROOT, 'README.md'), 'utf8').match(/source-devin-\d+\.\d+\.\d+[^\s/]*\.tgz/g) ?? [];
    expect(readmeTarballs.length).toBeGreaterThan(0);
    expect(new Set(readmeTarballs)).toEqual(new Set([packed.filename]));
  });
});
