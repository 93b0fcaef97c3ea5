/**
 * Installing from a git URL: npm clones the repository (no dist/, it is not committed), installs every
 * dependency into the clone, runs the package's `prepare`, and packs the result. This replays those steps
 * offline on the files git would hand out (tracked, or new and not ignored), with the repository's
 * node_modules standing in for the install: the packed result must hold both executables, and they run.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe('a git checkout of the package', () => {
  const clone = mkdtempSync(join(tmpdir(), 'source-devin-git-'));
  let packedPaths: string[];
  let distBeforePrepare = true;
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  beforeAll(async () => {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const path of stdout.split('\0').filter((file) => file !== '' && existsSync(join(ROOT, file)))) {
      mkdirSync(dirname(join(clone, path)), { recursive: true });
      cpSync(join(ROOT, path), join(clone, path));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    distBeforePrepare = existsSync(join(clone, 'dist'));
    await run('npm', ['run', 'prepare'], { cwd: clone, timeout: 60_000 });
    const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: clone, maxBuffer: 16 * 1024 * 1024 });
    packedPaths = (JSON.parse(packed.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
  }, 120_000);

  it('has no dist/ until prepare builds it', () => {
    expect(distBeforePrepare).toBe(false);
    expect(existsSync(join(clone, 'dist/cli/source-devin.cjs'))).toBe(true);
  });

  it('packs both executables after prepare, and they run', async () => {
    for (const target of Object.values(pkg.bin)) expect(packedPaths).toContain(target);
    const source = await run(process.execPath, [join(clone, pkg.bin['source-devin']!), '--version'], { cwd: clone });
    expect(source.stdout.trim()).toBe(pkg.version);
    const tap = await run(process.execPath, [join(clone, pkg.bin['tap-devin']!), '--about', '--format', 'json'], { cwd: clone });
    expect((JSON.parse(tap.stdout) as { version: string }).version).toBe(pkg.version);
  });
});
