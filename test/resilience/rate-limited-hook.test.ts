/**
 * The client's per-caller rate-limit hook (RequestCounter.onRateLimited), exact request shapes over
 * undici's MockAgent: called once per 429 that is retried, before the wait, with the reset time that
 * Retry-After names (seconds, or an HTTP date; capped as the wait is) — and never for other statuses,
 * for a 429 that is not retried, or for another caller's request.
 */
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DevinClient, type RateLimitedWait, type RequestCounter } from '../../src/devin/client.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';

const ORIGIN = 'https://api.devin.test';
const WALL_NOW = Date.parse('2026-03-10T12:00:00Z');
const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

function client(answers: Array<{ status: number; headers?: Record<string, string> }>, maxAttempts = 5): { client: DevinClient; waits: number[] } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const pool = agent.get(ORIGIN);
  for (const answer of answers) {
    pool.intercept({ path: () => true, method: 'GET' }).reply(answer.status, answer.status === 200 ? '{"items":[]}' : '{}', {
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  }
  const waits: number[] = [];
  const devin = new DevinClient({
    apiUrl: ORIGIN,
    apiKey: 'cog_rate_limited_hook_key_1234',
    userAgent: 'source-devin-test',
    limiter: new AdaptiveLimiter({ maxConcurrency: 4, sleep: async () => undefined }),
    policy: { maxAttempts, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000, requestTimeoutMs: 2_000 },
    dispatcher: agent,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0,
    now: () => WALL_NOW,
  });
  return { client: devin, waits };
}

function counter(): RequestCounter & { seen: RateLimitedWait[] } {
  const seen: RateLimitedWait[] = [];
  return { requests: 0, seen, onRateLimited: (wait) => seen.push(wait) };
}

describe('onRateLimited', () => {
  it('Retry-After in seconds: the reset is now + the wait', async () => {
    const { client: devin, waits } = client([{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }]);
    const mine = counter();
    await devin.getJson({ path: '/v3/self' }, mine);
    expect(mine.seen).toEqual([{ atMs: WALL_NOW, untilMs: WALL_NOW + 7_000 }]);
    expect(waits).toEqual([7_000]);
  });

  it('Retry-After as an HTTP date: the reset is that date', async () => {
    const reset = WALL_NOW + 42_000;
    const { client: devin } = client([{ status: 429, headers: { 'retry-after': new Date(reset).toUTCString() } }, { status: 200 }]);
    const mine = counter();
    await devin.getJson({ path: '/v3/self' }, mine);
    expect(mine.seen).toEqual([{ atMs: WALL_NOW, untilMs: reset }]);
  });

  it('a Retry-After past the cap: the reset is when the client comes back', async () => {
    const { client: devin } = client([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    const mine = counter();
    await devin.getJson({ path: '/v3/self' }, mine);
    expect(mine.seen).toEqual([{ atMs: WALL_NOW, untilMs: WALL_NOW + 60_000 }]);
  });

  it('no Retry-After: no reset; one call per retried 429; none for a 503 or for a 429 that is not retried', async () => {
    const { client: devin } = client([{ status: 429 }, { status: 503, headers: { 'retry-after': '1' } }, { status: 429 }, { status: 200 }]);
    const mine = counter();
    await devin.getJson({ path: '/v3/self' }, mine);
    expect(mine.seen).toEqual([{ atMs: WALL_NOW }, { atMs: WALL_NOW }]);

    const last = client([{ status: 429, headers: { 'retry-after': '1' } }], 1);
    const other = counter();
    await expect(last.client.getJson({ path: '/v3/self' }, other)).rejects.toThrow(/429/);
    expect(other.seen).toEqual([]);
  });

  it("only the caller whose request it was hears of it", async () => {
    const { client: devin } = client([{ status: 200 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const first = counter();
    const second = counter();
    await devin.getJson({ path: '/v3/self' }, first);
    await devin.getJson({ path: '/v3/self' }, second);
    expect(first.seen).toEqual([]);
    expect(second.seen).toHaveLength(1);
  });
});
