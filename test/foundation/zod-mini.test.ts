/**
 * The connector's schemas (config, catalogs, state) are written with zod's functional API, `zod/mini`,
 * never with classic `zod`: they are built at start-up on every run, and classic zod costs about twice
 * as much to load (issue 15). One stray `import { z } from 'zod'` would bring all of classic back, so
 * every import of zod in src/ (and in the dist/ the executables run) must be zod/mini or zod/v4/core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const ALLOWED = new Set(['zod/mini', 'zod/v4/mini', 'zod/v4/core']);

/** Every module specifier naming zod (import, import type, export … from, import(), require()). */
function zodSpecifiers(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](zod(?:\/[^'"]*)?)['"]/g;
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** file → its zod specifiers, for the files under `dir` that import zod at all. */
function zodImports(dir: string, extension: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of filesUnder(join(REPO_ROOT, dir), extension)) {
    const specifiers = zodSpecifiers(readFileSync(file, 'utf8'));
    if (specifiers.length > 0) found.set(relative(REPO_ROOT, file), specifiers);
  }
  return found;
}

function classicImports(imports: Map<string, string[]>): string[] {
  return [...imports].flatMap(([file, specifiers]) => specifiers.filter((s) => !ALLOWED.has(s)).map((s) => `${file}: '${s}'`));
}

describe('zod/mini only', () => {
  it('the scanner sees every way of importing classic zod', () => {
    const forms = [
      "import { z } from 'zod';",
      'import * as z from "zod";',
      "import type { z } from 'zod';",
      "export { z } from 'zod';",
      "import 'zod';",
      "const z = await import('zod');",
      "const z = require('zod');",
      "import { z } from 'zod/v4';",
    ];
    expect(forms.flatMap(zodSpecifiers)).toEqual(['zod', 'zod', 'zod', 'zod', 'zod', 'zod', 'zod', 'zod/v4']);
    expect(zodSpecifiers("import * as z from 'zod/mini'; import type { $ZodIssue } from 'zod/v4/core';")).toEqual(['zod/mini', 'zod/v4/core']);
  });

  it('no file under src/ imports classic zod; the schemas import zod/mini', () => {
    const imports = zodImports('src', '.ts');
    expect(classicImports(imports)).toEqual([]);
    for (const file of ['src/config/schema.ts', 'src/json-shapes.ts', 'src/engine/state.ts', 'src/protocol/airbyte-state.ts']) {
      expect(imports.get(file), file).toContain('zod/mini');
    }
  });

  it('no file under dist/ imports classic zod', () => {
    expect(classicImports(zodImports('dist', '.js'))).toEqual([]);
  });

  it.each(['source-devin', 'tap-devin'])('the %s bundle holds zod/mini and zod core only (no classic API, no locales)', (name) => {
    const { outputs } = JSON.parse(readFileSync(join(REPO_ROOT, `dist/bundle/${name}.meta.json`), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    // What esbuild kept (zod/mini re-exports every locale; tree-shaking drops them from the output).
    const kept = Object.entries(outputs[`dist/bundle/${name}.cjs`]!.inputs).filter(([, input]) => input.bytesInOutput > 0);
    const zod = kept.map(([path]) => path).filter((path) => path.startsWith('node_modules/zod/'));
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.filter((path) => !/^node_modules\/zod\/(mini|v4\/mini|v4\/core)\//.test(path))).toEqual([]);
  });
});
