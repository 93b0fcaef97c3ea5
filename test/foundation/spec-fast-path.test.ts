/**
 * `source-devin spec` answers from a generated constant without loading the rest of the connector
 * (cold start). The constant must never drift from src/config/spec.ts, and the fast path must print
 * exactly what the full path (runSourceDevin) prints.
 */
import { describe, expect, it } from 'vitest';
import { SPEC_MESSAGE } from '../../src/protocol/spec-message.generated.js';
import { connectorSpecification } from '../../src/config/spec.js';
import { runAirbyte, spawnCli } from '../helpers/cli.js';
import { loadsBuiltin, modulesLoadedBy } from '../helpers/modules.js';
import { VERSION } from '../../src/version.js';

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

  it('loads neither the bundle (engine, yargs, zod, undici) nor its loader', async () => {
    const { stdout, modules } = await modulesLoadedBy('source-devin', ['spec']);
    expect(stdout).toBe(`${SPEC_MESSAGE}\n`);
    // The launcher shows twice: as the entry point the hook resolves and in require's cache.
    const ours = modules.filter((module) => module.includes('/dist/')).map((module) => module.slice(module.indexOf('/dist/') + 1));
    expect([...new Set(ours)].sort()).toEqual(['dist/cli/source-devin.cjs', 'dist/protocol/spec-fast-path.js', 'dist/protocol/spec-message.generated.js']);
    expect(loadsBuiltin(modules, 'vm')).toBe(false);
  });

  it('leaves everything else to the full path: spec --help, spec with extra words, other commands', async () => {
    const help = await spawnCli('source-devin', ['spec', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/source-devin spec/);
    const extra = await spawnCli('source-devin', ['spec', 'extra']);
    expect(extra).toMatchObject({ code: 2, stdout: '' });
    expect(extra.stderr).toMatch(/unexpected argument "extra" for spec/);
    const version = await spawnCli('source-devin', ['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });
});
