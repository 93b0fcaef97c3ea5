// The front doors' bundles: dist/bundle/source-devin.cjs and dist/bundle/tap-devin.cjs, each one
// CommonJS file holding the compiled connector (dist/) and the dependencies it runs on (zod, undici's
// dispatcher files but its HTTP/2 client, yargs), plus its V8 code cache (<bundle>.cache, written by scripts/warm-bundle.mjs
// after a warm-up run) and esbuild's metafile (<name>.meta.json: what went in, read by the tests).
// Why: start-up (src/cli/bundle-loader.cts, BENCHMARKS.md). Part of `npm run build`, after tsc.
//
//   node scripts/bundle.mjs            bundle, then warm each bundle up in a fresh process
//   node scripts/bundle.mjs --no-warm  bundle only (the bundles run, without a code cache)
import { spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist/bundle');
const FRONT_DOORS = ['source-devin', 'tap-devin'];

/**
 * `import.meta.url` keeps meaning the URL of the file it is written in (dist/version.js reads
 * ../package.json, dist/streams/types.js reads ../../schemas/, yargs reads its locales): each use
 * becomes that file's path, relative to the bundle, resolved when the bundle runs — so a bundle
 * moved with its package (the Docker image) still finds them.
 */
const IMPORT_META_URL = '__bundledImportMetaUrl';
// In the bundle's own scope, where `require` is still the module's: a bundled file may name a local `require`.
const IMPORT_META_URL_HELPER =
  `function ${IMPORT_META_URL}(fromBundle) { return require("node:url").pathToFileURL(require("node:path").join(__dirname, fromBundle)).href; }`;

const importMetaUrl = {
  name: 'import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.(m?js)$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = JSON.stringify(relative(outDir, path).split('\\').join('/'));
      return { contents: text.replaceAll('import.meta.url', `${IMPORT_META_URL}(${fromBundle})`), loader: 'js', resolveDir: dirname(path) };
    });
  },
};

/**
 * undici's HTTP/2 client (dispatcher/client-h2.js, and node:http2 and node:tls with it, loaded even for
 * plain HTTP) stays out: the connector never allows HTTP/2 (src/devin/transport.ts `allowH2: false`),
 * so undici only ever offers http/1.1 and never calls it. If it ever did, the call says so.
 */
const withoutUndiciHttp2 = {
  name: 'without-undici-http2',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/client-h2\.js$/ }, ({ importer }) =>
      importer.endsWith(join('undici', 'lib', 'dispatcher', 'client.js')) ? { path: 'undici-client-h2', namespace: 'left-out' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: 'module.exports = function connectH2() { throw new Error("HTTP/2 is not in this bundle: the connector speaks HTTP/1.1 (allowH2: false)"); };',
      loader: 'js',
    }));
  },
};

async function bundle(name) {
  const outfile = join(outDir, `${name}.cjs`);
  await rm(`${outfile}.cache`, { force: true });
  const result = await build({
    entryPoints: [join(root, `dist/cli/${name}-bundle.js`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Shorter to read and parse, with names kept: a stack trace still says which function.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [importMetaUrl, withoutUndiciHttp2],
    banner: { js: IMPORT_META_URL_HELPER },
  });
  await writeFile(join(outDir, `${name}.meta.json`), `${JSON.stringify(result.metafile)}\n`);
  return outfile;
}

async function main() {
  const warm = !process.argv.includes('--no-warm');
  for (const name of FRONT_DOORS) {
    const outfile = await bundle(name);
    if (!warm) continue;
    // The warm-up talks to a simulator on 127.0.0.1: a build machine's proxy variables must not apply.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/_proxy$/i.test(key)));
    const run = spawnSync(process.execPath, [join(root, 'scripts/warm-bundle.mjs'), name, outfile], { stdio: 'inherit', env });
    if (run.status !== 0) throw new Error(`the warm-up of ${name} failed (exit ${run.status})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
