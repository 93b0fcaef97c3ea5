// The generic floor of the stream scenarios (bench/stream-read.mjs): the listings the connector
// started — every distinct first page it asked for, as the simulator saw it — fetched by a bare loop:
// undici over one keep-alive pool with the same requests in flight, `JSON.parse`, each row written as
// one JSON line to /dev/null, and every further page followed through `end_cursor` as long as
// `has_next_page`. No validation, retries, state, envelopes, fan-out or backpressure. It does not
// wait for a directory before its fan-out either (it already knows every partition), so it is a floor
// below any real connector: connector ÷ floor errs against the connector.
//   argv[2]  path of a JSON file { url, key, concurrency, listings: [rawUrl, …] }
//   stdout   one JSON line { rows, requests }
import { openSync, readFileSync, writeSync } from 'node:fs';
import { Agent } from 'undici';

const { url, key, concurrency, listings } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
const devNull = openSync('/dev/null', 'w');
let requests = 0;
let rows = 0;

async function getJson(path) {
  requests += 1;
  const response = await dispatcher.request({ origin: url, path, method: 'GET', headers });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`floor: HTTP ${response.statusCode} on ${path}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** The rows of an answer: its list (items, consumption_by_date, …), or the answer itself. */
function rowsOf(body) {
  if (Array.isArray(body)) return body;
  if (Array.isArray(body.items)) return body.items;
  for (const value of Object.values(body)) if (Array.isArray(value)) return value;
  return [body];
}

async function listing(first) {
  let path = first;
  for (;;) {
    const body = await getJson(path);
    const list = rowsOf(body);
    if (list.length > 0) {
      let text = '';
      for (const row of list) text += `${JSON.stringify(row)}\n`;
      writeSync(devNull, text);
      rows += list.length;
    }
    if (!body.has_next_page || !body.end_cursor) return;
    path = `${first}${first.includes('?') ? '&' : '?'}after=${encodeURIComponent(body.end_cursor)}`;
  }
}

let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < listings.length) await listing(listings[next++]);
  }),
);
await dispatcher.close();
process.stdout.write(`${JSON.stringify({ rows, requests })}\n`);
