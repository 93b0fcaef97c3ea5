/**
 * The Airbyte image, checked by reading its recipe (no Docker engine here): stages, base image, production
 * dependencies, non-root user, ENTRYPOINT/AIRBYTE_ENTRYPOINT/labels, and that every copied path exists and
 * is in the build context. Finally the runtime stage's file layout is assembled in a temp dir from the
 * Dockerfile's own COPY lines and run, so a missing file (schemas/, package.json) shows up here.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectorSpecification } from '../../src/config/spec.js';
import { streamsOfScope } from '../../src/streams/index.js';
import {
  envOf,
  instructionsOf,
  labelsOf,
  parseCopy,
  parseDockerfile,
  parseExecForm,
  readDockerfile,
  workdirAt,
  type Stage,
} from './dockerfile.js';
import { isIgnored, readDockerignore } from './dockerignore.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const stages = readDockerfile(join(ROOT, 'Dockerfile'));
const runtime = stages.at(-1)!;
const ignoreRules = readDockerignore(join(ROOT, '.dockerignore'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
const metadata = parseYaml(readFileSync(join(ROOT, 'metadata.yaml'), 'utf8')) as {
  data: { dockerRepository: string; dockerImageTag: string };
};

const OFFICIAL_NODE_20 =
  /^(docker\.io\/(library\/)?)?node:20(\.\d+){0,2}-(bookworm-slim|bullseye-slim|trixie-slim|slim|alpine(3\.\d+)?)(@sha256:[0-9a-f]{64})?$/;
const INSTALL = /\bnpm\s+(ci|install|i)\b/;

function stageNamed(name: string): Stage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`no stage named ${name}`);
  return stage;
}

function runs(stage: Stage): string[] {
  return instructionsOf(stage, 'RUN').map((instruction) => instruction.args);
}

function entrypoint(): string[] {
  const last = instructionsOf(runtime, 'ENTRYPOINT').at(-1);
  if (!last) throw new Error('the runtime stage has no ENTRYPOINT');
  const form = parseExecForm(last.args);
  if (!form) throw new Error('ENTRYPOINT is in shell form');
  return form;
}

const copyFromStages = instructionsOf(runtime, 'COPY')
  .map((instruction) => parseCopy(instruction.args).from)
  .filter((from): from is string => from !== undefined);

describe('Dockerfile stages', () => {
  it('is multi-stage: a build stage installs every dependency and compiles, the runtime stage copies the result', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(copyFromStages.length).toBeGreaterThan(0);
    for (const name of copyFromStages) {
      const build = stageNamed(name);
      expect(build).not.toBe(runtime);
      const installs = runs(build).filter((command) => INSTALL.test(command));
      expect(installs.length).toBeGreaterThan(0);
      // dev dependencies (TypeScript) are needed to compile
      for (const command of installs) expect(command).not.toMatch(/--omit=dev|--production/);
      expect(runs(build).some((command) => /\bnpm run build\b/.test(command))).toBe(true);
    }
  });

  it('builds from the official Node 20 slim or alpine image, pinned by tag', () => {
    for (const stage of stages) {
      expect(stage.base).toMatch(OFFICIAL_NODE_20);
      expect(stage.base).not.toMatch(/:latest$/);
    }
  });

  it('installs production dependencies only in the runtime stage, from the lockfile, and compiles nothing there', () => {
    const installs = runs(runtime).filter((command) => INSTALL.test(command));
    expect(installs.length).toBeGreaterThan(0);
    for (const command of installs) {
      expect(command).toMatch(/\bnpm ci\b/);
      expect(command).toMatch(/--omit=dev\b/);
    }
    for (const command of runs(runtime)) expect(command).not.toMatch(/\bnpm run build\b|\btsc\b/);
    const copiedBeforeInstall = runtime.instructions
      .slice(0, runtime.instructions.findIndex((instruction) => instruction.keyword === 'RUN' && INSTALL.test(instruction.args)))
      .filter((instruction) => instruction.keyword === 'COPY')
      .flatMap((instruction) => parseCopy(instruction.args).sources);
    expect(copiedBeforeInstall).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
  });

  it('runs no install scripts in any stage: the package\'s own prepare (a build for git installs) cannot run there', () => {
    // In the build stage prepare would run before src/ is copied; in the runtime stage TypeScript is absent.
    expect(pkg.scripts.prepare).toMatch(/\bnpm run build\b/);
    for (const stage of stages) {
      for (const command of runs(stage).filter((candidate) => INSTALL.test(candidate))) expect(command).toMatch(/--ignore-scripts\b/);
    }
  });

  it('runs as a non-root user in the final stage', () => {
    const users = instructionsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    // the user must be one the base image has (node) or a numeric uid
    expect(user === 'node' || /^[1-9]\d*$/.test(user)).toBe(true);
  });
});

describe('Dockerfile entrypoint and labels', () => {
  it('ENTRYPOINT (exec form) runs node on dist/cli/source-devin.cjs in the Airbyte working directory', () => {
    const [command, script, ...rest] = entrypoint();
    expect(command).toBe('node');
    expect(rest).toEqual([]);
    const last = instructionsOf(runtime, 'ENTRYPOINT').at(-1)!;
    const workdir = workdirAt(runtime, last);
    expect(['/airbyte/integration_code', '/opt/airbyte']).toContain(workdir);
    expect(script).toBe(posix.join(workdir, 'dist/cli/source-devin.cjs'));
    // a CMD would be appended to every Airbyte invocation
    expect(instructionsOf(runtime, 'CMD')).toEqual([]);
  });

  it('AIRBYTE_ENTRYPOINT equals the space-joined ENTRYPOINT', () => {
    expect(envOf(runtime).AIRBYTE_ENTRYPOINT).toBe(entrypoint().join(' '));
  });

  it('labels io.airbyte.name and io.airbyte.version equal metadata.yaml and package.json', () => {
    const labels = labelsOf(runtime);
    expect(labels['io.airbyte.name']).toBe(metadata.data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(metadata.data.dockerImageTag);
    expect(labels['io.airbyte.version']).toBe(pkg.version);
  });
});

describe('Dockerfile paths', () => {
  it('copies only paths that exist and that .dockerignore keeps in the build context', () => {
    for (const stage of stages) {
      for (const instruction of instructionsOf(stage, 'COPY')) {
        const copy = parseCopy(instruction.args);
        if (copy.from !== undefined) continue;
        for (const source of copy.sources) {
          expect(existsSync(join(ROOT, source)), `${source} (line ${instruction.line})`).toBe(true);
          expect(isIgnored(ignoreRules, source), `${source} is excluded by .dockerignore`).toBe(false);
        }
      }
    }
  });

  it('takes from the build stage only what `npm run build` produces, and the build stage has its inputs', () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { outDir: string };
      include: string[];
    };
    // tsc, then the bundles and their code caches (the warm-up reads the schemas and runs the simulator in dist/)
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.json && node scripts/bundle.mjs');
    for (const instruction of instructionsOf(runtime, 'COPY')) {
      const copy = parseCopy(instruction.args);
      if (copy.from === undefined) continue;
      const build = stageNamed(copy.from);
      const buildWorkdir = workdirAt(build, build.instructions.at(-1)!);
      for (const source of copy.sources) {
        const relative = posix.relative(buildWorkdir, posix.resolve(buildWorkdir, source));
        expect(relative).toBe(tsconfig.compilerOptions.outDir);
        // built by test/setup/global-build.ts, exactly as the build stage does
        for (const built of ['cli/source-devin.cjs', 'cli/tap-devin.cjs', 'bundle/source-devin.cjs', 'bundle/source-devin.cjs.cache', 'bundle/tap-devin.cjs.cache']) {
          expect(existsSync(join(ROOT, relative, built)), built).toBe(true);
        }
      }
      const buildInputs = instructionsOf(build, 'COPY').flatMap((copyInstruction) => parseCopy(copyInstruction.args).sources);
      const includedDirs = tsconfig.include.map((pattern) => pattern.split('/')[0]!);
      expect(buildInputs).toEqual(
        expect.arrayContaining(['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/bundle.mjs', 'scripts/warm-bundle.mjs', 'schemas', ...includedDirs]),
      );
    }
  });

  it('.dockerignore keeps dependencies, build output, git, tests and secrets out of the context', () => {
    for (const path of ['node_modules', 'node_modules/undici/index.js', '.git', '.git/HEAD', 'dist', 'dist/cli/source-devin.cjs', 'test', 'bench', 'demo-output', 'secrets/config.json', 'source-devin-0.1.0.tgz']) {
      expect(isIgnored(ignoreRules, path), path).toBe(true);
    }
    for (const path of ['src/cli/source-devin.cts', 'scripts/bundle.mjs', 'scripts/warm-bundle.mjs', 'schemas/members.json', 'package.json', 'package-lock.json', 'tsconfig.json', 'LICENSE']) {
      expect(isIgnored(ignoreRules, path), path).toBe(false);
    }
  });
});

describe('Dockerfile parser', () => {
  it('reads continuations, quoted values and stage names, and refuses what it does not understand', () => {
    const parsed = parseDockerfile(
      ['# comment', 'FROM node:20-alpine AS b', 'RUN a \\', '  && b', 'FROM node:20-alpine', 'LABEL x="a b" y=c', 'ENV K V W'].join('\n'),
    );
    expect(parsed.map((stage) => stage.name)).toEqual(['b', undefined]);
    expect(parsed[0]!.instructions[0]!.args).toBe('a && b');
    expect(labelsOf(parsed[1]!)).toEqual({ x: 'a b', y: 'c' });
    expect(envOf(parsed[1]!)).toEqual({ K: 'V W' });
    expect(() => parseDockerfile('FROM node:20\nHEALTHCHECK NONE')).toThrow(/HEALTHCHECK/);
    expect(() => parseDockerfile('RUN x')).toThrow(/before the first FROM/);
  });
});

describe('the runtime stage layout', () => {
  const root = mkdtempSync(join(tmpdir(), 'source-devin-image-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Recreates the runtime stage's files under `root`, following its COPY lines (Docker's rules for them). */
  function assembleRuntime(): string {
    let workdir = '/';
    for (const instruction of runtime.instructions) {
      if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, instruction.args);
      if (instruction.keyword !== 'COPY') continue;
      const copy = parseCopy(instruction.args);
      const destination = posix.resolve(workdir, copy.destination);
      const intoDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
      for (const source of copy.sources) {
        const from =
          copy.from === undefined
            ? join(ROOT, source)
            : join(ROOT, posix.relative(workdirAt(stageNamed(copy.from), stageNamed(copy.from).instructions.at(-1)!), source));
        const isDirectory = statSync(from).isDirectory();
        const target = join(root, isDirectory || !intoDirectory ? destination : posix.join(destination, basename(source)));
        mkdirSync(isDirectory ? target : join(target, '..'), { recursive: true });
        cpSync(from, target, { recursive: true });
      }
    }
    // `npm ci --omit=dev` is what the image runs; the npm pack test proves production dependencies suffice.
    symlinkSync(join(ROOT, 'node_modules'), join(root, workdir, 'node_modules'), 'dir');
    return join(root, workdir);
  }

  it('has everything the entrypoint needs: spec, --version and discover work from the copied files alone', async () => {
    const workdir = assembleRuntime();
    const [node, script] = entrypoint();
    expect(node).toBe('node');
    const invoke = (args: string[]) =>
      run(process.execPath, [join(root, script!), ...args], { cwd: workdir, env: { PATH: process.env.PATH ?? '' }, timeout: 20_000 });

    const spec = await invoke(['spec']);
    const specLines = spec.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; spec?: unknown });
    expect(specLines).toEqual([{ type: 'SPEC', spec: connectorSpecification() }]);

    expect((await invoke(['--version'])).stdout.trim()).toBe(pkg.version);

    const discover = await invoke(['discover', '--config', join(ROOT, 'integration_tests/config.json')]);
    const catalog = JSON.parse(discover.stdout.trim()) as { catalog: { streams: Array<{ name: string; json_schema: unknown }> } };
    for (const stream of catalog.catalog.streams) {
      expect(stream.json_schema).toEqual(JSON.parse(readFileSync(join(ROOT, 'schemas', `${stream.name}.json`), 'utf8')));
    }
    expect(catalog.catalog.streams.map((stream) => stream.name).sort()).toEqual(streamsOfScope('enterprise').map((stream) => stream.name).sort());
  });
});
