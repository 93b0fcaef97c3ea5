/**
 * Runs a front door from its bundle (dist/bundle/<name>.cjs, made by scripts/bundle.mjs) with V8's code
 * cache (<name>.cjs.cache). Start-up is what Airbyte pays on every spec, check, discover and read (a
 * fresh container each): loaded as some 170 ES modules, the connector spends most of it resolving and
 * compiling them; one file whose compiled code comes from the cache skips both (BENCHMARKS.md).
 *
 * The cache is an optimisation only. V8 checks it against the source and its own version and flags:
 * when it does not match (another Node.js, a changed bundle) or is missing, the bundle is compiled as
 * usual and behaves the same, only slower to start. The script is compiled and run the way Node runs
 * a CommonJS file (the module wrapper, `require` resolved from the bundle's own path).
 */
import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { applyHeapPolicy } from './heap-policy.cjs';

export interface LoadedBundle<T> {
  exports: T;
  /** The compiled script: scripts/warm-bundle.mjs writes its code cache after a warm-up run. */
  script: Script;
}

type ModuleWrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

/** Loads the bundle at `file`; `codeCache: false` compiles it from source (what the warm-up does). */
export function loadBundle<T>(file: string, { codeCache = true }: { codeCache?: boolean } = {}): LoadedBundle<T> {
  const source = readFileSync(file, 'utf8');
  const cachedData = codeCache ? readCodeCache(`${file}.cache`) : undefined;
  const script = new Script(wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as T };
  const run = script.runInThisContext() as ModuleWrapper;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

function readCodeCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** What each bundle exports (src/cli/source-devin-bundle.ts, tap-devin-bundle.ts). */
interface FrontDoorBundle {
  main(argv: readonly string[]): Promise<number>;
}

/**
 * Runs the executable `bin` from dist/bundle/<bin>.cjs and sets the exit code. A bundle that cannot be
 * loaded (a partial build or install) or a bug that escapes the front door is one line on stderr,
 * exit 1, never a stack trace; user errors are answered in the protocol by the front door itself.
 */
export function runFrontDoor(bin: string, argv: readonly string[]): void {
  let bundle: FrontDoorBundle;
  try {
    bundle = loadBundle<FrontDoorBundle>(join(__dirname, `../bundle/${bin}.cjs`)).exports;
  } catch (error) {
    fail(bin, `cannot load its bundle (${messageOf(error)}); rebuild with \`npm run build\``);
    return;
  }
  // V8 flags (./heap-policy.cts), set once the bundle is compiled and the first turn of the event loop
  // has loaded the Node built-ins the command needs: V8 checks both the bundle's code cache and Node's
  // own against its flags, and would compile from source whatever comes after a change.
  setImmediate(applyHeapPolicy);
  bundle.main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => fail(bin, messageOf(error)),
  );
}

function fail(bin: string, message: string): void {
  process.stderr.write(`${bin}: ${message}\n`);
  process.exitCode = 1;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
