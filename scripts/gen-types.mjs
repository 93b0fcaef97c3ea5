// Generates the record types in src/streams/records.generated.ts from schemas/*.json
// (json-schema-to-typescript). `npm run gen:types` rewrites the file; `--check` only compares.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}src/streams/records.generated.ts`;
const streams = [
  ['members', 'MemberRecord'],
  ['daily_consumption', 'DailyConsumptionRecord'],
  ['pr_metrics', 'PrMetricsRecord'],
];

export async function generateRecordTypes() {
  const parts = [
    '/* eslint-disable */',
    '// Generated from schemas/*.json by `npm run gen:types` (json-schema-to-typescript). Do not edit by hand:',
    '// change the schema and regenerate; a test fails when this file is stale.',
    '',
  ];
  for (const [stream, typeName] of streams) {
    const schema = JSON.parse(await readFile(`${root}schemas/${stream}.json`, 'utf8'));
    const ts = await compile({ ...schema, title: typeName }, typeName, {
      bannerComment: '',
      additionalProperties: true,
      strictIndexSignatures: false,
      format: true,
      style: { singleQuote: true, printWidth: 120 },
    });
    parts.push(ts.trim(), '');
  }
  return parts.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const generated = await generateRecordTypes();
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== generated) {
      console.error('src/streams/records.generated.ts is stale: run `npm run gen:types`');
      process.exit(1);
    }
  } else {
    await writeFile(target, generated);
    console.error(`wrote ${target}`);
  }
}
