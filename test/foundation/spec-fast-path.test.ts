/**
 * `source-devin spec` answers from a generated constant without loading the rest of the connector
 * (cold start). The constant must never drift from src/config/spec.ts, and the fast path must print
 * exactly what the full path (runSourceDevin) prints.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SPEC_MESSAGE } from '../../src/protocol/spec-message.generated.js';
import { connectorSpecification } from '../../src/config/spec.js';
import { REPO_ROOT, runAirbyte, spawnCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';

const run = promisify(execFile);

/** The module URLs a real `node dist/cli/source-devin.js <argv>` resolves, via a module hook. */
async function modulesLoadedBy(argv: string[]): Promise<{ stdout: string; modules: string[] }> {
  const dir = scratchDir();
  const log = dir.text('loaded.txt', '');
  const hooks = dir.text(
    'hooks.mjs',
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function resolve(specifier, context, next) {\n' +
      '  const result = await next(specifier, context);\n' +
      `  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n` +
      '  return result;\n' +
      '}\n',
  );
  const register = dir.text('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const { stdout } = await run(process.execPath, ['--import', register, join(REPO_ROOT, 'dist/cli/source-devin.js'), ...argv], {
    cwd: REPO_ROOT,
  });
  return { stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('source-devin spec (fast path)', () => {
  it('the generated SPEC message is the spec of src/config/spec.ts (else: npm run build && node scripts/gen-spec.mjs)', () => {
    expect(SPEC_MESSAGE).toBe(JSON.stringify({ type: 'SPEC', spec: connectorSpecification() }));
  });

  it('prints byte for byte what the full path prints, exit 0, nothing on stderr', async () => {
    const [fast, full] = await Promise.all([spawnCli('source-devin', ['spec']), runAirbyte(['spec'])]);
    expect(fast).toMatchObject({ code: 0, stderr: '' });
    expect(full.code).toBe(0);
    expect(fast.stdout).toBe(full.stdout);
    expect(fast.stdout).toBe(`${SPEC_MESSAGE}\n`);
  });

  it('loads neither the engine nor yargs, zod or undici', async () => {
    const { stdout, modules } = await modulesLoadedBy(['spec']);
    expect(stdout).toBe(`${SPEC_MESSAGE}\n`);
    expect(modules.map((url) => url.slice(url.indexOf('/dist/') + 1))).toEqual([
      'dist/cli/source-devin.js',
      'dist/protocol/spec-fast-path.js',
      'dist/protocol/spec-message.generated.js',
    ]);
  });

  it('leaves everything else to the full path: spec --help, spec with extra words, other commands', async () => {
    const help = await spawnCli('source-devin', ['spec', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/source-devin spec/);
    const extra = await spawnCli('source-devin', ['spec', 'extra']);
    expect(extra).toMatchObject({ code: 2, stdout: '' });
    expect(extra.stderr).toMatch(/unexpected argument "extra" for spec/);
    const { modules } = await modulesLoadedBy(['--version']);
    expect(modules.some((url) => url.includes('/node_modules/yargs/'))).toBe(true);
  });
});
