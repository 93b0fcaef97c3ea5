/**
 * Supply chain. `npm audit` needs the registry's advisory endpoint, which this machine cannot reach
 * (README "Failure modes" says how a maintainer runs it); what the suite can pin down is the
 * production dependency tree: exactly zod, undici and yargs at its root, nothing that runs an
 * install script, everything locked. A new production dependency cannot sneak in unreviewed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const EXPECTED_ROOTS = ['undici', 'yargs', 'zod'];

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
  missing?: boolean;
  invalid?: boolean;
  extraneous?: boolean;
}

function npmLsProduction(): LsNode {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--json'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', npm_config_update_notifier: 'false' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as LsNode;
}

function walk(node: LsNode, visit: (name: string, child: LsNode) => void): void {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    visit(name, child);
    walk(child, visit);
  }
}

describe('production dependencies', () => {
  const tree = npmLsProduction();

  it('are exactly zod, undici and yargs at the root, as package.json declares', () => {
    expect(Object.keys(tree.dependencies ?? {}).sort()).toEqual(EXPECTED_ROOTS);
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(EXPECTED_ROOTS);
  });

  it('are all installed as locked: nothing missing, invalid or extraneous', () => {
    const problems: string[] = [];
    walk(tree, (name, node) => {
      if (node.missing || node.invalid || node.extraneous || !node.version) problems.push(name);
    });
    expect(problems).toEqual([]);
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean }>;
    };
    walk(tree, (name, node) => {
      const locked = Object.entries(lock.packages).filter(([path]) => path.endsWith(`node_modules/${name}`));
      expect(locked.some(([, entry]) => entry.version === node.version && entry.dev !== true), `${name}@${node.version} locked`).toBe(true);
    });
  });

  it('run no install scripts', () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.hasInstallScript === true)
      .map(([path]) => path);
    expect(withScripts).toEqual([]);
  });
});
