/**
 * What a real `node dist/cli/<bin>.cjs <argv>` loads: the ES modules it resolves (a module hook), the
 * CommonJS files in require's cache when it exits, and the Node built-ins it loaded
 * (`process.moduleLoadList`, as `node:<name>`): what runs inside a bundle shows only through those.
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
  /** Resolved URLs, CommonJS file paths and `node:<built-in>` names, in one list. */
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
      `const builtins = () => process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'node:' + m.slice(13));\n` +
      `process.on('exit', () => appendFileSync(${JSON.stringify(log)}, [...Object.keys(cache), ...builtins()].join('\\n') + '\\n'));\n`,
  );
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', register, join(REPO_ROOT, `dist/cli/${bin}.cjs`), ...argv],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  return { ...result, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** True when the run loaded the Node built-in `name` (`http`, `vm`, …). */
export function loadsBuiltin(modules: readonly string[], name: string): boolean {
  return modules.includes(`node:${name}`);
}
