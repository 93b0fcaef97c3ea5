/**
 * The lockfile of an empty project that depends on nothing but the packed tarball, built from the
 * repository's own package-lock.json: the tarball's entry (with its sha512) plus every production entry
 * of the committed lock, at the same place in node_modules.
 *
 * Why: `npm install <tarball>` without a lock resolves the tarball's dependency ranges, which needs the
 * registry's full package documents; `npm ci` never caches those, so `--offline` fails on a machine whose
 * cache was filled only by `npm ci` (ENOTCACHED). `npm ci --offline` with this lock needs exactly what the
 * repository's `npm ci` put into the cache (the production tarballs and their abbreviated documents), the
 * same versions the Docker image installs, and nothing from the network.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface LockEntry {
  version?: string;
  dev?: boolean;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

export interface AppProject {
  packageJson: Record<string, unknown>;
  lockfile: Record<string, unknown>;
}

/** The package.json and package-lock.json of an app in a folder beside `tarball` that depends on it. */
export function appProjectFor(tarball: string, manifest: Manifest, repoLock: { packages: Record<string, LockEntry> }): AppProject {
  const spec = `file:../${basename(tarball)}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const root = { name: 'empty-project', version: '1.0.0', dependencies: { [manifest.name]: spec } };
  const packages: Record<string, unknown> = {
    '': root,
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      integrity,
      license: manifest.license,
      engines: manifest.engines,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
    },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path !== '' && entry.dev !== true) packages[path] = entry;
  }
  return {
    packageJson: { ...root, private: true },
    lockfile: { name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages },
  };
}
