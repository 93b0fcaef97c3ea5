// The floor: the same pages the connector fetches for a full read of all three streams, fetched by
// a bare loop — undici `request` over one keep-alive pool, `JSON.parse`, each row written as one
// JSON line to /dev/null — with the same number of requests in flight as the connector. No
// validation, retries, checkpoints, protocol envelopes or backpressure: what is left is the cost
// of HTTP + JSON that any connector pays. bench/run.mjs times it as a child process, like the
// connector, and divides.
//   argv[2] JSON { url, key, firstDay, today, windowDays, concurrency }
//   stdout  one JSON line { rows, records, requests }: lines written, and records a connector emits
//           (a member listed directly and through IdP is one record)
import { openSync, writeSync } from 'node:fs';
import { Agent } from 'undici';

const { url, key, firstDay, today, windowDays, concurrency } = JSON.parse(process.argv[2]);
const PAGE_SIZE = 200;
const DAY_SECONDS = 86_400;
const dayStart = (day) => day * DAY_SECONDS + 8 * 3_600;

const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
const devNull = openSync('/dev/null', 'w');
let requests = 0;
let rows = 0;
let duplicates = 0;

// One semaphore over every request, as the connector's limiter bounds all streams together.
let inFlight = 0;
const waiters = [];
async function getJson(path) {
  while (inFlight >= concurrency) await new Promise((resolve) => waiters.push(resolve));
  inFlight += 1;
  try {
    requests += 1;
    const response = await dispatcher.request({ origin: url, path, method: 'GET', headers });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`floor: HTTP ${response.statusCode} on ${path}: ${text.slice(0, 200)}`);
    return JSON.parse(text);
  } finally {
    inFlight -= 1;
    waiters.shift()?.();
  }
}

function writeRows(items) {
  if (items.length === 0) return;
  let text = '';
  for (const item of items) text += `${JSON.stringify(item)}\n`;
  writeSync(devNull, text);
  rows += items.length;
}

async function lanes(count, next, work) {
  await Promise.all(
    Array.from({ length: count }, async () => {
      for (let job = next(); job !== undefined; job = next()) await work(job);
    }),
  );
}

async function listing(path) {
  const ids = [];
  let after;
  do {
    const body = await getJson(`${path}?first=${PAGE_SIZE}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`);
    writeRows(body.items);
    for (const item of body.items) ids.push(item.user_id);
    after = body.has_next_page ? body.end_cursor : undefined;
  } while (after);
  return ids;
}

async function prMetrics() {
  let day = firstDay;
  await lanes(concurrency, () => (day <= today ? day++ : undefined), async (d) => {
    const body = await getJson(`/v3/enterprise/metrics/prs?time_after=${dayStart(d)}&time_before=${dayStart(d + 1)}`);
    writeRows([body]);
  });
}

async function consumption() {
  const [direct, idp] = await Promise.all([
    listing('/v3/enterprise/members/users'),
    listing('/v3/enterprise/members/idp-users'),
  ]);
  const members = [...new Set([...direct, ...idp])].sort();
  // A member on both listings is written twice here and is one record for the connector.
  duplicates = direct.length + idp.length - members.length;
  // Slice-major, member-minor: the order the connector asks in.
  const jobs = [];
  for (let from = firstDay; from <= today; from += windowDays) {
    const to = Math.min(today, from + windowDays - 1);
    for (const id of members) jobs.push([id, from, to]);
  }
  let index = 0;
  await lanes(concurrency, () => jobs[index++], async ([id, from, to]) => {
    const path = `/v3/enterprise/consumption/daily/users/${encodeURIComponent(id)}`;
    const body = await getJson(`${path}?time_after=${dayStart(from)}&time_before=${dayStart(to + 1)}`);
    writeRows(body.consumption_by_date);
  });
}

await getJson('/v3/self');
await Promise.all([prMetrics(), consumption()]);
await dispatcher.close();
process.stdout.write(`${JSON.stringify({ rows, records: rows - duplicates, requests })}\n`);
