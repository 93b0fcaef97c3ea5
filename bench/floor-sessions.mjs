// The floor of the sessions scenario (bench/scenarios-sessions.mjs): the same session pages the
// connector asks for — the same updated_after/updated_before windows, 200 per page, page after page —
// fetched by a bare loop (undici `request` over one keep-alive pool, JSON.parse, each row written as a
// JSON line to stdout). No validation, state, envelopes, child records or backpressure: the cost of
// HTTP + JSON that any connector pays.
//   argv[2]: JSON { url, key, windows: [[after, before], …] }   → prints { records, pages } at the end
import { Agent, request } from 'undici';

const { url, key, windows } = JSON.parse(process.argv[2]);
const dispatcher = new Agent({ connections: 2, keepAliveTimeout: 30_000 });
const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
let records = 0;
let pages = 0;
for (const [after, before] of windows) {
  let cursor;
  do {
    const query = `first=200&updated_after=${after}&updated_before=${before}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`;
    const response = await request(`${url}/v3/enterprise/sessions?${query}`, { dispatcher, headers });
    const body = JSON.parse(await response.body.text());
    pages += 1;
    let text = '';
    for (const item of body.items) text += `${JSON.stringify(item)}\n`;
    records += body.items.length;
    if (text) process.stdout.write(text);
    cursor = body.has_next_page ? body.end_cursor : undefined;
  } while (cursor);
}
await dispatcher.close();
process.stderr.write(`${JSON.stringify({ records, pages })}\n`);
