/**
 * What a real `node dist/cli/<bin>.js <argv>` loads: the ES modules it resolves (a module hook) and
 * the CommonJS files in require's cache when it exits (undici is CommonJS, loaded with require).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.js';
import { scratchDir } from './files.js';

export interface LoadedModules {
  code: number;
  stdout: string;
  stderr: string;
  /** Resolved URLs and CommonJS file paths, in one list. */
  modules: string[];
}

export async function modulesLoadedBy(bin: 'source-devin' | 'tap-devin', argv: string[]): Promise<LoadedModules> {
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
  const register = dir.text(
    'register.mjs',
    "import { register, createRequire } from 'node:module';\n" +
      "import { appendFileSync } from 'node:fs';\n" +
      `register(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      'const cache = createRequire(import.meta.url)("node:module")._cache;\n' +
      `process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).join('\\n') + '\\n'));\n`,
  );
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', register, join(REPO_ROOT, `dist/cli/${bin}.js`), ...argv],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  return { ...result, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** True when any loaded module lives in node_modules/<pkg>/ (optionally under a sub-path). */
export function loads(modules: readonly string[], pkg: string, under = ''): boolean {
  return modules.some((module) => module.includes(`/node_modules/${pkg}/${under}`));
}
