// The simulated Devin API in its own process, so that serving never shares an event loop (or a
// core's worth of JIT and GC) with what is being measured. Driven by bench/run.mjs over IPC:
//   argv[2]      JSON SimulatorOptions (request logging is always off: it would grow without bound),
//                plus `tally: true` to count requests by route (bench/stream-read.mjs)
//   → ready      { url, direct, idp, members, organizations, serviceUsers, firstDay, today }
//                member counts per listing, organizations, service users (inactive ones included)
//   ← stats      → { requests, byStatus, cpuMs }           counters since start (callers take deltas)
//   ← routes     → { routes: { <pattern>: { requests, firstPages, laterPages } }, listings: [rawUrl], firstRequestAt }
//                  since the last reset: per route of the simulator's table (src/simulator/routes.ts),
//                  requests, distinct first pages (no `after` cursor: one listing or window each) and
//                  distinct later pages; `listings` are the distinct first pages, for the floor;
//                  `firstRequestAt` when the first of them arrived (epoch ms)
//   ← reset      clears the route tally
//   ← close      closes the server and exits
import { startSimulator } from '../dist/simulator/index.js';
import { matchRoute } from '../dist/simulator/routes.js';

const { tally = false, ...options } = JSON.parse(process.argv[2] ?? '{}');

/** Requests by route pattern, and the distinct request targets behind them. */
function routeTally() {
  let routes = new Map();
  /** When the first request since the last reset arrived (epoch ms, as the simulator stamps it). */
  let firstRequestAt;
  const route = (pattern) => {
    let entry = routes.get(pattern);
    if (!entry) routes.set(pattern, (entry = { requests: 0, firstPages: new Set(), laterPages: new Set() }));
    return entry;
  };
  return {
    onRequest(entry) {
      firstRequestAt = Math.min(firstRequestAt ?? Infinity, entry.receivedAt);
      const pattern = matchRoute(entry.pathSegments)?.route.pattern.join('/') ?? `unrouted:${entry.path}`;
      const counted = route(pattern);
      counted.requests += 1;
      (entry.query.after === undefined ? counted.firstPages : counted.laterPages).add(entry.rawUrl);
    },
    snapshot() {
      const out = {};
      const listings = [];
      // Listings of paginated routes first: a floor that started its long page chains last would
      // end with most of its lanes idle.
      const ordered = [...routes].sort(([, a], [, b]) => b.laterPages.size / b.firstPages.size - a.laterPages.size / a.firstPages.size);
      for (const [pattern, entry] of ordered) {
        out[pattern] = { requests: entry.requests, firstPages: entry.firstPages.size, laterPages: entry.laterPages.size };
        listings.push(...entry.firstPages);
      }
      return { routes: out, listings, firstRequestAt };
    },
    reset() {
      routes = new Map();
      firstRequestAt = undefined;
    },
  };
}

const counter = tally ? routeTally() : undefined;
const sim = await startSimulator({ ...options, logRequests: false, ...(counter ? { onRequest: counter.onRequest } : {}) });
const members = sim.data.members(null);
process.send({
  type: 'ready',
  url: sim.url,
  direct: members.filter((m) => m.listing !== 'idp').length,
  idp: members.filter((m) => m.listing !== 'direct').length,
  members: members.length,
  organizations: sim.data.consumers.organizations().length,
  serviceUsers: sim.data.consumers.serviceUsers(null).length,
  firstDay: sim.data.firstDay(),
  today: sim.data.today(),
});

process.on('message', (message) => {
  if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send({ type: 'stats', id: message.id, ...sim.stats(), cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (message.type === 'routes') {
    process.send({ type: 'routes', id: message.id, ...(counter?.snapshot() ?? { routes: {}, listings: [] }) });
  } else if (message.type === 'reset') {
    counter?.reset();
    process.send({ type: 'reset', id: message.id });
  } else if (message.type === 'close') {
    void sim.close().then(() => process.exit(0));
  }
});
// The parent went away: do not linger.
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
