/** The package version: one number, read from package.json, used in the User-Agent, SPEC and --about. */
import { readFileSync } from 'node:fs';

export const PACKAGE_NAME = 'source-devin';

function readVersion(): string {
  // src/version.ts and dist/version.js both sit one level below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const VERSION = readVersion();

export function userAgent(): string {
  return `${PACKAGE_NAME}/${VERSION} (+https://github.com/source-devin/source-devin) node/${process.versions.node}`;
}
