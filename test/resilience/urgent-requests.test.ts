/**
 * Requests that other work waits for go first. A directory listing's pages (members, IdP members,
 * organizations, service users) gate every fan-out over them, so each is queued as `urgent`: it takes
 * the next free slot before requests queued without it, and a long read's biggest stream
 * (daily_consumption, one request per member) starts as soon as the listings are done instead of after
 * the other streams' queues. The limiter's rule with fake time, and the order the simulator sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdaptiveLimiter, type LimiterTicket } from '../../src/devin/limiter.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { FAST_RETRY, runAirbyte } from '../helpers/cli.js';
import { configuredCatalog, tempDir } from '../helpers/files.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('the limiter', () => {
  it('gives a freed slot to an urgent request before the ones queued earlier, and keeps each queue in order', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 1, now: () => 0, sleep: () => Promise.resolve() });
    const first = await limiter.acquire();
    const order: string[] = [];
    const tickets = new Map<string, LimiterTicket>();
    const queue = (name: string, urgent: boolean): void =>
      void limiter.acquire(urgent).then((ticket) => {
        order.push(name);
        tickets.set(name, ticket);
      });
    queue('a', false);
    queue('b', false);
    queue('U1', true);
    queue('c', false);
    queue('U2', true);
    await settle();
    expect(order).toEqual([]);
    limiter.release('success', first);
    for (let i = 0; i < 5; i += 1) {
      await settle();
      limiter.release('success', tickets.get(order.at(-1) as string));
    }
    await settle();
    expect(order).toEqual(['U1', 'U2', 'a', 'b', 'c']);
  });
});

describe('a read with one slot', () => {
  const files = tempDir();
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ members: 1_000, days: 60 });
  });
  afterAll(() => sim.close());

  it('asks for each member-listing page before the pr_metrics days queued before it', async () => {
    sim.clearRequests();
    const config = files.json('config.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, max_concurrency: 1 });
    const catalog = files.json('catalog.json', configuredCatalog({ members: 'full_refresh', pr_metrics: 'full_refresh' }));
    const run = await runAirbyte(['read', '--config', config, '--catalog', catalog], { retryPolicy: FAST_RETRY });
    expect(run.code, run.stderr).toBe(0);
    const paths = sim.requests.map((entry) => entry.path);
    const listing = paths.flatMap((path, index) => (path.includes('/members') ? [index] : []));
    const prDays = paths.filter((path) => path.endsWith('/metrics/prs')).length;
    expect(listing.length).toBeGreaterThanOrEqual(5);
    expect(prDays).toBeGreaterThanOrEqual(25);
    // With one slot the listings' pages go one after the other; without `urgent` each waits behind
    // the pr_metrics days queued before it (the 31 days are all queued at the start): measured 15, not 9.
    expect(listing.at(-1)).toBeLessThan(listing.length + 4);
  });
});
