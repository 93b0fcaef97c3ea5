// Writes what is derived from the stream declarations (src/streams/*.ts) outside the code: the README's
// stream overview (section `stream-table`: scopes, sync modes, key, cursor, default, the permission per
// scope) and metadata.yaml's suggestedStreams (the default streams). `--check` only compares (exit 1
// when a file is stale). Needs the compiled dist/; test/foundation/readme.test.ts imports the renderers.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { withSection } from './sections.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** "ViewAccountConsumption (ManageBilling)" for each endpoint of the stream in a scope, de-duplicated. */
function permissions(stream, scope, endpoints) {
  if (!stream.scopes.includes(scope)) return '—';
  const names = [...new Set(stream.endpoints.map((name) => {
    const [current, older] = endpoints[scope][name]?.permission ?? ['?'];
    return older ? `\`${current}\` (\`${older}\`)` : `\`${current}\``;
  }))];
  return names.join(', ');
}

/** The markdown overview of every stream. */
export function renderStreamTable(streams, endpoints) {
  const rows = streams.map((s) => {
    const sync = s.cursor ? 'FR, INC' : 'FR';
    const key = s.primaryKey.map((path) => `\`${path.join('.')}\``).join(' + ');
    const cursor = s.cursor ? `\`${s.cursor.field}\`` : '—';
    return `| \`${s.name}\` | ${s.scopes.join(', ')} | ${sync} | ${key} | ${cursor} | ${s.default ? 'yes' : 'no'} | ${permissions(s, 'enterprise', endpoints)} | ${permissions(s, 'organization', endpoints)} |`;
  });
  return [
    '| stream | scopes | sync | primary key | cursor | default | enterprise key needs | organization key needs |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** metadata.yaml with suggestedStreams set to the default streams. */
export function withSuggestedStreams(metadata, names) {
  const block = /( {2}suggestedStreams:\n {4}streams:\n)((?: {6}- .+\n)+)/;
  if (!block.test(metadata)) throw new Error('metadata.yaml has no suggestedStreams.streams list');
  return metadata.replace(block, (_, head) => `${head}${names.map((name) => `      - ${name}\n`).join('')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { STREAMS, defaultStreams } = await import(new URL('../dist/streams/index.js', import.meta.url).href);
  const { ENDPOINTS } = await import(new URL('../dist/devin/endpoints.js', import.meta.url).href);
  const files = {
    'README.md': (text) => withSection(text, 'stream-table', renderStreamTable(STREAMS, ENDPOINTS)),
    'metadata.yaml': (text) => withSuggestedStreams(text, defaultStreams(undefined).map((s) => s.name)),
  };
  let stale = false;
  for (const [name, update] of Object.entries(files)) {
    const path = `${root}${name}`;
    const text = await readFile(path, 'utf8');
    const updated = update(text);
    if (updated === text) continue;
    stale = true;
    if (!process.argv.includes('--check')) {
      await writeFile(path, updated);
      console.error(`updated ${name} from the stream declarations`);
    }
  }
  if (stale && process.argv.includes('--check')) {
    console.error('stale: run `npm run build && node scripts/gen-stream-table.mjs`');
    process.exit(1);
  }
}
