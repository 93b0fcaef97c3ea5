// The minimum number of requests a read needs (SPEC §6 "request economy"), route by route of the
// simulator's table, from the simulator's own data and the read's settings. For a route it has no
// rule for (a stream added later), the minimum is what the request tally shows the read needed at
// least: its distinct pages (no request made twice) — `rule: 'log'` says so in the report.
//
//   tally     { <route pattern>: { requests, firstPages, laterPages } } (bench/sim-server.mjs)
//   data      { direct, idp, members, organizations, serviceUsers } (the simulator's ready message)
//   read      { days, windowDays, sessionWindows, streams: [names] }
const PAGE_SIZE = 200;
const pages = (count) => Math.max(1, Math.ceil(count / PAGE_SIZE));

/** Rules by route pattern: the requests SPEC §6 implies, or undefined to fall back on the log. */
function rules({ direct, idp, members, organizations, serviceUsers }, { days, windowDays, sessionWindows, streams }) {
  const windows = Math.ceil(days / windowDays);
  const selected = new Set(streams);
  return {
    'v3/self': () => 1,
    // Directories: each listing once, 200 per page, shared by a stream and the fan-outs over it.
    'v3/enterprise/members/users': () => pages(direct),
    'v3/enterprise/members/idp-users': () => pages(idp),
    'v3/enterprise/organizations': () => pages(organizations),
    'v3/enterprise/members/service-users': () => pages(serviceUsers),
    'v3/enterprise/consumption/cycles': (route) => 1 + route.laterPages,
    // Consumption: one request per partition and window of at most window_days.
    'v3/enterprise/consumption/daily': () => windows,
    'v3/enterprise/consumption/daily/users/:user': () => members * windows,
    'v3/enterprise/consumption/daily/organizations/:user': () => organizations * windows,
    'v3/enterprise/consumption/daily/service-users/:user': () => serviceUsers * windows,
    // PR metrics at granularity day: one per billing day (per member and day for pr_metrics_by_member).
    'v3/enterprise/metrics/prs': () => (selected.has('pr_metrics') ? days : 0) + (selected.has('pr_metrics_by_member') ? members * days : 0),
    // Sessions: the pages of each window of at most 100 days once (later pages as the log saw them).
    'v3/enterprise/sessions': (route) => sessionWindows + route.laterPages,
  };
}

/** Per route: requests, minimum and where the minimum comes from; and the totals. */
export function minimumByRoute(tally, data, read) {
  const known = rules(data, read);
  const routes = Object.entries(tally).map(([pattern, route]) => {
    const rule = known[pattern];
    const minimum = rule ? rule(route) : route.firstPages + route.laterPages;
    return { pattern, requests: route.requests, minimum, rule: rule ? 'SPEC §6' : 'log' };
  });
  routes.sort((a, b) => b.requests - a.requests);
  const requests = routes.reduce((sum, route) => sum + route.requests, 0);
  const minimum = routes.reduce((sum, route) => sum + route.minimum, 0);
  return { routes, requests, minimum, ratio: requests / minimum };
}
